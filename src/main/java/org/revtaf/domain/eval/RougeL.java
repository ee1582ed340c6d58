package org.revtaf.domain.eval;

import java.util.List;

/**
 * ROUGE-L exactly as pycocoevalcap's rouge.py: tokens from {@code split(" ")} (empty tokens from
 * double or trailing spaces count), LCS precision and recall per reference, the maximum precision
 * and the maximum recall taken separately over the references, F = (1 + b^2) P R / (R + b^2 P) with
 * b = 1.2 (0 when P or R is 0), and the corpus score is the mean over reports.
 */
public final class RougeL {
    static final double BETA = 1.2;

    private RougeL() {}

    /** {@code corpus} = mean of {@code perReport}. */
    public record Result(double corpus, double[] perReport) {}

    /** Length of the longest common subsequence (order of arguments does not matter). */
    static int lcs(List<String> a, List<String> b) {
        // prev/cur: (|b|+1) rows of the classic DP table, one row per token of a
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }

    static double sentence(String hyp, List<String> refs) {
        List<String> c = PyText.splitSpace(hyp);
        double precMax = Double.NEGATIVE_INFINITY;
        double recMax = Double.NEGATIVE_INFINITY;
        for (String ref : refs) {
            List<String> r = PyText.splitSpace(ref);
            int l = lcs(r, c);
            precMax = Math.max(precMax, l / (double) c.size());
            recMax = Math.max(recMax, l / (double) r.size());
        }
        if (precMax == 0 || recMax == 0) return 0.0;
        double b2 = BETA * BETA;
        return ((1 + b2) * precMax * recMax) / (recMax + b2 * precMax);
    }

    public static Result score(List<String> hyps, List<List<String>> refs) {
        double[] per = new double[hyps.size()];
        double sum = 0;
        for (int i = 0; i < per.length; i++) {
            per[i] = sentence(hyps.get(i), refs.get(i));
            sum += per[i];
        }
        return new Result(per.length == 0 ? Double.NaN : sum / per.length, per);
    }
}
