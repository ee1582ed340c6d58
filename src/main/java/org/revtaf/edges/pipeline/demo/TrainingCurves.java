package org.revtaf.edges.pipeline.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.edges.pipeline.MetricsLog;
import org.revtaf.edges.report.ReportData.Curves;
import org.revtaf.edges.report.ReportData.EpochRow;
import org.revtaf.edges.report.ReportData.StepRow;

/**
 * The training curves of a {@code train} run, read back from {@code RUN/metrics.csv}: the step rows
 * (lr and the loss components) and the validation rows (one per epoch), as {@link Curves} for the
 * report's charts.
 */
public final class TrainingCurves {
    /** Loss columns of metrics.csv and the names the charts give them. */
    static final Map<String, String> LOSSES =
            Map.of("loss", "total", "loss_lm", "lm", "loss_cls", "cls", "loss_rank", "rank", "loss_fcc", "fcc");
    /** Validation metrics drawn (all on the 0..1 scale; CIDEr is not). */
    static final List<String> METRICS = List.of("BLEU_1", "BLEU_4", "METEOR", "ROUGE_L", "CE_F1");

    private TrainingCurves() {}

    public static Curves read(Path metricsCsv) {
        MetricsLog.Table t = MetricsLog.read(metricsCsv);
        List<String> c = t.columns();
        int step = need(t, "step"), epoch = need(t, "epoch"), lr = need(t, "lr"), bleu = need(t, "BLEU_1");
        List<StepRow> steps = new ArrayList<>();
        List<EpochRow> val = new ArrayList<>();
        for (int i = 0; i < t.rows().size(); i++) {
            List<String> r = t.rows().get(i);
            if (!r.get(bleu).isEmpty()) {
                Map<String, Double> m = new LinkedHashMap<>();
                for (String k : METRICS) if (c.contains(k)) m.put(k, number(t, i, c.indexOf(k)));
                val.add(new EpochRow((int) number(t, i, epoch), m));
            } else if (!r.get(lr).isEmpty()) {
                Map<String, Double> m = new LinkedHashMap<>();
                for (String k : List.of("loss_lm", "loss_cls", "loss_rank", "loss_fcc", "loss"))
                    if (c.contains(k) && !r.get(c.indexOf(k)).isEmpty())
                        m.put(LOSSES.get(k), number(t, i, c.indexOf(k)));
                steps.add(new StepRow((long) number(t, i, step), number(t, i, lr), m));
            }
        }
        return new Curves(steps, val);
    }

    private static int need(MetricsLog.Table t, String column) {
        int i = t.columns().indexOf(column);
        if (i < 0) throw new RevtafException(t.file() + ": no '" + column + "' column (not a train run's metrics)");
        return i;
    }

    /** A cell as a number ("nan", "inf" as MetricsLog writes them); a bad cell names file and line. */
    private static double number(MetricsLog.Table t, int row, int col) {
        String s = t.rows().get(row).get(col);
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new RevtafException(t.file() + ":" + (row + 2) + ": column '"
                            + t.columns().get(col) + "': '" + s + "' is not a number");
                }
            }
        };
    }
}
