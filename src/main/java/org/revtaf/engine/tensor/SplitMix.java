package org.revtaf.engine.tensor;

/**
 * The SplitMix64 constants and output function (Steele, Lea, Flood 2014; Stafford's variant 13
 * finalizer): the project's one copy, used by {@code data.SplitMix64}, {@code nn.Rng} and the
 * counter-based attention dropout mask of the backends.
 */
public final class SplitMix {
    /** The SplitMix64 increment (the golden ratio in 64 bits). */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix() {}

    /** A bijective mix of all 64 bits. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
