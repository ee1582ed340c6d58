package org.revtaf.domain.eval;

import java.util.List;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.LabelStatus;
import org.revtaf.domain.text.ReportLabeler;

/**
 * Clinical-efficacy metrics over the 14 CheXpert classes with PromptMRG's positive-only
 * binarisation (positive = 1; negative, uncertain and blank = 0).
 *
 * <ul>
 *   <li>Example-based (PromptMRG's headline): per report tp/fp/fn over the 14 classes, P_i =
 *       tp/(tp+fp), R_i = tp/(tp+fn), F1_i = tp/(tp + (fp+fn)/2), each NaN -> 0 (so a report with
 *       no positive on either side scores 0), averaged over reports.
 *   <li>Per class: counts summed over reports, P_c, R_c, F1_c likewise (NaN -> 0), with support
 *       (reference positives) and predicted positives.
 *   <li>Micro: counts summed over reports and classes. Macro: mean of the per-class values.
 * </ul>
 */
public final class ClinicalEfficacy {
    public static final int CLASSES = 14;

    private ClinicalEfficacy() {}

    /** Scores of one class (or of an aggregate). */
    public record ClassScore(
            String name, int support, int predicted, int tp, int fp, int fn, double p, double r, double f1) {}

    /**
     * {@code perReport[i]} = {P, R, F1} of report i; {@code perClass} in CheXbert order.
     */
    public record Result(
            double p,
            double r,
            double f1,
            ClassScore micro,
            ClassScore macro,
            List<ClassScore> perClass,
            double[][] perReport) {}

    /** Positive-only binarisation of status codes (the first 14 of the 18 classes). */
    public static boolean[] positives(int[] codes) {
        if (codes.length < CLASSES) {
            throw new IllegalArgumentException("need at least " + CLASSES + " label codes, got " + codes.length);
        }
        boolean[] out = new boolean[CLASSES];
        for (int c = 0; c < CLASSES; c++) out[c] = codes[c] == LabelStatus.POSITIVE.code();
        return out;
    }

    /** Labels every report with {@code labeler} and binarises it. */
    public static boolean[][] label(ReportLabeler labeler, List<String> reports) {
        boolean[][] out = new boolean[reports.size()][];
        for (int i = 0; i < out.length; i++) out[i] = positives(labeler.label(reports.get(i)));
        return out;
    }

    static double div(double a, double b) {
        double q = a / b;
        return Double.isNaN(q) ? 0.0 : q;
    }

    /** gt[i][c], pred[i][c]: report i is positive for class c. */
    public static Result score(boolean[][] gt, boolean[][] pred) {
        if (gt.length != pred.length) throw new IllegalArgumentException("gt and pred differ in report count");
        int n = gt.length;
        double[][] per = new double[n][3];
        double sp = 0;
        double sr = 0;
        double sf = 0;
        int[] tpc = new int[CLASSES];
        int[] fpc = new int[CLASSES];
        int[] fnc = new int[CLASSES];
        for (int i = 0; i < n; i++) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int c = 0; c < CLASSES; c++) {
                boolean g = gt[i][c];
                boolean p = pred[i][c];
                if (g && p) {
                    tp++;
                    tpc[c]++;
                } else if (p) {
                    fp++;
                    fpc[c]++;
                } else if (g) {
                    fn++;
                    fnc[c]++;
                }
            }
            per[i][0] = div(tp, tp + fp);
            per[i][1] = div(tp, tp + fn);
            per[i][2] = div(tp, tp + 0.5 * (fp + fn));
            sp += per[i][0];
            sr += per[i][1];
            sf += per[i][2];
        }
        ClassScore[] classes = new ClassScore[CLASSES];
        int tpa = 0;
        int fpa = 0;
        int fna = 0;
        double mp = 0;
        double mr = 0;
        double mf = 0;
        for (int c = 0; c < CLASSES; c++) {
            classes[c] = of(LabelClass.CHEXPERT.get(c).csvName(), tpc[c], fpc[c], fnc[c]);
            tpa += tpc[c];
            fpa += fpc[c];
            fna += fnc[c];
            mp += classes[c].p();
            mr += classes[c].r();
            mf += classes[c].f1();
        }
        ClassScore micro = of("micro", tpa, fpa, fna);
        ClassScore macro =
                new ClassScore("macro", tpa + fna, tpa + fpa, tpa, fpa, fna, mp / CLASSES, mr / CLASSES, mf / CLASSES);
        double nn = n == 0 ? Double.NaN : n;
        return new Result(sp / nn, sr / nn, sf / nn, micro, macro, List.of(classes), per);
    }

    private static ClassScore of(String name, int tp, int fp, int fn) {
        return new ClassScore(
                name, tp + fn, tp + fp, tp, fp, fn, div(tp, tp + fp), div(tp, tp + fn), div(tp, tp + 0.5 * (fp + fn)));
    }
}
