package org.revtaf.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.revtaf.RevtafException;

/**
 * Writes a whole output folder or file so that nothing is ever left half written: the content goes
 * into a hidden temporary sibling first, which is renamed into place only when complete, and deleted
 * on failure.
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
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        try {
            if (Files.exists(abs)) {
                if (!Files.isDirectory(abs)) throw new RevtafException(target + ": exists and is not a folder");
                if (!isEmpty(abs) && !replace)
                    throw new RevtafException(target + ": folder exists and is not empty (use --force to replace it)");
            }
            Files.createDirectories(parent);
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
                deleteTree(old);
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

    /** Writes one file through a temporary sibling and an atomic rename. */
    public static void writeFile(Path target, byte[] bytes) {
        Path abs = target.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = sibling(abs, ".tmp-");
            Files.write(tmp, bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new RevtafException(target + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (tmp != null) deleteTreeQuietly(tmp);
        }
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

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary folder is harmless
        }
    }
}
