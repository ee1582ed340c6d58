package org.revtaf.domain.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIDEr (the CIDEr-D variant) exactly as pycocoevalcap's cider_scorer.py: n = 1..4 whitespace
 * n-grams; document frequency = number of reports whose references contain the n-gram (the
 * references of the evaluated set only); tf-idf vector g = tf * (log N - log max(1, df)) per order,
 * with raw counts as tf; per order the clipped cosine sum_g min(h_g, r_g) r_g / (|h| |r|) (no division
 * when a norm is 0), times the Gaussian length penalty exp(-delta^2 / (2 sigma^2)), sigma 6, where
 * delta is the difference of the bigram counts of hypothesis and reference (pycocoevalcap counts
 * the length on order index 1); mean over the 4 orders, mean over references, x10; corpus score =
 * mean over reports.
 */
public final class Cider {
    public static final int N = 4;
    static final double SIGMA = 6.0;

    private Cider() {}

    public record Result(double corpus, double[] perReport) {}

    /** tf-idf vectors per order, their norms and the "length" (number of bigrams). */
    private record Vec(List<Map<String, Double>> vec, double[] norm, int length) {}

    private static Vec toVec(List<Map<String, Integer>> counts, Map<String, Integer> df, double refLen) {
        List<Map<String, Double>> vec = new ArrayList<>(N);
        double[] norm = new double[N];
        int length = 0;
        for (int n = 0; n < N; n++) {
            Map<String, Double> v = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : counts.get(n).entrySet()) {
                double d = Math.log(Math.max(1.0, df.getOrDefault(e.getKey(), 0)));
                double x = e.getValue() * (refLen - d);
                v.put(e.getKey(), x);
                norm[n] += x * x;
                if (n == 1) length += e.getValue();
            }
            vec.add(v);
        }
        for (int n = 0; n < N; n++) norm[n] = Math.sqrt(norm[n]);
        return new Vec(vec, norm, length);
    }

    private static double[] sim(Vec h, Vec r) {
        double delta = h.length() - r.length();
        double[] val = new double[N];
        for (int n = 0; n < N; n++) {
            Map<String, Double> rv = r.vec().get(n);
            for (Map.Entry<String, Double> e : h.vec().get(n).entrySet()) {
                double vr = rv.getOrDefault(e.getKey(), 0.0);
                val[n] += Math.min(e.getValue(), vr) * vr;
            }
            if (h.norm()[n] != 0 && r.norm()[n] != 0) val[n] /= (h.norm()[n] * r.norm()[n]);
            val[n] *= Math.pow(Math.E, -(delta * delta) / (2 * SIGMA * SIGMA));
        }
        return val;
    }

    public static Result score(List<String> hyps, List<List<String>> refs) {
        int num = hyps.size();
        List<List<List<Map<String, Integer>>>> refCounts = new ArrayList<>(num);
        Map<String, Integer> df = new HashMap<>();
        for (List<String> rs : refs) {
            List<List<Map<String, Integer>>> cooked = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String r : rs) {
                List<Map<String, Integer>> c = PyText.ngramCounts(PyText.splitWhitespace(r), N);
                cooked.add(c);
                for (Map<String, Integer> m : c) seen.addAll(m.keySet());
            }
            for (String g : seen) df.merge(g, 1, Integer::sum);
            refCounts.add(cooked);
        }
        double refLen = Math.log((double) num);
        double[] per = new double[num];
        double sum = 0;
        for (int i = 0; i < num; i++) {
            Vec h = toVec(PyText.ngramCounts(PyText.splitWhitespace(hyps.get(i)), N), df, refLen);
            double[] acc = new double[N];
            for (List<Map<String, Integer>> rc : refCounts.get(i)) {
                double[] s = sim(h, toVec(rc, df, refLen));
                for (int n = 0; n < N; n++) acc[n] += s[n];
            }
            double mean = (((acc[0] + acc[1]) + acc[2]) + acc[3]) / N;
            per[i] = mean / refCounts.get(i).size() * 10.0;
            sum += per[i];
        }
        return new Result(num == 0 ? Double.NaN : sum / num, per);
    }
}
