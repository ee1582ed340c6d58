package org.revtaf.edges.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** root/a.txt, root/sub/b.txt, root/sub/deeper/ and root/sub/link to a folder outside, which must survive. */
class FileTreesTest {
    @TempDir
    Path dir;

    private Path root, outside;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(dir.resolve("root/sub/deeper"))
                .getParent()
                .getParent();
        Files.writeString(root.resolve("a.txt"), "a");
        Files.writeString(root.resolve("sub/b.txt"), "b");
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Files.createSymbolicLink(root.resolve("sub/link"), outside);
    }

    @AfterEach
    void whatTheLinkPointsToIsKept() {
        assertTrue(Files.exists(outside.resolve("keep.txt")));
    }

    @Test
    void deleteRemovesTheFolderAndIsANoOpOnceItIsGone() throws IOException {
        FileTrees.delete(root);
        assertFalse(Files.exists(root));
        FileTrees.delete(root);
    }

    @Test
    void deleteContentsLeavesTheFolderEmpty() throws IOException {
        FileTrees.deleteContents(root);
        try (var s = Files.list(root)) {
            assertFalse(s.findAny().isPresent());
        }
    }
}
