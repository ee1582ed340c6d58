package org.revtaf.engine.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

/**
 * Library lookup: -Drevtaf.native.dir first; otherwise the copy packed into the jar/classpath
 * resource org/revtaf/native/ is extracted to a temporary folder; nowhere is a clear error.
 */
class NativeLibraryTest {
    @TempDir
    Path empty;

    @Test
    void fallsBackToTheResourceCopyAndFailsClearlyWhenAbsent() throws Exception {
        String saved = System.getProperty(NativeLibrary.DIR_PROPERTY);
        assumeTrue(saved != null, "the build sets revtaf.native.dir");
        Path built = Path.of(saved, "librevtaf_emu.so");
        assumeTrue(
                NativeLibraryTest.class.getClassLoader().getResource("org/revtaf/native/librevtaf_emu.so") != null,
                "resources not packed (process-resources did not run)");
        try {
            System.setProperty(NativeLibrary.DIR_PROPERTY, empty.toString());
            Path extracted = NativeLibrary.locate("librevtaf_emu.so");
            assertNotEquals(built.toAbsolutePath(), extracted);
            assertTrue(extracted.getFileName().toString().equals("librevtaf_emu.so"), extracted.toString());
            assertArrayEquals(Files.readAllBytes(built), Files.readAllBytes(extracted));
            assertEquals(extracted, NativeLibrary.locate("librevtaf_emu.so"), "extracted once per JVM");
            assertNull(NativeLibrary.locate("librevtaf_nothing.so"));
            RevtafException e = assertThrows(RevtafException.class, () -> NativeLibrary.load("librevtaf_nothing.so"));
            assertTrue(
                    e.getMessage().contains("librevtaf_nothing.so")
                            && e.getMessage().contains("make -C kernels"),
                    e.getMessage());
        } finally {
            System.setProperty(NativeLibrary.DIR_PROPERTY, saved);
        }
    }
}
