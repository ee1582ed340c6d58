package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/** Finite-difference gradient checks and float-vs-double comparisons for the fused-op tests. */
public final class FusedAssert {
    private FusedAssert() {}

    /**
     * Central-difference check (fourth order) of an analytic gradient. {@code loss} evaluates the scalar loss at
     * the current contents of {@code x} (which the check perturbs in place and restores); every
     * index of x is checked when {@code maxChecks} &gt;= x.length, else a seeded random subset.
     * Passes when |analytic - numeric| &lt;= atol + rtol * max(|analytic|, |numeric|).
     */
    public static void gradCheck(
            String name,
            double[] x,
            double[] analytic,
            java.util.function.DoubleSupplier loss,
            double h,
            double atol,
            double rtol,
            int maxChecks) {
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        StringBuilder bad = new StringBuilder();
        int failures = 0, checks = Math.min(maxChecks, x.length);
        double worst = 0;
        for (int c = 0; c < checks; c++) {
            int idx = checks == x.length ? c : rnd.nextInt(x.length);
            double orig = x[idx];
            double num = centralDiff(x, idx, loss, h), an = analytic[idx];
            double diff = Math.abs(num - an), thr = atol + rtol * Math.max(Math.abs(num), Math.abs(an));
            worst = Math.max(worst, diff / thr);
            if (!(diff <= thr)) {
                if (failures++ < 5)
                    bad.append(String.format(
                            "  [%d] analytic=%.9g numeric=%.9g diff=%.3g thr=%.3g%n", idx, an, num, diff, thr));
            }
        }
        if (failures > 0)
            fail(String.format(
                    "%s: %d/%d gradient entries off (worst %.1fx threshold):%n%s", name, failures, checks, worst, bad));
    }

    /** Fourth-order central difference (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h. */
    public static double centralDiff(double[] x, int idx, java.util.function.DoubleSupplier loss, double h) {
        double orig = x[idx];
        double[] f = new double[4];
        double[] steps = {h, -h, 2 * h, -2 * h};
        for (int s = 0; s < 4; s++) {
            x[idx] = orig + steps[s];
            f[s] = loss.getAsDouble();
        }
        x[idx] = orig;
        return (8 * (f[0] - f[1]) - (f[2] - f[3])) / (12 * h);
    }

    /** Sum of g * y: the scalar loss whose gradient w.r.t. y is g. */
    public static double dotLoss(double[] g, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += g[i] * y[i];
        return s;
    }

    public static double[] randn(SplittableRandom r, int len, double scale) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) a[i] = scale * gauss(r);
        return a;
    }

    public static double[] uniform(SplittableRandom r, int len, double lo, double hi) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) a[i] = lo + (hi - lo) * r.nextDouble();
        return a;
    }

    public static double gauss(SplittableRandom r) {
        double u = Math.max(r.nextDouble(), 1e-300), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Rows of x [n, d] rescaled to norms drawn uniformly in [lo, hi]. */
    public static double[] withNorms(SplittableRandom r, double[] x, int n, int d, double lo, double hi) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) s += x[i * d + k] * x[i * d + k];
            double target = lo + (hi - lo) * r.nextDouble(), f = target / Math.sqrt(s);
            for (int k = 0; k < d; k++) x[i * d + k] *= f;
        }
        return x;
    }

    public static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** The double values of a float array (so that ref and fast see bit-identical inputs). */
    public static double[] roundTrip(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = (float) a[i];
        return r;
    }

    public static void repeat(int times, Consumer<Integer> body) {
        for (int i = 0; i < times; i++) body.accept(i);
    }
}
