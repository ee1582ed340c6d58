package org.revtaf.edges.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deleting a folder with everything in it: the replaced dataset of {@code synth --force}, a demo
 * folder of other settings, the temporary folders of tests. Links are deleted, never followed.
 */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code root} and everything in it; nothing when it does not exist. */
    public static void delete(Path root) throws IOException {
        delete(root, false);
    }

    /** Deletes everything inside the folder {@code root}, which stays (empty). */
    public static void deleteContents(Path root) throws IOException {
        delete(root, true);
    }

    private static void delete(Path root, boolean keepRoot) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) throw exc;
                if (!(keepRoot && dir.equals(root))) Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
