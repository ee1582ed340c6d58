package org.revtaf.learning.model.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link TokenStepper} whose next-token log-probabilities are a pure function of each row's
 * whole sequence (prompt + generated). Checks the call order and records the rows of every call.
 */
final class FnStepper implements TokenStepper {
    private final int vocab;
    private final Function<long[], float[]> lm;
    private List<long[]> rows;
    final List<Integer> rowsPerStep = new ArrayList<>();

    FnStepper(int vocab, Function<long[], float[]> lm) {
        this.vocab = vocab;
        this.lm = lm;
    }

    @Override
    public int vocab() {
        return vocab;
    }

    @Override
    public float[] step(long[] tokens, int n, int width) {
        if (rows == null) {
            rows = new ArrayList<>();
            for (int r = 0; r < n; r++) rows.add(Arrays.copyOfRange(tokens, r * width, (r + 1) * width));
        } else {
            if (n != rows.size() || width != 1)
                throw new AssertionError("step of " + n + "x" + width + " after select to " + rows.size() + " rows");
            for (int r = 0; r < n; r++) {
                long[] s = Arrays.copyOf(rows.get(r), rows.get(r).length + 1);
                s[s.length - 1] = tokens[r];
                rows.set(r, s);
            }
        }
        rowsPerStep.add(n);
        float[] out = new float[n * vocab];
        for (int r = 0; r < n; r++) System.arraycopy(lm.apply(rows.get(r)), 0, out, r * vocab, vocab);
        return out;
    }

    @Override
    public void select(int[] from) {
        List<long[]> next = new ArrayList<>();
        for (int f : from) next.add(rows.get(f));
        rows = next;
    }

    /** Log-softmax (in double, rounded to float) of logits. */
    static float[] logSoftmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double l : logits) max = Math.max(max, l);
        for (double l : logits) sum += Math.exp(l - max);
        double lse = max + Math.log(sum);
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = (float) (logits[i] - lse);
        return out;
    }

    /**
     * A random language model: logits N(0, scale) from a hash of (seed, sequence), plus
     * {@code eosBias} on token {@code eos}.
     */
    static Function<long[], float[]> hashLm(int vocab, long seed, double scale, int eos, double eosBias) {
        return seq -> {
            long h = seed * 0x9E3779B97F4A7C15L;
            for (long t : seq) h = mix(h ^ (t + 0x632BE59BD9B4E019L));
            double[] logits = new double[vocab];
            for (int v = 0; v < vocab; v++) {
                long z = mix(h + v * 0xD1B54A32D192ED03L);
                double u1 = ((z >>> 11) + 1.0) / (1L << 53), u2 = (mix(z) >>> 11) / (double) (1L << 53);
                logits[v] = scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            }
            logits[eos] += eosBias;
            return logSoftmax(logits);
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
