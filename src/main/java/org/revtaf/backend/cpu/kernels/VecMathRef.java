package org.revtaf.backend.cpu.kernels;

/**
 * Scalar oracle of {@link VecMath}: each function in double precision through java.lang.Math,
 * with an accurate double erf (Taylor series below |x| = 1.5, continued fraction of erfc above;
 * relative error about 1e-15).
 */
public final class VecMathRef {
    private VecMathRef() {}

    public static double apply(VecMath.Fn f, double x) {
        return switch (f) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case GELU -> gelu(x);
            case RELU -> x > 0 ? x : 0;
            case ERF -> erf(x);
        };
    }

    /** dx for one element, from the saved value (x or y as {@link VecMath.Grad} says) and dy. */
    public static double grad(VecMath.Grad g, double saved, double dy) {
        return switch (g) {
            case RELU -> saved > 0 ? dy : 0;
            case GELU ->
                dy
                        * (0.5 * (1 + erf(saved / Math.sqrt(2)))
                                + saved * Math.exp(-0.5 * saved * saved) / Math.sqrt(2 * Math.PI));
            case TANH -> dy * (1 - saved * saved);
            case SIGMOID -> dy * saved * (1 - saved);
            case EXP -> dy * saved;
            case LOG -> dy / saved;
        };
    }

    public static void map(VecMath.Fn f, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) apply(f, x[xOff + i]);
    }

    public static void grad(
            VecMath.Grad g, float[] saved, int sOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) dx[dxOff + i] = (float) grad(g, saved[sOff + i], dy[dyOff + i]);
    }

    public static double gelu(double x) {
        return x < 0 ? 0.5 * x * erfc(-x / Math.sqrt(2)) : 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax >= 1.5) return Math.copySign(1 - erfcLarge(ax), x);
        // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    public static double erfc(double x) {
        if (x >= 1.5) return erfcLarge(x);
        return 1 - erf(x);
    }

    /** erfc(x) for x >= 1.5: continued fraction exp(-x^2)/sqrt(pi) / (x + 1/2 / (x + 1 / (x + 3/2 / ...))). */
    private static double erfcLarge(double x) {
        double f = x;
        for (int k = 120; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
