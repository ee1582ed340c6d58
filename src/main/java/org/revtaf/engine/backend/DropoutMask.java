package org.revtaf.engine.backend;

import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.SplitMix;

/**
 * Dropout without a stored mask (flash-attention style): a counter-based generator decides for
 * every element whether it is kept, so backward regenerates the same mask from the seed. Kept
 * elements are scaled by 1/(1-p). The single definition of the mask for every backend (reference,
 * cpu, cuda's rt_dropout and attention softmax), for {@code F.dropout} (element = flat index of the
 * tensor) and for attention on the probabilities (element = (batch*head, query row, key column)),
 * and for the tests' composites.
 *
 * <p>Element {@code idx = (bh * n + i) * s + j} (bh = batch * heads + head; q [b, h, n, d], k [b,
 * h, s, d]) is kept when the high 32 bits of {@code mix64(mix64(seed) + idx * GAMMA)} (SplitMix64
 * at position idx of the stream keyed by the seed) are at least {@code round(p 2^32)}.
 */
public final class DropoutMask {
    /** No dropout: every probability kept, unscaled. */
    public static final DropoutMask NONE = new DropoutMask(0, 0);

    private final double p;
    private final long seed, key, threshold;
    private final double keepScale;

    /**
     * @param p drop probability in [0, 1)
     * @param seed any value; the same seed gives the same mask
     */
    public DropoutMask(double p, long seed) {
        if (!(p >= 0 && p < 1)) throw new RevtafException("attention: dropout p=" + p + " outside [0, 1)");
        this.p = p;
        this.seed = seed;
        this.key = SplitMix.mix64(seed);
        this.threshold = Math.round(p * 0x1p32);
        this.keepScale = 1.0 / (1.0 - p);
    }

    public double p() {
        return p;
    }

    public long seed() {
        return seed;
    }

    /** SplitMix64's mix of the seed: the key of the kernels' counter stream. */
    public long key() {
        return key;
    }

    /** Elements whose 32-bit draw is below this are dropped: round(p 2^32). */
    public long threshold() {
        return threshold;
    }

    /** Whether any element can be dropped (p > 0). */
    public boolean active() {
        return p > 0;
    }

    /** 1/(1-p), the factor of kept probabilities. */
    public double keepScale() {
        return keepScale;
    }

    /** Flat element index of (bh, i, j) in a [b*h, n, s] probability tensor. */
    public static long index(int bh, int i, int j, int n, int s) {
        return ((long) bh * n + i) * s + j;
    }

    /** Whether element {@code idx} (see {@link #index}) is kept. */
    public boolean keep(long idx) {
        return (SplitMix.mix64(key + idx * SplitMix.GAMMA) >>> 32) >= threshold;
    }

    /** The factor of element idx: 1/(1-p) if kept, else 0 (1 when inactive). */
    public double factor(long idx) {
        if (!active()) return 1;
        return keep(idx) ? keepScale : 0;
    }

    /** The dense mask factors [bh, n, s] (tests and composites; the kernels never build it). */
    public double[] factors(int bh, int n, int s) {
        double[] f = new double[bh * n * s];
        for (int x = 0; x < f.length; x++) f[x] = factor(x);
        return f;
    }
}
