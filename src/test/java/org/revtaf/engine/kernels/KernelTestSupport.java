package org.revtaf.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.revtaf.engine.bindings.DeviceBuffer;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.TensorAssert;

/**
 * Shared by the kernel parity tests: device buffers freed together, seeded inputs and small checks
 * (closeness: {@code org.revtaf.engine.tensor.TensorAssert}).
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

    /** A device gradient against its reference: atol 1e-5 of the largest reference entry, rtol 1e-4. */
    static void assertGrad(String tag, DeviceBuffer got, double[] want) {
        TensorAssert.assertClose(tag, got.toFloats(), want, 1e-5 * maxAbs(want), 1e-4);
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
