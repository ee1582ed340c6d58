package org.revtaf.domain.data;

import org.revtaf.engine.tensor.SplitMix;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, fully specified PRNG. The same seed gives the
 * same stream on every JVM and machine, which {@link java.util.Random}'s gaussian and
 * {@link Math#random()} do not promise. Not thread-safe: one instance per study or per worker task.
 * All transcendental functions go through {@link StrictMath} so that derived values are bitwise
 * reproducible too. The mixing function is {@link SplitMix#mix64} (one copy of SplitMix64 in the
 * project; {@code nn.Rng} seeds xoshiro256** with it).
 */
public final class SplitMix64 {
    private static final long GOLDEN = SplitMix.GAMMA;
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** A seed derived from a parent seed and an index (e.g. the study number), well mixed. */
    public static long derive(long seed, long index) {
        return mix(mix(seed) ^ (index * GOLDEN + 0x632BE59BD9B4E019L));
    }

    private static long mix(long z) {
        return SplitMix.mix64(z);
    }

    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform in [0, n). */
    public int nextInt(int n) {
        if (n <= 0) throw new IllegalArgumentException("n must be positive, got " + n);
        return (int) (((nextLong() >>> 33) * n) >>> 31);
    }

    /** True with probability p. */
    public boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Standard normal by Box-Muller with {@link StrictMath} (one value per call). */
    public double gaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** Normal with the given mean and standard deviation. */
    public double gaussian(double mean, double sd) {
        return mean + sd * gaussian();
    }

    /** Cheap approximately normal noise (sum of 4 uniforms, variance 1), for pixel noise. */
    public float fastNoise() {
        long a = nextLong();
        // four 16-bit uniforms from one draw; sum of 4 U(0,1) has mean 2 and variance 1/3
        float s = (a & 0xFFFF) + ((a >>> 16) & 0xFFFF) + ((a >>> 32) & 0xFFFF) + (a >>> 48);
        return (s * (1f / 65536f) - 2f) * 1.7320508f;
    }

    /** One element of a non-empty array, uniformly. */
    @SafeVarargs
    public final <T> T pick(T... options) {
        return options[nextInt(options.length)];
    }
}
