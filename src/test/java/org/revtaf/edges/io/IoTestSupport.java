package org.revtaf.edges.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;
import org.revtaf.RevtafException;

/** Helpers shared by the file-format tests. */
final class IoTestSupport {
    private IoTestSupport() {}

    /** Asserts a RevtafException whose message names {@code file} and contains {@code fragment}. */
    static RevtafException assertFails(Path file, String fragment, Executable action) {
        RevtafException e = assertThrows(RevtafException.class, action);
        assertTrue(e.getMessage().contains(file.toString()), () -> "message does not name the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
        return e;
    }

    /**
     * Asserts that {@code write}, which writes {@code file} in a folder of its own, fails naming it with
     * {@code fragment} and leaves the file as it was, with no temporary file beside it.
     */
    static void assertFailedWriteKeeps(Path file, String fragment, Executable write) throws IOException {
        byte[] before = Files.readAllBytes(file);
        assertFails(file, fragment, write);
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    /** Concatenates byte chunks; Strings are latin-1, byte[] raw. */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof String s ? s.getBytes(StandardCharsets.ISO_8859_1) : (byte[]) p;
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    static byte[] u16(int v) {
        return ByteBuffer.allocate(2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) v)
                .array();
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) v)
                .array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] f32s(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] i64s(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }

    static Path put(Path dir, String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }
}
