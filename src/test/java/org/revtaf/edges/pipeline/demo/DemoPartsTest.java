package org.revtaf.edges.pipeline.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.MetricsLog;
import org.revtaf.edges.pipeline.RunDir;
import org.revtaf.edges.report.ReportData.Curves;

class DemoPartsTest {
    @TempDir
    Path dir;

    static Log log(StringWriter w) {
        return new Log(new PrintWriter(w), false);
    }

    @Test
    void curvesComeFromTheStepAndValidationRowsOfMetricsCsv() {
        Path f = dir.resolve("metrics.csv");
        List<String> cols = List.of("step", "epoch", "lr", "loss", "loss_lm", "BLEU_1", "BLEU_4", "CE_F1");
        try (MetricsLog m = MetricsLog.create(f, cols)) {
            m.row(Map.of("step", 10, "epoch", 1, "lr", 1e-4, "loss", 3.5, "loss_lm", 2.5));
            m.row(Map.of("step", 20, "epoch", 1, "lr", 2e-4, "loss", 2.5, "loss_lm", 1.5));
            m.row(Map.of("step", 20, "epoch", 1, "BLEU_1", 0.3, "BLEU_4", 0.1, "CE_F1", 0.25));
            m.row(Map.of("step", 30, "epoch", 2, "lr", 1e-4, "loss", Double.NaN, "loss_lm", 1.0));
        }
        Curves c = TrainingCurves.read(f);
        assertEquals(3, c.steps().size());
        assertEquals(20, c.steps().get(1).step());
        assertEquals(2e-4, c.steps().get(1).lr(), 0);
        assertEquals(Map.of("lm", 1.5, "total", 2.5), c.steps().get(1).losses());
        assertTrue(Double.isNaN(c.steps().get(2).losses().get("total")), "nan as written");
        assertEquals(1, c.validation().size());
        assertEquals(1, c.validation().getFirst().epoch());
        assertEquals(
                Map.of("BLEU_1", 0.3, "BLEU_4", 0.1, "CE_F1", 0.25),
                c.validation().getFirst().metrics());
    }

    @Test
    void aBadCellNamesFileAndLine() throws Exception {
        Path f = dir.resolve("metrics.csv");
        Files.writeString(f, "step,epoch,lr,loss,BLEU_1\n10,1,0.001,2.0,\n20,1,fast,1.0,\n");
        RevtafException e = assertThrows(RevtafException.class, () -> TrainingCurves.read(f));
        assertEquals(f + ":3: column 'lr': 'fast' is not a number", e.getMessage());
        Files.writeString(f, "step,loss\n1,2\n");
        assertTrue(assertThrows(RevtafException.class, () -> TrainingCurves.read(f))
                .getMessage()
                .contains("no 'epoch' column"));
    }

    @Test
    void planSplitsAndOverrides() {
        DemoPlan q = DemoPlan.quick();
        assertEquals(q.studies(), q.count(Split.TRAIN) + q.count(Split.VAL) + q.count(Split.TEST));
        assertEquals(q.studies() / 10, q.count(Split.TEST));
        assertTrue(q.describe().contains("train/val/test 192/24/24"), q.describe());
        assertTrue(q.overrides().contains("train.epochs=" + q.trainEpochs()));
        assertTrue(DemoPlan.full().studies() > q.studies());
    }

    @Test
    void aDemoOfOtherSettingsIsReplacedOneOfTheSameContinued() throws Exception {
        Path d = dir.resolve("demo");
        StringWriter w = new StringWriter();
        RunDir.open(d, "--out", Demo.KIND, false, "# quick\n", log(w));
        Files.writeString(d.resolve("stale.txt"), "old");
        RunDir same = Demo.open(d, "# quick\n", log(w));
        assertTrue(same.resumed());
        assertTrue(Files.exists(d.resolve("stale.txt")), "same settings: kept");
        RunDir other = Demo.open(d, "# full\n", log(w));
        assertTrue(!other.resumed());
        assertTrue(!Files.exists(d.resolve("stale.txt")), "other settings: replaced");
        assertEquals("# full\n", Files.readString(d.resolve(RunDir.CONFIG)));
        assertTrue(w.toString().contains("holds a demo of other settings; replacing it"), w.toString());
    }

    @Test
    void mostFrequentReportPrefersRepeatsThenTheMostTypical() {
        Study a = study("a", "No effusion. Heart is enlarged."), b = study("b", "No effusion. Normal heart.");
        Study c = study("c", "No effusion. Normal heart."), d = study("d", "Large mass. Normal heart.");
        assertEquals("No effusion. Normal heart.", MostFrequentReport.of(List.of(a, b, c, d)));
        // no repeats: the report whose sentences are the most common
        Study e = study("e", "Normal heart. No effusion.");
        assertEquals("Normal heart. No effusion.", MostFrequentReport.of(List.of(a, d, e)));
        assertThrows(RevtafException.class, () -> MostFrequentReport.of(List.of()));
    }

    private static Study study(String id, String report) {
        return new Study(id, "train", report, List.of(id + ".png"), new int[0]);
    }
}
