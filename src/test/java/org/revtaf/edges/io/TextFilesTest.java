package org.revtaf.edges.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.edges.config.ConfigLoader;

class TextFilesTest {
    @TempDir
    Path dir;

    record Cfg(int size) {}

    private static void expect(String message, Runnable r) {
        RevtafException e = assertThrows(RevtafException.class, r::run);
        assertEquals(message, e.getMessage());
    }

    @Test
    void readsUtf8AndDropsTheByteOrderMark() throws Exception {
        Path f = dir.resolve("r.txt");
        Files.write(f, "\uFEFFcafé\nzwei\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("café\nzwei\n", TextFiles.readUtf8(f, "report file"));
    }

    @Test
    void badBytesNameTheLineEvenOnTheLastLineWithoutNewline() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'o', 'k', '\n', 'o', 'k', '\n', 'x', (byte) 0xff});
        expect(f + ":3: not valid UTF-8 text", () -> TextFiles.readUtf8(f, "report file"));
        Files.write(f, new byte[] {'o', 'k', '\n', (byte) 0xc3, '\n', 'o', 'k'});
        expect(f + ":2: not valid UTF-8 text", () -> TextFiles.readUtf8(f, "report file"));
    }

    @Test
    void folderMissingAndEmptyNamesSaySo() {
        expect(dir + ": is a folder, not a config file", () -> TextFiles.readUtf8(dir, "config file"));
        expect(dir.resolve("none") + ": no such file", () -> TextFiles.readUtf8(dir.resolve("none"), "x"));
        expect("an empty file name was given for a config file", () -> TextFiles.readUtf8(Path.of(""), "config file"));
    }

    @Test
    void theConfigLoaderNamesTheBadLine() throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.write(f, new byte[] {'#', ' ', 'h', 'i', '\n', 's', 'i', 'z', 'e', ':', ' ', (byte) 0xfe, '\n'});
        expect(f + ":2: not valid UTF-8 text", () -> ConfigLoader.load(f, Cfg.class));
    }
}
