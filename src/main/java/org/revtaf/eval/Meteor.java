package org.revtaf.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * METEOR 1.5 as pycocoevalcap runs it ({@code java -jar meteor-1.5.jar - - -stdio -l en -norm}):
 * text normalised by {@link MeteorNormalizer}, words aligned by {@link MeteorAligner}, the English
 * "default" (ranking) task parameters alpha 0.85, beta 0.2, gamma 0.6, delta 0.75 and module
 * weights exact 1.0, stem 0.6 (synonym 0.8, paraphrase 0.6 are not run: METEOR's WordNet synsets and
 * paraphrase table are not on this machine, so the modules that run are exact and stem).
 *
 * <p>Per segment: P = sum_m w_m (delta c_m^h + (1-delta) f_m^h) / (delta (|h| - F_h) + (1-delta) F_h),
 * R likewise on the reference, where c/f count matched content/function words and F the function
 * words; Fmean = 1 / ((1-alpha)/P + alpha/R); frag = chunks / ((matched_h + matched_r) / 2) (0 when
 * everything matched in one chunk); score = Fmean (1 - gamma frag^beta), NaN -> 0. With several
 * references the best-scoring one is kept. The corpus score is computed from the summed statistics
 * (a perfectly matched single-chunk segment adds no chunks), not as a mean of segment scores.
 *
 * <p>Function words: METEOR reads them from its bundled {@code function/english.words}, which is not
 * available here; by default the set is empty (all words are content words, so delta cancels) and a
 * list can be given to reproduce METEOR's weighting.
 */
public final class Meteor {
    static final double ALPHA = 0.85;
    static final double BETA = 0.2;
    static final double GAMMA = 0.6;
    static final double DELTA = 0.75;
    static final double[] WEIGHTS = {1.0, 0.6};
    static final int MODULES = 2;

    private Meteor() {}

    /** The modules this implementation runs, for reports. */
    public static final String MODULES_RUN = "exact, stem";

    public record Result(double corpus, double[] perReport) {}

    /** METEOR's sufficient statistics of one segment (word-based). */
    static final class Stats {
        int testLength;
        int refLength;
        int testFunction;
        int refFunction;
        int[] testContent = new int[MODULES];
        int[] refContent = new int[MODULES];
        int[] testFunctionMatches = new int[MODULES];
        int[] refFunctionMatches = new int[MODULES];
        int chunks;
        int testWordMatches;
        int refWordMatches;
        double score;

        int testTotal() {
            return Arrays.stream(testContent).sum()
                    + Arrays.stream(testFunctionMatches).sum();
        }

        int refTotal() {
            return Arrays.stream(refContent).sum()
                    + Arrays.stream(refFunctionMatches).sum();
        }

        boolean perfect() {
            return testTotal() == testLength && refTotal() == refLength && chunks == 1;
        }

        void add(Stats s) {
            testLength += s.testLength;
            refLength += s.refLength;
            testFunction += s.testFunction;
            refFunction += s.refFunction;
            for (int m = 0; m < MODULES; m++) {
                testContent[m] += s.testContent[m];
                refContent[m] += s.refContent[m];
                testFunctionMatches[m] += s.testFunctionMatches[m];
                refFunctionMatches[m] += s.refFunctionMatches[m];
            }
            if (!s.perfect()) chunks += s.chunks;
            testWordMatches += s.testWordMatches;
            refWordMatches += s.refWordMatches;
        }

        /** METEOR's computeMetrics. */
        void computeScore() {
            double testWeightedLength = DELTA * (testLength - testFunction) + (1.0 - DELTA) * testFunction;
            double refWeightedLength = DELTA * (refLength - refFunction) + (1.0 - DELTA) * refFunction;
            double testWeighted = 0;
            double refWeighted = 0;
            for (int m = 0; m < MODULES; m++) testWeighted += testContent[m] * WEIGHTS[m] * DELTA;
            for (int m = 0; m < MODULES; m++) refWeighted += refContent[m] * WEIGHTS[m] * DELTA;
            for (int m = 0; m < MODULES; m++) testWeighted += testFunctionMatches[m] * WEIGHTS[m] * (1.0 - DELTA);
            for (int m = 0; m < MODULES; m++) refWeighted += refFunctionMatches[m] * WEIGHTS[m] * (1.0 - DELTA);
            double precision = testWeighted / testWeightedLength;
            double recall = refWeighted / refWeightedLength;
            double fMean = 1.0 / (((1.0 - ALPHA) / precision) + (ALPHA / recall));
            double frag = perfect() ? 0 : ((double) chunks) / (((double) (testWordMatches + refWordMatches)) / 2);
            double penalty = GAMMA * Math.pow(frag, BETA);
            double s = fMean * (1.0 - penalty);
            score = Double.isNaN(s) ? 0 : Math.max(s, 0.0);
        }
    }

    static List<String> tokens(String normalized) {
        List<String> out = new ArrayList<>();
        for (String t : normalized.split(" ")) if (!t.isEmpty()) out.add(t);
        return out;
    }

    /** Statistics of hypothesis words {@code h} against reference words {@code r}. */
    static Stats segment(List<String> h, List<String> r, Set<String> functionWords) {
        MeteorAligner.Alignment a = MeteorAligner.align(h, r, true);
        Stats s = new Stats();
        s.testLength = h.size();
        s.refLength = r.size();
        boolean[] f1 = new boolean[h.size()];
        boolean[] f2 = new boolean[r.size()];
        for (int i = 0; i < f1.length; i++) if (f1[i] = functionWords.contains(h.get(i))) s.testFunction++;
        for (int j = 0; j < f2.length; j++) if (f2[j] = functionWords.contains(r.get(j))) s.refFunction++;
        for (MeteorAligner.Match m : a.matches()) {
            if (m == null) continue;
            if (f1[m.matchStart()]) s.testFunctionMatches[m.module()]++;
            else s.testContent[m.module()]++;
            if (f2[m.start()]) s.refFunctionMatches[m.module()]++;
            else s.refContent[m.module()]++;
            s.testWordMatches++;
            s.refWordMatches++;
        }
        s.chunks = a.chunks();
        s.computeScore();
        return s;
    }

    /**
     * Scores {@code hyps[i]} against {@code refs[i]}. As pycocoevalcap does, "|||" is removed from the
     * hypothesis (it is METEOR's field separator); it is removed from references too.
     */
    public static Result score(List<String> hyps, List<List<String>> refs, Set<String> functionWords) {
        // segments are independent: aligned in parallel, summed in order (integer statistics)
        Stats[] best = new Stats[hyps.size()];
        java.util.stream.IntStream.range(0, best.length).parallel().forEach(i -> {
            List<String> h = tokens(MeteorNormalizer.normalize(hyps.get(i).replace("|||", "")));
            for (String ref : refs.get(i)) {
                Stats s = segment(h, tokens(MeteorNormalizer.normalize(ref.replace("|||", ""))), functionWords);
                if (best[i] == null || s.score > best[i].score) best[i] = s;
            }
        });
        double[] per = new double[best.length];
        Stats agg = new Stats();
        for (int i = 0; i < per.length; i++) {
            per[i] = best[i].score;
            agg.add(best[i]);
        }
        agg.computeScore();
        return new Result(per.length == 0 ? Double.NaN : agg.score, per);
    }
}
