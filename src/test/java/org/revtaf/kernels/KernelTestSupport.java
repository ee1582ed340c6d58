package org.revtaf.kernels;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.revtaf.bindings.DeviceBuffer;
import org.revtaf.bindings.RevtafKernels;

/**
 * Shared by the kernel parity tests: device buffers freed together, seeded inputs and an llm.c-style
 * closeness check (|a - r| <= atol + rtol |r|, first mismatches printed).
 */
final class KernelTestSupport implements AutoCloseable {
    /** Every kernel version: 0 (the default) and 1, 2. */
    static final int[] VERSIONS = {0, 1, 2};

    static final MemorySegment STREAM = MemorySegment.NULL;
    final RevtafKernels k;
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    KernelTestSupport(RevtafKernels k) {
        this.k = k;
    }

    DeviceBuffer in(float[] host) {
        DeviceBuffer b = DeviceBuffer.of(k, host);
        buffers.add(b);
        return b;
    }

    DeviceBuffer in(byte[] host) {
        DeviceBuffer b = DeviceBuffer.of(k, host);
        buffers.add(b);
        return b;
    }

    /** Device pointer of a mask, or NULL when there is none. */
    MemorySegment mask(byte[] host) {
        return host == null ? MemorySegment.NULL : in(host).ptr();
    }

    DeviceBuffer out(long floats) {
        DeviceBuffer b = DeviceBuffer.zeros(k, Math.max(1, floats));
        buffers.add(b);
        return b;
    }

    @Override
    public void close() {
        for (DeviceBuffer b : buffers) {
            b.close();
        }
    }

    static float[] uniform(Random r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return a;
    }

    static float[] gaussian(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * r.nextGaussian());
        }
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** Fails with the first mismatches and the worst relative use of the tolerance. */
    static void assertClose(String name, float[] actual, double[] expected, double atol, double rtol) {
        if (actual.length < expected.length) {
            throw new AssertionError(name + ": " + actual.length + " values, expected " + expected.length);
        }
        int bad = 0;
        double worst = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isInfinite(e) && a == e) {
                continue;
            }
            double tol = atol + rtol * Math.abs(e);
            double diff = Math.abs(a - e);
            if (!(diff <= tol)) {
                if (bad < 5) {
                    sb.append(String.format("%n  [%d] got %.8g expected %.8g", i, a, e));
                }
                bad++;
            }
            worst = Math.max(worst, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / tol);
        }
        if (bad > 0) {
            throw new AssertionError(String.format(
                    "%s: %d of %d values off (worst %.1f x tolerance)%s", name, bad, expected.length, worst, sb));
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    static void checkEquals(double expected, double actual, double tol, String what) {
        if (!(Math.abs(expected - actual) <= tol)) {
            throw new AssertionError(what + ": expected " + expected + " got " + actual + " (tolerance " + tol + ")");
        }
    }

    static void checkEquals(long expected, long actual, String what) {
        if (expected != actual) {
            throw new AssertionError(what + ": expected " + expected + " got " + actual);
        }
    }

    static void checkEquals(float expected, float actual, String what) {
        if (Float.compare(expected, actual) != 0) {
            throw new AssertionError(what + ": expected " + expected + " got " + actual);
        }
    }

    /** Largest |value| (for tolerances relative to the data's scale). */
    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            if (Double.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }
}
