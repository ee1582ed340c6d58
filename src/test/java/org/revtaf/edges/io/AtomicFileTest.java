package org.revtaf.edges.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesAndReplacesAndCreatesParentFolders() throws IOException {
        Path f = dir.resolve("sub/deeper/out.csv");
        AtomicFile.writeString(f, "a,b\n1,2\n");
        assertEquals("a,b\n1,2\n", Files.readString(f));
        AtomicFile.writeStream(f, out -> out.write("x\n".getBytes()));
        assertEquals("x\n", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "only the target, no temporary file");
        }
    }

    @Test
    void writeAllReplacesEveryFileOrNone() throws IOException {
        Path a = dir.resolve("a.csv"), b = dir.resolve("b.csv");
        AtomicFile.writeAll(java.util.Map.of(a, "A1".getBytes(), b, "B1".getBytes()));
        assertEquals("A1", Files.readString(a));
        assertEquals("B1", Files.readString(b));
        Path blocked = dir.resolve("c.csv");
        Files.createDirectories(blocked);
        var set = new java.util.LinkedHashMap<Path, byte[]>();
        set.put(a, "A2".getBytes());
        set.put(b, "B2".getBytes());
        set.put(blocked, "C2".getBytes());
        RevtafException e = assertThrows(RevtafException.class, () -> AtomicFile.writeAll(set));
        assertTrue(e.getMessage().contains("c.csv: is a directory"), e.getMessage());
        assertEquals("A1", Files.readString(a), "a write that fails on one file replaces none");
        assertEquals("B1", Files.readString(b));
        assertEquals(List.of(a, b, blocked), listing(), "no temporary files left");
    }

    @Test
    void writtenFilesGetTheUsualPermissionsNotThoseOfATempFile() throws IOException {
        // Files.createTempFile makes owner-only files; a CSV or .npy meant to be shared must not end up 0600
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "x");
        Path one = dir.resolve("one.csv"), set = dir.resolve("set.csv");
        AtomicFile.writeString(one, "x");
        AtomicFile.writeAll(java.util.Map.of(set, "x".getBytes()));
        var expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(one));
        assertEquals(expected, Files.getPosixFilePermissions(set));
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("metrics.csv");
        AtomicFile.writeString(f, "old\n");
        IOException boom = new IOException("disk full");
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> AtomicFile.writeStream(f, out -> {
                    out.write("partial new content".getBytes());
                    out.flush();
                    throw boom;
                }));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals("old\n", Files.readString(f));
        assertEquals(List.of(f), listing());

        assertThrows(
                IllegalStateException.class,
                () -> AtomicFile.writeStream(f, out -> {
                    out.write(1);
                    throw new IllegalStateException("bug in the writer");
                }));
        assertEquals("old\n", Files.readString(f));
        assertEquals(List.of(f), listing());
    }

    @Test
    void refusesToReplaceAFolder() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("taken"));
        RevtafException e = assertThrows(RevtafException.class, () -> AtomicFile.writeString(sub, "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(sub));
    }
}
