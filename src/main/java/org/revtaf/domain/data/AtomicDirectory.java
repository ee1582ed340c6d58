package org.revtaf.domain.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.FileTrees;

/**
 * Writes a whole output folder so that nothing is ever left half written: the content goes into a
 * hidden temporary sibling first, which is renamed into place only when complete, and deleted on
 * failure. Single files go through {@link org.revtaf.edges.io.AtomicFile}.
 */
public final class AtomicDirectory {
    private AtomicDirectory() {}

    /** Work that fills a fresh temporary folder. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path tmp) throws IOException;
    }

    /**
     * Fills a temporary folder next to {@code target} and renames it to {@code target}. An existing
     * non-empty {@code target} is an error unless {@code replace}, in which case it is swapped out
     * only after the new content is complete.
     */
    public static void write(Path target, boolean replace, Filler filler) {
        checkFolderTarget(target, replace, null);
        Path abs = target.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs.getParent());
        } catch (IOException e) {
            throw new RevtafException(target + ": cannot prepare the output folder: " + e.getMessage(), e);
        }
        Path tmp = null;
        try {
            tmp = Files.createDirectory(sibling(abs, ".tmp-"));
            filler.fill(tmp);
            if (Files.exists(abs)) {
                Path old = sibling(abs, ".old-");
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
                FileTrees.delete(old);
            } else {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            }
        } catch (IOException e) {
            throw new RevtafException(target + ": cannot write: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new RevtafException(target + ": cannot write: " + e.getCause().getMessage(), e);
        } finally {
            if (tmp != null) deleteTreeQuietly(tmp);
        }
    }

    /**
     * Fails early, naming {@code option} (when not null) and the path, when {@code target} cannot
     * become the output folder of {@link #write}: it is a file, a non-empty folder without {@code
     * replace}, or its nearest existing ancestor is a file or not writable.
     */
    public static void checkFolderTarget(Path target, boolean replace, String option) {
        String name = label(target, option);
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) throw new RevtafException(name + ": exists and is not a folder");
            boolean empty;
            try {
                empty = isEmpty(abs);
            } catch (IOException e) {
                throw new RevtafException(name + ": cannot list the folder: " + e.getMessage(), e);
            }
            if (!empty && !replace)
                throw new RevtafException(name + ": folder exists and is not empty (use --force to replace it)");
        }
        checkAncestor(abs, name);
    }

    /**
     * Fails early, naming {@code option} and the path, when {@code file} cannot be written as a file
     * (by {@link org.revtaf.edges.io.AtomicFile}) next to the output folder {@code folder}: it is that
     * folder, an existing folder or other non-file, or its nearest existing ancestor is a file or not
     * writable.
     */
    public static void checkFileTarget(Path file, Path folder, String option) {
        String name = label(file, option);
        Path abs = file.toAbsolutePath().normalize();
        if (folder != null && abs.equals(folder.toAbsolutePath().normalize()))
            throw new RevtafException(name + ": is the output folder itself; give a file name such as sheet.png");
        if (Files.isDirectory(abs))
            throw new RevtafException(name + ": is a folder; give a file name such as sheet.png");
        if (Files.exists(abs) && !Files.isRegularFile(abs))
            throw new RevtafException(name + ": exists and is not a regular file");
        checkAncestor(abs, name);
    }

    private static String label(Path p, String option) {
        String shown = p.toString().isEmpty() ? "'' (empty path)" : p.toString();
        return option == null ? shown : option + " " + shown;
    }

    /** The nearest existing ancestor of abs must be a writable folder (abs and the rest get created there). */
    private static void checkAncestor(Path abs, String name) {
        Path a = abs.getParent();
        if (a == null) throw new RevtafException(name + ": has no parent folder");
        while (a != null && !Files.exists(a)) a = a.getParent();
        if (a == null) return; // nothing exists above: let the write report what the file system says
        if (!Files.isDirectory(a))
            throw new RevtafException(name + ": cannot create it, " + a + " is a file, not a folder");
        if (!Files.isWritable(a)) throw new RevtafException(name + ": cannot create it, " + a + " is not writable");
    }

    /**
     * A hidden unused sibling name; created with the default permissions (umask), unlike
     * Files.createTemp*, whose owner-only permissions would stay on the renamed result.
     */
    private static Path sibling(Path abs, String tag) {
        String rnd = Long.toHexString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return abs.resolveSibling("." + abs.getFileName() + tag + rnd);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    private static void deleteTreeQuietly(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary folder is harmless
        }
    }
}
