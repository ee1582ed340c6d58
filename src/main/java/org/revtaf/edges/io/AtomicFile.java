package org.revtaf.edges.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.revtaf.RevtafException;

/**
 * Crash-safe file writing, shared by every writer of the project (.npy, safetensors, CSV, JSON,
 * YAML): the content goes to a temporary file in the target's folder, is fsynced, then renamed
 * over the target in one atomic step. On any failure the temporary file is deleted and an existing
 * target is left untouched, so a reader sees either the old file or the complete new one.
 */
public final class AtomicFile {
    /**
     * Fault injection for the disk-full tests: bytes this JVM may still write through AtomicFile
     * before a write fails as on a full disk (negative: no limit). Starts at the system property
     * {@code revtaf.io.quotaBytes} (unset: no limit); {@link #setQuota} changes it.
     */
    private static final java.util.concurrent.atomic.AtomicLong QUOTA =
            new java.util.concurrent.atomic.AtomicLong(Long.getLong("revtaf.io.quotaBytes", -1));

    private AtomicFile() {}

    /** Sets the simulated free space (bytes; negative: unlimited); see {@link #QUOTA}. */
    public static void setQuota(long bytes) {
        QUOTA.set(bytes);
    }

    /** Takes {@code bytes} from the simulated free space; an IOException as on a full disk when it runs out. */
    private static void charge(long bytes) throws IOException {
        long left = QUOTA.getAndUpdate(q -> q < 0 ? q : Math.max(0, q - bytes));
        if (left >= 0 && left < bytes) throw new IOException("No space left on device (simulated)");
    }

    /** Writes the content through a file channel positioned at 0. */
    @FunctionalInterface
    public interface ChannelBody {
        void write(FileChannel channel) throws IOException;
    }

    /** Writes the content to a (buffered) output stream; do not close it. */
    @FunctionalInterface
    public interface StreamBody {
        void write(OutputStream out) throws IOException;
    }

    /** Atomically replaces {@code target} with what {@code body} writes to the channel. */
    public static void write(Path target, ChannelBody body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            if (dir != null) Files.createDirectories(dir);
            if (Files.isDirectory(abs))
                throw new RevtafException(target + ": is a directory, cannot write a file there");
            tmp = dir == null ? null : tempSibling(abs);
            if (tmp == null) throw new RevtafException(target + ": has no parent folder");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.write(ch);
                charge(ch.size());
                ch.force(true);
            }
            move(tmp, abs);
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new RevtafException(target + ": cannot write (" + describe(e) + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error is what the user needs to see
                }
            }
        }
    }

    /** Atomically replaces {@code target} with what {@code body} writes to a buffered stream. */
    public static void writeStream(Path target, StreamBody body) {
        write(target, ch -> {
            OutputStream raw = Channels.newOutputStream(ch);
            BufferedOutputStream out = new BufferedOutputStream(raw, 1 << 16);
            body.write(out);
            out.flush();
        });
    }

    /** Atomically replaces {@code target} with these bytes. */
    public static void writeBytes(Path target, byte[] bytes) {
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /** Atomically replaces {@code target} with this text in UTF-8. */
    public static void writeString(Path target, String text) {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces a set of files as one step as far as a file system allows: every content is first
     * written and fsynced to a temporary sibling, and only when all of them succeeded are they
     * renamed over their targets. A failure while writing leaves every target untouched.
     */
    public static void writeAll(Map<Path, byte[]> contents) {
        Map<Path, Path> temps = new LinkedHashMap<>(); // tmp -> target
        try {
            for (Map.Entry<Path, byte[]> e : contents.entrySet()) {
                Path abs = e.getKey().toAbsolutePath();
                Path dir = abs.getParent();
                if (dir == null) throw new RevtafException(e.getKey() + ": has no parent folder");
                Files.createDirectories(dir);
                if (Files.isDirectory(abs))
                    throw new RevtafException(e.getKey() + ": is a directory, cannot write a file there");
                Path tmp = tempSibling(abs);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    temps.put(tmp, abs);
                    writeFully(ch, ByteBuffer.wrap(e.getValue()));
                    charge(ch.size());
                    ch.force(true);
                }
            }
            for (Iterator<Map.Entry<Path, Path>> it = temps.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Path, Path> e = it.next();
                move(e.getKey(), e.getValue());
                it.remove();
                syncDirectory(e.getValue().getParent());
            }
        } catch (IOException e) {
            Path where = temps.isEmpty()
                    ? contents.keySet().iterator().next()
                    : temps.values().iterator().next();
            throw new RevtafException(where + ": cannot write (" + describe(e) + ")", e);
        } finally {
            for (Path tmp : temps.keySet()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error is what the user needs to see
                }
            }
        }
    }

    /** Writes all remaining bytes of {@code buf} (a channel may write fewer per call). */
    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static Path tempSibling(Path abs) throws IOException {
        String base = "." + abs.getFileName() + ".tmp-";
        for (int attempt = 0; ; attempt++) {
            Path p = abs.resolveSibling(
                    base + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
            if (!Files.exists(p)) return p;
            if (attempt > 100) throw new IOException("cannot find a free temporary name next to " + abs);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // same folder, so this only happens on exotic file systems; still never a partial target
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename durable (POSIX); silently skipped where folders cannot be opened. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported on this platform: the data itself is already fsynced
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
