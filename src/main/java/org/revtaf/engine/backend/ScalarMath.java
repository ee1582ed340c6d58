package org.revtaf.engine.backend;

/**
 * Scalar definitions of the elementwise functions and their derivatives, in double: the oracle of
 * the elementwise kernels. The reference backend uses them directly; fast backends use them for
 * tails and as the spec they must match (the cpu kernels' VecMath is tested against them).
 */
public final class ScalarMath {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private ScalarMath() {}

    /**
     * The error function in double, relative error about 1e-15: Taylor series below |x| = 1.5,
     * continued fraction of erfc above.
     */
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
        return TWO_OVER_SQRT_PI * sum;
    }

    public static double erfc(double x) {
        if (x >= 1.5) return erfcLarge(x);
        return 1 - erf(x);
    }

    /** erfc(x) for x >= 1.5: continued fraction exp(-x^2)/sqrt(pi) / (x + 1/2 / (x + 1 / (x + 3/2 / ...))). */
    private static double erfcLarge(double x) {
        double f = x;
        for (int k = 120; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) * INV_SQRT_PI / f;
    }

    /** Exact GELU x Phi(x) (through erfc for negative x, so that it stays accurate in the tail). */
    public static double gelu(double x) {
        return x < 0 ? 0.5 * x * erfc(-x * INV_SQRT2) : 0.5 * x * (1.0 + erf(x * INV_SQRT2));
    }

    public static double geluGrad(double x) {
        return 0.5 * (1.0 + erf(x * INV_SQRT2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
    }

    public static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    /** op(x; a, b). */
    public static double apply(UnaryOp op, double x, double a, double b) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case RELU -> x > 0 ? x : 0.0;
            case GELU -> gelu(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case POW -> Math.pow(x, a);
            case CLAMP -> Math.min(Math.max(x, a), b);
            case AFFINE -> a * x + b;
        };
    }

    /** d op / dx at x, where y = op(x). */
    public static double derivative(UnaryOp op, double x, double y, double a, double b) {
        return switch (op) {
            case NEG -> -1.0;
            case EXP -> y;
            case LOG -> 1.0 / x;
            case SQRT -> 0.5 / y;
            case ABS -> Math.signum(x);
            case RELU -> x > 0 ? 1.0 : 0.0;
            case GELU -> geluGrad(x);
            case TANH -> 1.0 - y * y;
            case SIGMOID -> y * (1.0 - y);
            case POW -> a == 0 ? 0.0 : a * Math.pow(x, a - 1);
            case CLAMP -> x >= a && x <= b ? 1.0 : 0.0;
            case AFFINE -> a;
        };
    }

    public static double apply(BinaryOp op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            case EQ -> x == y ? 1.0 : 0.0;
            case GE -> x >= y ? 1.0 : 0.0;
        };
    }
}
