package org.revtaf.learning.nn;

import java.util.Random;
import org.revtaf.RevtafException;

/**
 * A seeded, reproducible random generator whose whole state can be saved and restored
 * (checkpoints). xoshiro256** (Blackman and Vigna) seeded through SplitMix64; normal variates by
 * the Box-Muller transform, the second value of each pair cached as part of the state.
 *
 * <p>It extends {@link Random} so it can be passed wherever the op layer takes a {@code Random}
 * (dropout, {@code Tensor.randn}); every method of {@code Random} draws from this generator.
 * Not thread-safe: give each thread its own (see {@link #fork}).
 */
public final class Rng extends Random {
    /** Number of longs in {@link #state()}: four xoshiro words, the cache flag and the cached value bits. */
    public static final int STATE_LONGS = 6;

    private long s0, s1, s2, s3;
    private boolean haveSpare;
    private double spare;
    private boolean ready;

    /** A generator seeded from {@code seed} (any value, including 0). */
    public Rng(long seed) {
        super(0);
        ready = true;
        reseed(seed);
    }

    private Rng(long[] state) {
        super(0);
        ready = true;
        restore(state);
    }

    /** Restores a generator saved with {@link #state()}. */
    public static Rng fromState(long[] state) {
        return new Rng(state);
    }

    /** The SplitMix64 increment (the golden ratio in 64 bits). */
    public static final long SPLITMIX_GAMMA = org.revtaf.engine.tensor.SplitMix.GAMMA;

    /**
     * The SplitMix64 output function (Stafford's variant 13 finalizer): a bijective mix of all 64
     * bits; the one copy is {@code org.revtaf.engine.tensor.SplitMix#mix64}.
     */
    public static long mix64(long z) {
        return org.revtaf.engine.tensor.SplitMix.mix64(z);
    }

    /** One SplitMix64 step of {@code x}: a well-mixed 64-bit value. */
    public static long splitMix(long x) {
        return mix64(x + SPLITMIX_GAMMA);
    }

    /** The first four outputs of a SplitMix64 sequence started at {@code seed}. */
    private void reseed(long seed) {
        final long g = SPLITMIX_GAMMA;
        s0 = splitMix(seed);
        s1 = splitMix(seed + g);
        s2 = splitMix(seed + 2 * g);
        s3 = splitMix(seed + 3 * g);
        haveSpare = false;
        spare = 0;
    }

    /** Re-seeds (also called once by the {@link Random} constructor, which is ignored). */
    @Override
    public synchronized void setSeed(long seed) {
        if (ready) reseed(seed);
    }

    /** The next 64 random bits (xoshiro256**). */
    @Override
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    @Override
    protected int next(int bits) {
        return (int) (nextLong() >>> (64 - bits));
    }

    @Override
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits. */
    @Override
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal by Box-Muller; the second value of each pair is returned by the next call. */
    @Override
    public double nextGaussian() {
        if (haveSpare) {
            haveSpare = false;
            return spare;
        }
        double u1 = 1.0 - nextDouble(); // (0, 1]: log is finite
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double a = 2.0 * Math.PI * u2;
        spare = r * Math.sin(a);
        haveSpare = true;
        return r * Math.cos(a);
    }

    /** Normal with this mean and standard deviation. */
    public double normal(double mean, double std) {
        return mean + std * nextGaussian();
    }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /**
     * An independent generator for a named purpose (dropout, data order, augmentation), derived
     * from this one's current state and {@code stream} without advancing this one.
     */
    public Rng fork(long stream) {
        long seed = splitMix(s0 ^ splitMix(s1 ^ splitMix(s2 ^ splitMix(s3 ^ splitMix(stream)))));
        return new Rng(seed);
    }

    /** The whole state: {s0, s1, s2, s3, haveSpare ? 1 : 0, bits of the cached normal}. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3, haveSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    /** Sets the state saved by {@link #state()}. */
    public void restore(long[] state) {
        if (state == null || state.length != STATE_LONGS)
            throw new RevtafException(
                    "rng state: expected " + STATE_LONGS + " values, got " + (state == null ? "none" : state.length));
        if ((state[0] | state[1] | state[2] | state[3]) == 0)
            throw new RevtafException("rng state: all-zero xoshiro state is invalid");
        if (state[4] != 0 && state[4] != 1)
            throw new RevtafException("rng state: cache flag must be 0 or 1, got " + state[4]);
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
        haveSpare = state[4] == 1;
        spare = Double.longBitsToDouble(state[5]);
    }
}
