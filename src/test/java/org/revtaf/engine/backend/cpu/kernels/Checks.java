package org.revtaf.engine.backend.cpu.kernels;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.tensor.TensorAssert;

/** Test helpers: random data, closeness checks, thread-count sweeps, central-difference gradients. */
final class Checks {
    private Checks() {}

    static float[] rand(SplittableRandom r, long n) {
        float[] x = new float[Math.toIntExact(n)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static double[] toDouble(float[] x) {
        if (x == null) return null;
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /**
     * Runs a double oracle on float arrays: each array (null stays null) becomes a double buffer
     * b[i], and after the call every buffer is rounded back into its array (inputs come back
     * unchanged; outputs hold the oracle's results).
     */
    static void ref(java.util.function.Consumer<Buf.F64[]> call, float[]... arrays) {
        Buf.F64[] b = new Buf.F64[arrays.length];
        for (int i = 0; i < b.length; i++) b[i] = d(arrays[i]);
        call.accept(b);
        for (int i = 0; i < b.length; i++)
            if (arrays[i] != null) for (int j = 0; j < arrays[i].length; j++) arrays[i][j] = (float) b[i].a()[j];
    }

    /** b's array from element off on. */
    static Buf.F64 at(Buf.F64 b, int off) {
        return new Buf.F64(b.a(), off);
    }

    /** A float array as a double buffer for the reference oracles (null stays null). */
    static Buf.F64 d(float[] x) {
        return x == null ? null : Buf.F64.of(toDouble(x));
    }

    /** A double buffer of n zeros (an oracle output). */
    static Buf.F64 d(int n) {
        return Buf.F64.of(new double[n]);
    }

    /** The values of a double buffer rounded to float. */
    static float[] f(Buf.F64 b) {
        float[] f = new float[b.a().length];
        for (int i = 0; i < f.length; i++) f[i] = (float) b.a()[i];
        return f;
    }

    /** |got - want| <= atol + rtol * |want| elementwise (TensorAssert; NaN must match NaN). */
    static void close(String what, float[] want, float[] got, double atol, double rtol) {
        TensorAssert.assertClose(what, got, toDouble(want), atol, rtol);
    }

    /** The same against a double oracle, its values rounded to float first. */
    static void close(String what, double[] want, float[] got, double atol, double rtol) {
        float[] w = new float[want.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) want[i];
        close(what, w, got, atol, rtol);
    }

    /** Runs body with 1 thread and with the default thread count (restored afterwards). */
    static void bothThreadCounts(Runnable body) {
        int t = Parallel.threads();
        try {
            Parallel.setThreads(1);
            body.run();
        } finally {
            Parallel.setThreads(Math.max(2, t));
        }
        body.run();
        Parallel.setThreads(t);
    }

    /**
     * d/dx of L(x) = sum_i weights[i] * f(x)[i] by central differences (double, step h).
     */
    static double[] numericGrad(Function<double[], double[]> f, double[] x, double[] weights, double h) {
        double[] g = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double keep = x[j];
            x[j] = keep + h;
            double up = dot(f.apply(x), weights);
            x[j] = keep - h;
            double down = dot(f.apply(x), weights);
            x[j] = keep;
            g[j] = (up - down) / (2 * h);
        }
        return g;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
