package org.revtaf.edges.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.domain.data.Image;
import org.revtaf.domain.data.synth.Finding;
import org.revtaf.domain.data.synth.SyntheticGenerator;
import org.revtaf.domain.eval.ClinicalEfficacy;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.Labelers;
import org.revtaf.domain.text.ReportLabeler;
import org.revtaf.edges.report.ReportData.AttentionMap;
import org.revtaf.edges.report.ReportData.Curves;
import org.revtaf.edges.report.ReportData.EpochRow;
import org.revtaf.edges.report.ReportData.Retrieved;
import org.revtaf.edges.report.ReportData.Sample;
import org.revtaf.edges.report.ReportData.StepRow;

/**
 * A report built from synthetic studies (generated in memory) with stand-in model outputs: the
 * "generated" report is another study's, the retrieved one the nearest by labels, the attention
 * maps Gaussian blobs placed at each finding's side and zone. For looking at the page and for
 * tests; {@link #main} writes one: {@code OUT_DIR [studies] [size]}.
 */
public final class SampleReports {
    private SampleReports() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: SampleReports OUT_DIR [studies=16] [size=128]");
            System.exit(2);
        }
        int studies = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Path html = HtmlReport.write(Path.of(args[0]), synthetic(studies, size, 6));
        System.out.println(html.toAbsolutePath());
    }

    /** A report over {@code studies} synthetic studies of which the first {@code shown} are shown. */
    public static ReportData synthetic(int studies, int size, int shown) {
        ReportLabeler labeler = Labelers.standard();
        List<SyntheticGenerator.Sample> all = new ArrayList<>();
        for (int i = 0; i < studies; i++) all.add(SyntheticGenerator.sample(1, i, size, labeler));
        List<Sample> samples = new ArrayList<>();
        boolean[][] gt = new boolean[studies][], pred = new boolean[studies][];
        for (int i = 0; i < studies; i++) {
            SyntheticGenerator.Sample s = all.get(i);
            int nn = nearest(all, i);
            SyntheticGenerator.Sample other = all.get((i + 3) % studies);
            int[] predicted = s.labels().clone();
            predicted[(i * 5) % 18] = (predicted[(i * 5) % 18] + 1) % 4; // one disagreement per study
            gt[i] = ClinicalEfficacy.positives(s.labels());
            pred[i] = ClinicalEfficacy.positives(other.labels());
            if (i >= shown) continue;
            Image img = Image.ofGray8(s.pixels(), size, size);
            String retrievedReport = all.get(nn).report();
            List<AttentionMap> grp = new ArrayList<>();
            String[] sentences = retrievedReport.split("(?<=\\.)\\s+");
            for (int k = 0; k < sentences.length; k++)
                grp.add(blob(sentences[k], 7, 7, 0.2 + 0.6 * ((k * 37 + i * 11) % 10) / 10.0, 0.25 + 0.1 * k, 1.4));
            List<AttentionMap> lrp = new ArrayList<>();
            for (Finding f : s.findings()) lrp.add(findingBlob(f));
            if (lrp.isEmpty()) {
                lrp.add(blob("heart", 7, 7, 0.55, 0.6, 1.3));
                lrp.add(blob("right lung", 7, 7, 0.28, 0.45, 1.5));
                lrp.add(blob("left lung", 7, 7, 0.72, 0.45, 1.5));
            }
            samples.add(new Sample(
                    s.id(),
                    img,
                    other.report(),
                    s.report(),
                    new Retrieved(all.get(nn).id(), retrievedReport, 0.8 + 0.37 * ((i * 7) % 5)),
                    predicted,
                    s.labels(),
                    grp,
                    lrp));
        }
        ClinicalEfficacy.Result ce = ClinicalEfficacy.score(gt, pred);
        Map<String, Double> metrics = new LinkedHashMap<>();
        double[] values = {0.412, 0.268, 0.181, 0.127, 0.163, 0.311, 0.402};
        String[] names = {"BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "METEOR", "ROUGE_L", "CIDEr"};
        for (int k = 0; k < names.length; k++) metrics.put(names[k], values[k]);
        metrics.put("CE_P", ce.p());
        metrics.put("CE_R", ce.r());
        metrics.put("CE_F1", ce.f1());
        Map<String, String> about = new LinkedHashMap<>();
        about.put("run", "sample (stand-in model outputs)");
        about.put("data", "synthetic, " + studies + " studies at " + size + " px");
        about.put("config", "configs/tiny.yaml");
        return new ReportData("REVTAF report: synthetic sample", about, samples, metrics, ce, curves(120, 4));
    }

    /** Loss components and lr of a warmup-then-cosine run, validation scores per epoch. */
    public static Curves curves(int steps, int epochs) {
        List<StepRow> rows = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            double t = s / (double) steps;
            double wiggle = 0.05 * Math.sin(s * 1.7);
            Map<String, Double> l = new LinkedHashMap<>();
            l.put("lm", 2.4 * Math.exp(-2.2 * t) + 0.9 + wiggle);
            l.put("cls", 0.9 * Math.exp(-3 * t) + 0.25 + wiggle / 2);
            l.put("rank", 0.6 * Math.exp(-1.5 * t) + 0.3 + wiggle / 3);
            l.put("fcc", 0.2 * Math.exp(-4 * t) + 0.05);
            l.put("total", l.values().stream().mapToDouble(Double::doubleValue).sum());
            double lr = s < steps / 10 ? 5e-5 * s / (steps / 10.0) : 5e-5 * 0.5 * (1 + Math.cos(Math.PI * t));
            rows.add(new StepRow(s, lr, l));
        }
        List<EpochRow> val = new ArrayList<>();
        for (int e = 1; e <= epochs; e++)
            val.add(new EpochRow(
                    e,
                    Map.of(
                            "BLEU_4", 0.05 + 0.02 * e,
                            "CE_F1", 0.2 + 0.05 * e - 0.004 * e * e,
                            "ROUGE_L", 0.2 + 0.025 * e)));
        return new Curves(rows, val);
    }

    private static int nearest(List<SyntheticGenerator.Sample> all, int i) {
        int best = -1, bestD = Integer.MAX_VALUE;
        for (int j = 0; j < all.size(); j++) {
            if (j == i) continue;
            int d = 0;
            for (int c = 0; c < 18; c++)
                if (all.get(i).labels()[c] != all.get(j).labels()[c]) d++;
            if (d < bestD) {
                bestD = d;
                best = j;
            }
        }
        return best;
    }

    /** A blob where the finding is: side picks the image half, the zone the height. */
    static AttentionMap findingBlob(Finding f) {
        double x = 0.5 + 0.25 * f.side().imageSign();
        String z = f.zone();
        double y = z.contains("upper") || z.contains("apex")
                ? 0.25
                : z.contains("lower") || z.contains("base") || z.contains("costophrenic") || z.contains("stomach")
                        ? 0.75
                        : 0.5;
        String name = f.entity() + " (" + f.position() + ")";
        return blob(name, 7, 7, x, y, f.label() == LabelClass.CARDIOMEGALY ? 1.8 : 1.1);
    }

    /** A Gaussian bump at (x, y) in [0, 1] image coordinates, sigma in grid cells. */
    static AttentionMap blob(String name, int h, int w, double x, double y, double sigma) {
        float[] v = new float[h * w];
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) {
                double dx = c + 0.5 - x * w, dy = r + 0.5 - y * h;
                v[r * w + c] = (float) Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            }
        return new AttentionMap(name, h, w, v);
    }
}
