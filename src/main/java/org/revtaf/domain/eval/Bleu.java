package org.revtaf.domain.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU-1..4 exactly as pycocoevalcap's {@code Bleu(4).compute_score} (bleu_scorer.py, option
 * 'closest'), as R2Gen and PromptMRG call it.
 *
 * <p>Per report: tokens = {@code str.split()}; {@code guess[k]} = max(0, len - k); {@code correct[k]}
 * = n-gram matches clipped by the maximum count over the references; the reference length is the
 * 'closest' one (smallest |ref - hyp|, ties to the shorter). The corpus score sums guess, correct,
 * hypothesis and (per-report closest) reference lengths, then BLEU_n = (prod_{k<=n} (correct_k +
 * 1e-15) / (guess_k + 1e-9))^(1/n), times exp(1 - 1/ratio) when ratio = (testlen + 1e-15) /
 * (reflen + 1e-9) is below 1 (so even testlen == reflen gets a penalty of about 1e-10, as in
 * Python). Per-report scores use the same formula on one report's counts.
 */
public final class Bleu {
    public static final int N = 4;
    static final double TINY = 1e-15;
    static final double SMALL = 1e-9;

    private Bleu() {}

    /** {@code corpus[k]} = BLEU_{k+1}; {@code perReport[i][k]} likewise for report i. */
    public record Result(double[] corpus, double[][] perReport) {}

    /** Sufficient statistics of one report (pycocoevalcap's cooked test). */
    record Stats(int testLen, int refLen, int[] guess, int[] correct) {}

    static Stats stats(String hyp, List<String> refs) {
        List<String> words = PyText.splitWhitespace(hyp);
        List<Map<String, Integer>> counts = PyText.ngramCounts(words, N);
        int testLen = words.size();
        Map<String, Integer> maxRef = new HashMap<>();
        int bestDiff = Integer.MAX_VALUE;
        int refLen = 0;
        for (String ref : refs) {
            List<String> rw = PyText.splitWhitespace(ref);
            int diff = Math.abs(rw.size() - testLen);
            // min over (|l - testlen|, l) tuples: ties go to the shorter reference
            if (diff < bestDiff || (diff == bestDiff && rw.size() < refLen)) {
                bestDiff = diff;
                refLen = rw.size();
            }
            for (Map<String, Integer> m : PyText.ngramCounts(rw, N)) {
                m.forEach((g, c) -> maxRef.merge(g, c, Math::max));
            }
        }
        int[] guess = new int[N];
        int[] correct = new int[N];
        for (int k = 0; k < N; k++) {
            guess[k] = Math.max(0, testLen - k);
            for (Map.Entry<String, Integer> e : counts.get(k).entrySet()) {
                correct[k] += Math.min(maxRef.getOrDefault(e.getKey(), 0), e.getValue());
            }
        }
        return new Stats(testLen, refLen, guess, correct);
    }

    /** BLEU_1..4 from summed counts, with pycocoevalcap's smoothing and brevity penalty. */
    static double[] fromCounts(double testLen, double refLen, double[] guess, double[] correct) {
        double[] out = new double[N];
        double bleu = 1.0;
        for (int k = 0; k < N; k++) {
            bleu *= (correct[k] + TINY) / (guess[k] + SMALL);
            out[k] = Math.pow(bleu, 1.0 / (k + 1));
        }
        double ratio = (testLen + TINY) / (refLen + SMALL);
        if (ratio < 1) {
            double bp = Math.exp(1 - 1 / ratio);
            for (int k = 0; k < N; k++) out[k] *= bp;
        }
        return out;
    }

    /** Scores hypotheses {@code hyps[i]} against references {@code refs[i]} (at least one each). */
    public static Result score(List<String> hyps, List<List<String>> refs) {
        int n = hyps.size();
        double[][] per = new double[n][];
        double testLen = 0;
        double refLen = 0;
        double[] guess = new double[N];
        double[] correct = new double[N];
        for (int i = 0; i < n; i++) {
            Stats s = stats(hyps.get(i), refs.get(i));
            testLen += s.testLen();
            refLen += s.refLen();
            double[] g = new double[N];
            double[] c = new double[N];
            for (int k = 0; k < N; k++) {
                guess[k] += s.guess()[k];
                correct[k] += s.correct()[k];
                g[k] = s.guess()[k];
                c[k] = s.correct()[k];
            }
            per[i] = fromCounts(s.testLen(), s.refLen(), g, c);
        }
        return new Result(fromCounts(testLen, refLen, guess, correct), per);
    }
}
