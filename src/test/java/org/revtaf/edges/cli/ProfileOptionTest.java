package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** {@code --profile} around a job: off just the job; on the table on stderr and in the file; a failing job leaves no session and no file. */
class ProfileOptionTest {
    @TempDir
    Path dir;

    static Tensor x() {
        return Tensor.randn(Device.CPU, DType.FLOAT32, new Random(1), 1, 64, 64); // 16384 bytes
    }

    static ProfileOption option(boolean on) {
        ProfileOption p = new ProfileOption();
        p.profile = on;
        return p;
    }

    @Test
    void withoutTheOptionOnlyTheJobRuns() {
        StringWriter err = new StringWriter();
        Path file = dir.resolve("profile.txt");
        boolean profiled = option(false).run(Device.CPU, new PrintWriter(err), file, () -> {
            F.exp(x());
            return Profiler.enabled();
        });
        assertFalse(profiled);
        assertEquals("", err.toString());
        assertFalse(Files.exists(file));
    }

    @Test
    void withTheOptionTheTableGoesToStderrAndTheFile() throws Exception {
        StringWriter err = new StringWriter();
        Path file = dir.resolve("profile.txt");
        Tensor x = x();
        boolean profiled = option(true).run(Device.CPU, new PrintWriter(err), file, () -> {
            try (var s = Profiler.stage("forward")) {
                F.exp(F.exp(x));
            }
            return Profiler.enabled();
        });
        assertTrue(profiled);
        assertFalse(Profiler.enabled());
        assertEquals(Files.readString(file), err.toString());
        var rows = ProfileTables.check(err.toString());
        assertEquals(1, rows.size(), err.toString());
        // two outputs of 16384 bytes: 0.033 MB as printed
        assertEquals(new ProfileTables.Row("exp", "fwd", 2, rows.getFirst().ms(), 100.0, 0.033), rows.getFirst());
        assertEquals(1L, ProfileTables.stages(err.toString()).get("forward"));
    }

    @Test
    void aFailingJobStopsTheSessionAndWritesNoTable() {
        StringWriter err = new StringWriter();
        Path file = dir.resolve("profile.txt");
        Tensor x = x();
        var e = assertThrows(
                RevtafException.class,
                () -> option(true).run(Device.CPU, new PrintWriter(err), file, () -> {
                    F.exp(x);
                    throw new RevtafException("the job failed");
                }));
        assertEquals("the job failed", e.getMessage());
        assertFalse(Profiler.enabled());
        assertFalse(Files.exists(file));
        assertEquals("", err.toString());
    }
}
