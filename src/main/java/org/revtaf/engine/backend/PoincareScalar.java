package org.revtaf.engine.backend;

/**
 * Per-row and per-pair scalar formulas of the Poincare ball ops, in double, shared by {@link
 * HyperbolicRef} (the oracle) and {@link HyperbolicCpu} (the fast kernels): the loops differ, the
 * scalar math is one piece of code. The CUDA kernels mirror these functions line by line.
 *
 * <p>Clamps follow the public code exactly (study section 1.4):
 *
 * <ul>
 *   <li>HGCN manifold ops: every norm is clamped to at least {@link #MIN_NORM} = 1e-15; a norm below
 *       it passes no gradient (torch {@code clamp_min} + {@code norm} at zero). {@code tanh} clamps
 *       its input to [-15, 15] (zero gradient outside). {@code artanh} clamps to [-1+1e-15,
 *       1-1e-15] inside a custom autograd Function, so its backward is {@code g / (1 - xc^2)} with
 *       the clamped xc (straight-through, never zero).
 *   <li>{@code proj} clips the norm to {@code (1 - 4e-3)/sqrt(c)} (the float32 eps of HGCN; used
 *       for the double reference too so both precisions compute the same function).
 *   <li>hyptorch {@code dist_matrix}: the Mobius denominator gets an additive 1e-5 (not a clamp),
 *       artanh clamps to +-(1 - 1e-5), straight-through backward as above.
 * </ul>
 */
public final class PoincareScalar {
    private PoincareScalar() {}

    /** Minimum norm of the HGCN manifold ops. */
    public static final double MIN_NORM = 1e-15;
    /** proj: max norm is (1 - PROJ_EPS) / sqrt(c). */
    public static final double PROJ_EPS = 4e-3;
    /** tanh input clamp of HGCN math_utils. */
    public static final double TANH_CLAMP = 15.0;
    /** artanh clamp of HGCN math_utils: |x| <= 1 - 1e-15. */
    public static final double ARTANH_EPS_MANIFOLD = 1e-15;
    /** hyptorch dist_matrix: additive eps on the Mobius denominator. */
    public static final double DIST_DEN_EPS = 1e-5;
    /** hyptorch artanh clamp: |x| <= 1 - 1e-5. */
    public static final double ARTANH_EPS_DIST = 1e-5;

    /** artanh(clamp(x, -1+eps, 1-eps)). */
    public static double artanh(double x, double eps) {
        double xc = clampArtanh(x, eps);
        return 0.5 * (Math.log1p(xc) - Math.log1p(-xc));
    }

    /** The straight-through artanh derivative 1/(1 - xc^2), xc the clamped input. */
    public static double artanhGrad(double x, double eps) {
        double xc = clampArtanh(x, eps);
        return 1.0 / (1.0 - xc * xc);
    }

    static double clampArtanh(double x, double eps) {
        return Math.max(-1.0 + eps, Math.min(1.0 - eps, x));
    }

    /** tanh(clamp(x, -15, 15)). */
    public static double tanhClamped(double x) {
        return Math.tanh(Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x)));
    }

    /** d tanhClamped / dx: 1 - tanh^2 inside the clamp, 0 outside. */
    public static double tanhClampedGrad(double x) {
        if (x < -TANH_CLAMP || x > TANH_CLAMP) return 0.0;
        double t = Math.tanh(x);
        return 1.0 - t * t;
    }

    // ---- mobius_add ------------------------------------------------------------------------

    /**
     * Forward coefficients of x (+)_c y: out = cx * x + cy * y. Returns {cx, cy}. Inputs are the
     * row scalars x2 = |x|^2, y2 = |y|^2, xy = (x, y).
     */
    public static void mobiusAddCoef(double x2, double y2, double xy, double c, double[] coef) {
        double a = 1 + 2 * c * xy + c * y2;
        double b = 1 - c * x2;
        double den = Math.max(1 + 2 * c * xy + c * c * x2 * y2, MIN_NORM);
        coef[0] = a / den;
        coef[1] = b / den;
    }

    /**
     * Backward coefficients of x (+)_c y given gx = (g, x), gy = (g, y) for the upstream gradient g
     * of the row: dx = coef[0] g + coef[1] y + coef[2] x; dy = coef[3] g + coef[4] x + coef[5] y.
     */
    public static void mobiusAddGradCoef(
            double x2, double y2, double xy, double gx, double gy, double c, double[] coef) {
        double a = 1 + 2 * c * xy + c * y2;
        double b = 1 - c * x2;
        double denRaw = 1 + 2 * c * xy + c * c * x2 * y2;
        double den = Math.max(denRaw, MIN_NORM);
        double go = (a * gx + b * gy) / den; // (g, out)
        double dDen = denRaw > MIN_NORM ? -go / den : 0.0; // dL/d den
        double dA = gx / den; // dL/dA: out = (A x + B y)/den
        double dB = gy / den;
        // A = 1 + 2c xy + c y2, B = 1 - c x2, den = 1 + 2c xy + c^2 x2 y2
        coef[0] = a / den;
        coef[1] = 2 * c * dA + 2 * c * dDen; // * y
        coef[2] = -2 * c * dB + 2 * c * c * y2 * dDen; // * x
        coef[3] = b / den;
        coef[4] = 2 * c * dA + 2 * c * dDen; // * x
        coef[5] = 2 * c * dA + 2 * c * c * x2 * dDen; // * y
    }

    // ---- expmap0 / logmap0 / proj ---------------------------------------------------------

    /** expmap0 scale s(|u|): out = s * u. */
    public static double expmap0Scale(double norm, double c) {
        double sc = Math.sqrt(c);
        double z = sc * Math.max(norm, MIN_NORM);
        return tanhClamped(z) / z;
    }

    /** expmap0 backward: du = s * g + k * u with k returned here; gu = (g, u). */
    public static double expmap0GradK(double norm, double gu, double c) {
        if (!(norm > MIN_NORM)) return 0.0;
        double sc = Math.sqrt(c);
        double z = sc * norm;
        double dsdn = sc * (tanhClampedGrad(z) * z - tanhClamped(z)) / (z * z);
        return gu * dsdn / norm;
    }

    /** logmap0 scale s(|p|): out = s * p. */
    public static double logmap0Scale(double norm, double c) {
        double sc = Math.sqrt(c);
        double z = sc * Math.max(norm, MIN_NORM);
        return artanh(z, ARTANH_EPS_MANIFOLD) / z;
    }

    /** logmap0 backward: dp = s * g + k * p with k returned here; gp = (g, p). */
    public static double logmap0GradK(double norm, double gp, double c) {
        if (!(norm > MIN_NORM)) return 0.0;
        double sc = Math.sqrt(c);
        double z = sc * norm;
        double dsdn = sc * (artanhGrad(z, ARTANH_EPS_MANIFOLD) * z - artanh(z, ARTANH_EPS_MANIFOLD)) / (z * z);
        return gp * dsdn / norm;
    }

    /** proj max norm (1 - 4e-3)/sqrt(c). */
    public static double projMaxNorm(double c) {
        return (1 - PROJ_EPS) / Math.sqrt(c);
    }

    /** proj scale: out = s * x (s = 1 inside the ball). */
    public static double projScale(double norm, double c) {
        double n = Math.max(norm, MIN_NORM);
        double maxNorm = projMaxNorm(c);
        return n > maxNorm ? maxNorm / n : 1.0;
    }

    /** proj backward: dx = s * g + k * x with k returned here (0 inside the ball); gx = (g, x). */
    public static double projGradK(double norm, double gx, double c) {
        double n = Math.max(norm, MIN_NORM);
        double maxNorm = projMaxNorm(c);
        return n > maxNorm ? -maxNorm * gx / (n * n * n) : 0.0;
    }

    // ---- mobius_matvec ----------------------------------------------------------------------

    /**
     * mobius_matvec forward scale: out = s * mx with mx = W x; xNorm = |x|, mxNorm = |mx| (raw,
     * unclamped). The caller writes 0 where mx is exactly the zero vector.
     */
    public static double matvecScale(double xNorm, double mxNorm, double c) {
        double sc = Math.sqrt(c);
        double xn = Math.max(xNorm, MIN_NORM);
        double mxn = Math.max(mxNorm, MIN_NORM);
        double arg = mxn / xn * artanh(sc * xn, ARTANH_EPS_MANIFOLD);
        return tanhClamped(arg) / (mxn * sc);
    }

    /**
     * mobius_matvec backward, for g the upstream row gradient and gm = (g, mx): dmx = s g + coef[0]
     * mx; dx = W^T dmx + coef[1] x. coef[0] = s.
     */
    public static void matvecGradCoef(double xNorm, double mxNorm, double gm, double c, double[] coef) {
        double sc = Math.sqrt(c);
        double xn = Math.max(xNorm, MIN_NORM);
        double mxn = Math.max(mxNorm, MIN_NORM);
        double a = artanh(sc * xn, ARTANH_EPS_MANIFOLD);
        double da = artanhGrad(sc * xn, ARTANH_EPS_MANIFOLD) * sc; // d a / d xn
        double arg = mxn / xn * a;
        double t = tanhClamped(arg);
        double dt = tanhClampedGrad(arg);
        double s = t / (mxn * sc);
        double dsDmxn = (dt * (a / xn) * mxn - t) / (sc * mxn * mxn);
        double dArgDxn = mxn * (da * xn - a) / (xn * xn);
        double dsDxn = dt * dArgDxn / (sc * mxn);
        coef[0] = s;
        coef[1] = mxNorm > MIN_NORM ? gm * dsDmxn / mxNorm : 0.0; // * mx
        coef[2] = xNorm > MIN_NORM ? gm * dsDxn / xNorm : 0.0; // * x
    }

    // ---- pairwise Poincare distance (hyptorch dist_matrix) ----------------------------------

    /**
     * d(x, y) = 2/sqrt(c) artanh(sqrt(c) |(-x) (+)_c y|) from xy = (x, y), x2 = |x|^2, y2 = |y|^2:
     * with A = 1 - 2c xy + c y2, B = 1 - c x2, |num|^2 = A^2 x2 - 2AB xy + B^2 y2 (clamped at 0),
     * den = 1 - 2c xy + c^2 x2 y2 + 1e-5.
     */
    public static double dist(double xy, double x2, double y2, double c) {
        double sc = Math.sqrt(c);
        double a = 1 - 2 * c * xy + c * y2;
        double b = 1 - c * x2;
        double n2 = Math.max(a * a * x2 - 2 * a * b * xy + b * b * y2, 0.0);
        double den = 1 - 2 * c * xy + c * c * x2 * y2 + DIST_DEN_EPS;
        return 2 / sc * artanh(sc * Math.sqrt(n2) / den, ARTANH_EPS_DIST);
    }

    /**
     * Gradient of g * dist(xy, x2, y2) w.r.t. (xy, x2, y2) into out[0..2]. Zero where |num| = 0
     * (torch's norm gradient at the zero vector).
     */
    public static void distGrad(double xy, double x2, double y2, double c, double g, double[] out) {
        double sc = Math.sqrt(c);
        double a = 1 - 2 * c * xy + c * y2;
        double b = 1 - c * x2;
        double n2 = a * a * x2 - 2 * a * b * xy + b * b * y2;
        if (!(n2 > 0.0)) {
            out[0] = out[1] = out[2] = 0.0;
            return;
        }
        double num = Math.sqrt(n2);
        double den = 1 - 2 * c * xy + c * c * x2 * y2 + DIST_DEN_EPS;
        double nrm = num / den;
        double dNrm = g * 2 * artanhGrad(sc * nrm, ARTANH_EPS_DIST); // (2/sc) * sc
        double gN2 = dNrm / (2 * num * den);
        double gDen = -dNrm * nrm / den;
        double gA = gN2 * (2 * a * x2 - 2 * b * xy);
        double gB = gN2 * (2 * b * y2 - 2 * a * xy);
        out[0] = gN2 * (-2 * a * b) - 2 * c * gA - 2 * c * gDen;
        out[1] = gN2 * a * a - c * gB + gDen * c * c * y2;
        out[2] = gN2 * b * b + c * gA + gDen * c * c * x2;
    }

    /** The row map's scale s(|x|): out = s x. */
    public static double rowScale(RowMap map, double norm, double c) {
        return switch (map) {
            case EXPMAP0 -> expmap0Scale(norm, c);
            case LOGMAP0 -> logmap0Scale(norm, c);
            case PROJ -> projScale(norm, c);
        };
    }

    /** The row map's gradient coefficient k: dx = s dout + k x, with gx = (dout, x). */
    public static double rowGradK(RowMap map, double norm, double gx, double c) {
        return switch (map) {
            case EXPMAP0 -> expmap0GradK(norm, gx, c);
            case LOGMAP0 -> logmap0GradK(norm, gx, c);
            case PROJ -> projGradK(norm, gx, c);
        };
    }
}
