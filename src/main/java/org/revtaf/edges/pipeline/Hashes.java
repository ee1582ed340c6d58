package org.revtaf.edges.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;

/**
 * The identities that key cached and trained artefacts: SHA-256 of a file (a checkpoint), of a text
 * (a config), and of a dataset. Written as {@code sha256:HEX}.
 */
public final class Hashes {
    private Hashes() {}

    /** SHA-256 of a file's bytes. */
    public static String file(Path file) {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot read to hash it: " + e.getMessage(), e);
        }
        return hex(md);
    }

    /** SHA-256 of a text (UTF-8). */
    public static String text(String s) {
        MessageDigest md = sha256();
        md.update(s.getBytes(StandardCharsets.UTF_8));
        return hex(md);
    }

    /**
     * The identity of a dataset: every study in split order (id, split, report, image paths, labels),
     * the size and modification time of each study's first image (the image the models read; hashing
     * the pixels of a real dataset would take hours, and a changed time only ever causes a
     * recomputation, never a wrong reuse), and the bytes of {@code extra} files (findings.json).
     */
    public static String dataset(Dataset d, Path... extra) {
        MessageDigest md = sha256();
        StringBuilder b = new StringBuilder();
        for (Split s : Split.ALL) {
            for (Study st : d.split(s)) {
                b.setLength(0);
                b.append(st.id())
                        .append('\u0000')
                        .append(s.key())
                        .append('\u0000')
                        .append(st.report());
                for (String p : st.imagePaths()) b.append('\u0000').append(p);
                b.append('\u0000').append(java.util.Arrays.toString(st.labels()));
                if (!st.imagePaths().isEmpty()) {
                    Path img = d.resolveImage(st.imagePaths().get(0), "study " + st.id());
                    try {
                        BasicFileAttributes a = Files.readAttributes(img, BasicFileAttributes.class);
                        b.append('\u0000')
                                .append(a.size())
                                .append('\u0000')
                                .append(a.lastModifiedTime().toMillis());
                    } catch (IOException e) {
                        b.append("\u0000missing");
                    }
                }
                b.append('\n');
                md.update(b.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        for (Path p : extra) {
            md.update(("\u0001" + p.getFileName() + "\u0001").getBytes(StandardCharsets.UTF_8));
            try {
                md.update(Files.readAllBytes(p));
            } catch (IOException e) {
                throw new RevtafException(p + ": cannot read to hash it: " + e.getMessage(), e);
            }
        }
        return hex(md);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String hex(MessageDigest md) {
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }
}
