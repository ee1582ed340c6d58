package org.revtaf.learning.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.learning.model.generate.BeamSearch.Options;

class BeamSearchTest {
    static final int EOS = 1;

    /** The best sequence under HF's scoring by enumerating every sequence up to maxNewTokens. */
    static Hypothesis exhaustive(Function<long[], float[]> lm, long[] prompt, int vocab, Options o) {
        Hypothesis[] best = {null};
        dfs(lm, prompt, new int[0], 0.0, vocab, o, prompt.length, best);
        return best[0];
    }

    private static void dfs(
            Function<long[], float[]> lm,
            long[] seq,
            int[] gen,
            double sum,
            int vocab,
            Options o,
            int p,
            Hypothesis[] best) {
        float[] lp = lm.apply(seq);
        int len = p + gen.length;
        if (len >= o.minLength()) offer(best, gen, (sum + lp[o.eosId()]) / Math.pow(len, o.lengthPenalty()), true);
        for (int tok = 0; tok < vocab; tok++) {
            if (tok == o.eosId()) continue;
            int[] g = Arrays.copyOf(gen, gen.length + 1);
            g[gen.length] = tok;
            double s = sum + lp[tok];
            if (g.length == o.maxNewTokens()) {
                offer(best, g, s / Math.pow(p + g.length, o.lengthPenalty()), false);
            } else {
                long[] next = Arrays.copyOf(seq, seq.length + 1);
                next[seq.length] = tok;
                dfs(lm, next, g, s, vocab, o, p, best);
            }
        }
    }

    private static void offer(Hypothesis[] best, int[] tokens, double score, boolean eos) {
        if (best[0] == null || score > best[0].score()) best[0] = new Hypothesis(tokens, score, eos);
    }

    /** Greedy decoding written out: argmax of the (min-length processed) log-probabilities. */
    static Hypothesis greedy(Function<long[], float[]> lm, long[] prompt, Options o) {
        long[] seq = prompt.clone();
        double sum = 0;
        int p = prompt.length;
        for (int t = 0; t < o.maxNewTokens(); t++) {
            float[] lp = lm.apply(seq).clone();
            if (p + t < o.minLength()) lp[o.eosId()] = Float.NEGATIVE_INFINITY;
            int arg = 0;
            for (int v = 1; v < lp.length; v++) if (lp[v] > lp[arg]) arg = v;
            sum += lp[arg];
            int[] gen = new int[t];
            for (int i = 0; i < t; i++) gen[i] = (int) seq[p + i];
            if (arg == o.eosId()) return new Hypothesis(gen, sum / Math.pow(p + t, o.lengthPenalty()), true);
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = arg;
        }
        int[] gen = new int[o.maxNewTokens()];
        for (int i = 0; i < gen.length; i++) gen[i] = (int) seq[p + i];
        return new Hypothesis(gen, sum / Math.pow(seq.length, o.lengthPenalty()), false);
    }

    static void assertSame(Hypothesis expected, Hypothesis actual, double tol, String what) {
        assertArrayEquals(expected.tokens(), actual.tokens(), what + ": tokens");
        assertEquals(expected.score(), actual.score(), tol, what + ": score");
        assertEquals(expected.eos(), actual.eos(), what + ": ended with EOS");
    }

    @Test
    void aBeamWideEnoughToKeepEverySequenceFindsTheExhaustiveOptimum() {
        // V tokens, one of them EOS: at most V (V-1)^(maxNew-1) real candidates per step, so a beam
        // that wide never prunes a live sequence and must return the global optimum.
        int[][] vocabAndLength = {{4, 3}, {3, 4}};
        double[] penalties = {1.0, 0.5, 2.0};
        for (int[] vl : vocabAndLength) {
            int vocab = vl[0], maxNew = vl[1];
            int wide = vocab * (int) Math.pow(vocab - 1, maxNew - 1);
            for (double pen : penalties)
                for (int minLength : new int[] {0, 3, 4})
                    for (long seed = 1; seed <= 4; seed++) {
                        Function<long[], float[]> lm = FnStepper.hashLm(vocab, seed, 1.5, EOS, 0.5);
                        Options o = new Options(wide, maxNew, minLength, EOS, pen);
                        long[][] prompts = {{2, 0}, {0, 2}, {3 % vocab, 2}};
                        List<Hypothesis> got = BeamSearch.run(new FnStepper(vocab, lm), prompts, o)
                                .best();
                        for (int s = 0; s < prompts.length; s++)
                            assertSame(
                                    exhaustive(lm, prompts[s], vocab, o),
                                    got.get(s),
                                    1e-12,
                                    "V " + vocab + " max " + maxNew + " penalty " + pen + " min " + minLength + " seed "
                                            + seed + " study " + s);
                    }
        }
    }

    @Test
    void beamOneIsGreedyArgmax() {
        for (long seed = 1; seed <= 20; seed++) {
            int vocab = 7;
            Function<long[], float[]> lm = FnStepper.hashLm(vocab, seed, 2.0, EOS, 1.0);
            Options o = Options.greedy(12, (int) (seed % 6), EOS);
            long[][] prompts = {{2, 3, 4}, {5, 6, 0}};
            List<Hypothesis> got =
                    BeamSearch.run(new FnStepper(vocab, lm), prompts, o).best();
            for (int s = 0; s < 2; s++) assertSame(greedy(lm, prompts[s], o), got.get(s), 1e-12, "seed " + seed);
        }
    }

    @Test
    void minLengthCountsThePromptAndHoldsEosBack() {
        int vocab = 6;
        // EOS is by far the most likely token everywhere
        Function<long[], float[]> lm = FnStepper.hashLm(vocab, 3, 1.0, EOS, 8.0);
        long[][] prompt = {{2, 3, 4, 5, 2}}; // 5 prompt tokens
        for (int beams : new int[] {1, 3}) {
            Hypothesis free = BeamSearch.run(new FnStepper(vocab, lm), prompt, new Options(beams, 20, 0, EOS, 1.0))
                    .best()
                    .getFirst();
            assertEquals(0, free.length(), "without a minimum, EOS comes first");
            assertTrue(free.eos());
            for (int min : new int[] {5, 6, 9}) {
                Hypothesis h = BeamSearch.run(new FnStepper(vocab, lm), prompt, new Options(beams, 20, min, EOS, 1.0))
                        .best()
                        .getFirst();
                assertEquals(Math.max(0, min - 5), h.length(), "min length " + min + " counts the 5 prompt tokens");
                assertTrue(h.eos());
                for (int t : h.tokens()) assertFalse(t == EOS, "no EOS inside a sequence");
            }
        }
    }

    @Test
    void withoutEosTheSequenceRunsToMaxNewTokens() {
        int vocab = 5;
        Function<long[], float[]> lm = FnStepper.hashLm(vocab, 9, 1.0, EOS, -30.0);
        FnStepper st = new FnStepper(vocab, lm);
        BeamSearch.Result r = BeamSearch.run(st, new long[][] {{2}, {3}}, new Options(2, 7, 0, EOS, 1.0));
        for (Hypothesis h : r.best()) {
            assertEquals(7, h.length());
            assertFalse(h.eos());
        }
        assertEquals(7, r.steps(), "the prompt step and 6 single-token steps: the 7th token needs no model call");
        assertEquals(List.of(2, 4, 4, 4, 4, 4, 4), st.rowsPerStep, "one row per study, then one per beam");
        assertEquals(24, r.rowTokens());
    }

    /**
     * A scripted case worked through by hand with HF's rules (beams 2, prompt 1 token, V = {EOS=1,
     * a=2, b=3} plus an unused 0): an EOS in the top 2 closes a beam; the study is done when the
     * worst kept hypothesis beats the best candidate normalised by the current length.
     */
    @Test
    void scriptedCaseFollowsHuggingFaceRules() {
        float n = -20f; // tokens that never win
        Map<String, float[]> table = Map.of(
                "9", new float[] {n, -2.0f, -0.5f, -1.0f}, // a -0.5, b -1.0, EOS -2.0
                "9 2", new float[] {n, -0.1f, -3f, -3f}, // after a: EOS -0.1
                "9 3", new float[] {n, -0.2f, -3f, -3f}, // after b: EOS -0.2
                "9 2 2", new float[] {n, -0.01f, -5f, -5f},
                "9 2 3", new float[] {n, -0.01f, -5f, -5f});
        Function<long[], float[]> lm = seq -> {
            String key =
                    String.join(" ", Arrays.stream(seq).mapToObj(Long::toString).toList());
            float[] row = table.get(key);
            if (row == null) throw new AssertionError("the search should not have reached " + key);
            return row;
        };
        FnStepper st = new FnStepper(4, lm);
        BeamSearch.Result r = BeamSearch.run(st, new long[][] {{9}}, new Options(2, 10, 0, EOS, 1.0));
        // step 1: a -> beam 0 (-0.5), b -> beam 1 (-1.0)
        // step 2: [a]+EOS -0.6 rank 0 -> hypothesis -0.3; [b]+EOS -1.2 rank 1 -> hypothesis -0.6;
        //         beams aa, ab (-3.5); not done: worst -0.6 < best candidate -0.6 / 2
        // step 3: EOS candidates -3.51/3 = -1.17 do not enter the full list; done: -0.6 >= -3.51/3
        Hypothesis h = r.best().getFirst();
        assertArrayEquals(new int[] {2}, h.tokens());
        assertEquals(-0.6 / 2, h.score(), 1e-6);
        assertTrue(h.eos());
        assertEquals(3, r.steps(), "done after the third model call, long before 10 tokens");

        // beams 1: EOS ranked second is dropped, the search goes on with a
        Hypothesis g = BeamSearch.run(new FnStepper(4, lm), new long[][] {{9}}, Options.greedy(10, 0, EOS))
                .best()
                .getFirst();
        assertArrayEquals(new int[] {2}, g.tokens());
        assertEquals((-0.5 - 0.1) / 2, g.score(), 1e-6);
    }

    @Test
    void anEosRankedBelowTheBeamCountNeverBecomesAHypothesis() {
        // beams 2, tokens c=0, EOS=1, a=2, b=3. At length 2 the ranked candidates are
        // [b a] -0.7, [a]+EOS -0.8, [b]+EOS -0.9 (rank 2: dropped), [a a] -1.0. Had [b]+EOS been
        // kept, the list would be full and the study done at length 3 (worst -0.45 >= -1.4 / 3),
        // missing [b a c]+EOS = -1.41 / 4 found at length 4.
        Map<String, float[]> table = Map.of(
                "9", new float[] {-9f, -9f, -0.5f, -0.6f},
                "9 2", new float[] {-5f, -0.3f, -0.5f, -5f},
                "9 3", new float[] {-5f, -0.3f, -0.1f, -5f},
                "9 3 2", new float[] {-0.7f, -4f, -5f, -5f},
                "9 2 2", new float[] {-0.5f, -4f, -5f, -5f},
                "9 3 2 0", new float[] {-5f, -0.01f, -5f, -5f},
                "9 2 2 0", new float[] {-5f, -0.01f, -5f, -5f});
        float[] elsewhere = {-3f, -3f, -3f, -3f};
        Function<long[], float[]> lm = seq -> table.getOrDefault(
                String.join(" ", Arrays.stream(seq).mapToObj(Long::toString).toList()), elsewhere);
        Hypothesis h = BeamSearch.run(new FnStepper(4, lm), new long[][] {{9}}, new Options(2, 10, 0, EOS, 1.0))
                .best()
                .getFirst();
        assertArrayEquals(new int[] {3, 2, 0}, h.tokens());
        assertEquals((-0.6 - 0.1 - 0.7 - 0.01) / 4, h.score(), 1e-6);
    }

    @Test
    void batchedEqualsOneByOneAndFinishedStudiesLeaveTheBatch() {
        int vocab = 9;
        Function<long[], float[]> lm = FnStepper.hashLm(vocab, 5, 2.0, EOS, 0.0);
        long[][] prompts = {{2, 3}, {4, 5}, {6, 7}, {8, 2}, {3, 3}, {5, 4}};
        Options o = new Options(3, 15, 4, EOS, 1.0);
        FnStepper batched = new FnStepper(vocab, lm);
        List<Hypothesis> all = BeamSearch.run(batched, prompts, o).best();
        boolean shrank = false;
        for (int s = 0; s < prompts.length; s++) {
            Hypothesis one = BeamSearch.run(new FnStepper(vocab, lm), new long[][] {prompts[s]}, o)
                    .best()
                    .getFirst();
            assertSame(one, all.get(s), 0.0, "study " + s);
        }
        for (int i = 2; i < batched.rowsPerStep.size(); i++)
            shrank |= batched.rowsPerStep.get(i) < batched.rowsPerStep.get(i - 1);
        assertTrue(shrank, "rows of finished studies are dropped: " + batched.rowsPerStep);
    }

    @Test
    void badInputIsAClearError() {
        FnStepper st = new FnStepper(4, FnStepper.hashLm(4, 1, 1, EOS, 0));
        Options o = new Options(2, 3, 0, EOS, 1.0);
        assertTrue(assertThrows(RevtafException.class, () -> BeamSearch.run(st, new long[][] {{2, 3}, {2}}, o))
                .getMessage()
                .contains("prompt 1 has 1 tokens"));
        assertTrue(assertThrows(
                        RevtafException.class,
                        () -> BeamSearch.run(st, new long[][] {{2}}, new Options(2, 3, 0, 4, 1.0)))
                .getMessage()
                .contains("EOS id 4"));
        assertThrows(RevtafException.class, () -> new Options(0, 3, 0, EOS, 1.0));
        assertThrows(RevtafException.class, () -> new Options(1, 0, 0, EOS, 1.0));
        FnStepper nan = new FnStepper(3, seq -> new float[] {Float.NaN, -1, -1});
        assertTrue(assertThrows(RevtafException.class, () -> BeamSearch.run(nan, new long[][] {{2}}, o))
                .getMessage()
                .contains("NaN"));
        assertEquals(0, BeamSearch.run(st, new long[0][], o).best().size());
    }
}
