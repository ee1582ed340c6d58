package org.revtaf.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Function;

/** Test helpers: random data, closeness checks, thread-count sweeps, central-difference gradients. */
final class Checks {
    private Checks() {}

    static float[] rand(SplittableRandom r, long n) {
        float[] x = new float[Math.toIntExact(n)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** |got - want| <= atol + rtol * |want| elementwise (NaN must match NaN). */
    static void close(String what, float[] want, float[] got, double atol, double rtol) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i]) || Float.isNaN(got[i])) {
                if (Float.isNaN(want[i]) != Float.isNaN(got[i]))
                    fail(what + ": NaN mismatch at " + i + ": want " + want[i] + " got " + got[i]);
                continue;
            }
            if (want[i] == got[i]) continue;
            double err = Math.abs((double) got[i] - want[i]);
            if (!(err <= atol + rtol * Math.abs(want[i])))
                fail(what + ": at " + i + " want " + want[i] + " got " + got[i] + " (err " + err + ")");
        }
    }

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
