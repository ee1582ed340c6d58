package org.revtaf.edges.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {
    @TempDir
    Path dir;

    @Test
    void withoutATerminalEachUpdateIsOnePlainLineWithRateEtaAndStatus() throws Exception {
        StringWriter err = new StringWriter();
        Log log = new Log(new PrintWriter(err), false).intervalMs(0);
        log.copyTo(dir.resolve("log.txt"));
        try (Progress p = log.progress("pretrain entity", 4, "steps")) {
            for (int i = 0; i < 4; i++) {
                Thread.sleep(5);
                p.step("loss 1.5");
            }
        }
        List<String> lines = err.toString().lines().toList();
        assertEquals(4, lines.size(), err.toString());
        assertTrue(
                lines.get(0)
                        .matches("pretrain entity: 1/4 steps \\(25%\\), [0-9.]+ steps/s, ETA \\d+:\\d\\d, loss 1.5"),
                lines.get(0));
        assertTrue(
                lines.get(3)
                        .matches("pretrain entity: 4/4 steps \\(100%\\), [0-9.]+ steps/s, took \\d+:\\d\\d, loss 1.5"),
                lines.get(3));
        assertEquals(lines, Files.readAllLines(dir.resolve("log.txt")), "log.txt holds the same lines");
    }

    @Test
    void linesAreThrottledButTheLastAlwaysComesAndAResumeCountsItsElapsedTime() {
        StringWriter err = new StringWriter();
        Log log = new Log(new PrintWriter(err), false).intervalMs(3_600_000);
        try (Progress p = log.progress("precompute", 100, "texts", 40, Duration.ofSeconds(3725))) {
            for (int i = 41; i <= 100; i++) p.update(i, null);
        }
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).startsWith("precompute: 100/100 texts (100%)"), lines.get(0));
        assertTrue(lines.get(0).contains("took 1:02:05"), lines.get(0));
        assertEquals("0:05", Progress.clock(4.6));
    }
}
