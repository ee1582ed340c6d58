package org.revtaf.edges.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

class MetricsLogTest {
    @TempDir
    Path dir;

    private static final List<String> COLS = List.of("step", "epoch", "loss", "val_auroc");

    private static void fill(MetricsLog m, int from, int to) {
        for (int s = from; s <= to; s++) {
            m.at(s).put("epoch", 1 + (s - 1) / 4).put("loss", 1.0 / s).write();
            if (s % 4 == 0)
                m.at(s).put("epoch", s / 4).put("val_auroc", 0.5 + s / 100.0).write();
        }
    }

    /** The file without its wall_s column (the only column that differs between runs). */
    private static List<String> withoutWall(Path f) throws Exception {
        return Files.readAllLines(f).stream()
                .map(l -> l.substring(0, l.lastIndexOf(',')))
                .toList();
    }

    @Test
    void stepAndValidationRowsShareOneFileWithEmptyCellsAndWallSeconds() throws Exception {
        Path f = dir.resolve("metrics.csv");
        try (MetricsLog m = MetricsLog.create(f, COLS)) {
            assertEquals(List.of("step,epoch,loss,val_auroc,wall_s"), Files.readAllLines(f), "header at once");
            fill(m, 1, 4);
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(6, lines.size());
        assertTrue(lines.get(1).startsWith("1,1,1,,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("2,1,0.5,,"), lines.get(2));
        assertTrue(lines.get(5).startsWith("4,1,,0.54,"), lines.get(5));
        double wall = Double.parseDouble(lines.get(5).substring(lines.get(5).lastIndexOf(',') + 1));
        assertTrue(wall >= 0 && wall < 60, "wall_s " + wall);
    }

    @Test
    void resumeDropsRowsAfterTheCheckpointSoTheFileEqualsAnUninterruptedOne() throws Exception {
        Path a = dir.resolve("a.csv"), b = dir.resolve("b.csv");
        try (MetricsLog m = MetricsLog.create(a, COLS)) {
            fill(m, 1, 12);
        }
        try (MetricsLog m = MetricsLog.create(b, COLS)) {
            fill(m, 1, 10); // crashed after step 10, checkpoint at step 8
        }
        try (MetricsLog m = MetricsLog.resume(b, COLS, 8, 100.0)) {
            assertEquals(10, m.rows().size(), "8 step rows and 2 validation rows kept");
            assertTrue(m.wallSeconds() >= 100.0, "wall time continues from the checkpoint");
            fill(m, 9, 12);
        }
        assertEquals(withoutWall(a), withoutWall(b));
        String last = Files.readAllLines(b).getLast();
        assertTrue(Double.parseDouble(last.substring(last.lastIndexOf(',') + 1)) >= 100.0, last);
    }

    @Test
    void resumingWithOtherColumnsOrABadStepNamesTheFile() throws Exception {
        Path f = dir.resolve("m.csv");
        try (MetricsLog m = MetricsLog.create(f, COLS)) {
            fill(m, 1, 2);
        }
        RevtafException e =
                assertThrows(RevtafException.class, () -> MetricsLog.resume(f, List.of("step", "loss"), 1, 0));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("columns"), e.getMessage());
        Files.writeString(f, "step,epoch,loss,val_auroc,wall_s\nx,1,2,,3\n");
        e = assertThrows(RevtafException.class, () -> MetricsLog.resume(f, COLS, 1, 0));
        assertTrue(e.getMessage().contains(f + ":2") && e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> MetricsLog.create(dir.resolve("n.csv"), COLS)
                        .at(1)
                        .put("nope", 1)
                        .write());
    }

    @Test
    void numbersAreWrittenCompactly() {
        assertEquals("0.123457", MetricsLog.format(0.1234567));
        assertEquals("3", MetricsLog.format(3.0));
        assertEquals("1e-05", MetricsLog.format(1e-5));
        assertEquals("2.5e-05", MetricsLog.format(2.5e-5));
        assertEquals("nan", MetricsLog.format(Double.NaN));
        assertEquals("", MetricsLog.format(null));
        assertEquals("12", MetricsLog.format(12L));
    }
}
