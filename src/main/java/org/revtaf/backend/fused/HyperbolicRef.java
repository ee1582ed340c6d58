package org.revtaf.backend.fused;

/**
 * Poincare-ball ops (curvature c > 0, radius 1/sqrt(c)), scalar reference in double: the oracle
 * for {@link HyperbolicCpu} and the CUDA kernels. Formulas and clamps: {@link PoincareScalar}.
 *
 * <p>Conventions of every method in this package: arrays are row-major and contiguous from the
 * given offset; outputs come first, then inputs, then sizes, then scalars. Backward methods
 * <b>overwrite</b> their gradient outputs (they never accumulate); a null gradient output is
 * skipped. Inputs are never modified.
 */
public final class HyperbolicRef {
    private HyperbolicRef() {}

    /**
     * Mobius addition out = x (+)_c y, row by row.
     *
     * @param out [n, d]
     * @param x [n, d]
     * @param y [n, d] when yStride = d, or one row [1, d] broadcast to every row when yStride = 0
     * @param yStride d or 0
     */
    public static void mobiusAdd(
            double[] out, int outOff, double[] x, int xOff, double[] y, int yOff, int yStride, int n, int d, double c) {
        double[] coef = new double[2];
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, yi = yOff + i * yStride, oi = outOff + i * d;
            double x2 = 0, y2 = 0, xy = 0;
            for (int k = 0; k < d; k++) {
                x2 += x[xi + k] * x[xi + k];
                y2 += y[yi + k] * y[yi + k];
                xy += x[xi + k] * y[yi + k];
            }
            PoincareScalar.mobiusAddCoef(x2, y2, xy, c, coef);
            for (int k = 0; k < d; k++) out[oi + k] = coef[0] * x[xi + k] + coef[1] * y[yi + k];
        }
    }

    /**
     * Backward of {@link #mobiusAdd}. Saved for backward: the inputs x, y.
     *
     * @param dx [n, d] or null
     * @param dy [n, d], or [1, d] (summed over rows) when yStride = 0; or null
     * @param gOut [n, d] upstream gradient
     */
    public static void mobiusAddBackward(
            double[] dx,
            int dxOff,
            double[] dy,
            int dyOff,
            double[] gOut,
            int gOff,
            double[] x,
            int xOff,
            double[] y,
            int yOff,
            int yStride,
            int n,
            int d,
            double c) {
        double[] coef = new double[6];
        if (dy != null && yStride == 0) java.util.Arrays.fill(dy, dyOff, dyOff + d, 0.0);
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, yi = yOff + i * yStride, gi = gOff + i * d;
            double x2 = 0, y2 = 0, xy = 0, gx = 0, gy = 0;
            for (int k = 0; k < d; k++) {
                x2 += x[xi + k] * x[xi + k];
                y2 += y[yi + k] * y[yi + k];
                xy += x[xi + k] * y[yi + k];
                gx += gOut[gi + k] * x[xi + k];
                gy += gOut[gi + k] * y[yi + k];
            }
            PoincareScalar.mobiusAddGradCoef(x2, y2, xy, gx, gy, c, coef);
            for (int k = 0; k < d; k++) {
                double g = gOut[gi + k], xv = x[xi + k], yv = y[yi + k];
                if (dx != null) dx[dxOff + i * d + k] = coef[0] * g + coef[1] * yv + coef[2] * xv;
                if (dy != null) {
                    double v = coef[3] * g + coef[4] * xv + coef[5] * yv;
                    if (yStride == 0) dy[dyOff + k] += v;
                    else dy[dyOff + i * d + k] = v;
                }
            }
        }
    }

    /** Which row-scaling map: out = s(|x|) * x. */
    public enum RowMap {
        EXPMAP0,
        LOGMAP0,
        PROJ
    }

    /** expmap0 / logmap0 / proj, row by row: out [n, d] = s(|x_i|) x_i; x [n, d]. */
    public static void rowMap(RowMap map, double[] out, int outOff, double[] x, int xOff, int n, int d, double c) {
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d;
            double s = scale(map, Math.sqrt(sumSq(x, xi, d)), c);
            for (int k = 0; k < d; k++) out[outOff + i * d + k] = s * x[xi + k];
        }
    }

    /** Backward of {@link #rowMap}: dx [n, d] from gOut [n, d]; saved for backward: the input x. */
    public static void rowMapBackward(
            RowMap map, double[] dx, int dxOff, double[] gOut, int gOff, double[] x, int xOff, int n, int d, double c) {
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, gi = gOff + i * d;
            double norm = Math.sqrt(sumSq(x, xi, d));
            double gx = 0;
            for (int k = 0; k < d; k++) gx += gOut[gi + k] * x[xi + k];
            double s = scale(map, norm, c);
            double kk = gradK(map, norm, gx, c);
            for (int k = 0; k < d; k++) dx[dxOff + i * d + k] = s * gOut[gi + k] + kk * x[xi + k];
        }
    }

    static double scale(RowMap map, double norm, double c) {
        return switch (map) {
            case EXPMAP0 -> PoincareScalar.expmap0Scale(norm, c);
            case LOGMAP0 -> PoincareScalar.logmap0Scale(norm, c);
            case PROJ -> PoincareScalar.projScale(norm, c);
        };
    }

    static double gradK(RowMap map, double norm, double gx, double c) {
        return switch (map) {
            case EXPMAP0 -> PoincareScalar.expmap0GradK(norm, gx, c);
            case LOGMAP0 -> PoincareScalar.logmap0GradK(norm, gx, c);
            case PROJ -> PoincareScalar.projGradK(norm, gx, c);
        };
    }

    /**
     * mobius_matvec(W, x): out_i = tanh(|W x_i| / |x_i| artanh(sqrt(c)|x_i|)) W x_i / (|W x_i|
     * sqrt(c)), and out_i = 0 where W x_i is exactly the zero vector (then its gradient is 0 too).
     *
     * @param out [n, m]
     * @param w [m, d] (torch Linear layout: mx = x W^T)
     * @param x [n, d]
     */
    public static void mobiusMatvec(
            double[] out, int outOff, double[] w, int wOff, double[] x, int xOff, int n, int m, int d, double c) {
        double[] mx = new double[m];
        for (int i = 0; i < n; i++) {
            double xNorm = Math.sqrt(sumSq(x, xOff + i * d, d));
            boolean zero = matvecRow(mx, w, wOff, x, xOff + i * d, m, d);
            double mxNorm = Math.sqrt(sumSq(mx, 0, m));
            double s = zero ? 0.0 : PoincareScalar.matvecScale(xNorm, mxNorm, c);
            for (int j = 0; j < m; j++) out[outOff + i * m + j] = s * mx[j];
        }
    }

    /**
     * Backward of {@link #mobiusMatvec}. Saved for backward: w, x (mx is recomputed).
     *
     * @param dw [m, d] or null (overwritten with the sum over rows)
     * @param dx [n, d] or null
     * @param gOut [n, m]
     */
    public static void mobiusMatvecBackward(
            double[] dw,
            int dwOff,
            double[] dx,
            int dxOff,
            double[] gOut,
            int gOff,
            double[] w,
            int wOff,
            double[] x,
            int xOff,
            int n,
            int m,
            int d,
            double c) {
        double[] mx = new double[m], dmx = new double[m], coef = new double[3];
        if (dw != null) java.util.Arrays.fill(dw, dwOff, dwOff + m * d, 0.0);
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, gi = gOff + i * m;
            double xNorm = Math.sqrt(sumSq(x, xi, d));
            boolean zero = matvecRow(mx, w, wOff, x, xi, m, d);
            double mxNorm = Math.sqrt(sumSq(mx, 0, m));
            double gm = 0;
            for (int j = 0; j < m; j++) gm += gOut[gi + j] * mx[j];
            if (zero) java.util.Arrays.fill(coef, 0.0);
            else PoincareScalar.matvecGradCoef(xNorm, mxNorm, gm, c, coef);
            for (int j = 0; j < m; j++) dmx[j] = coef[0] * gOut[gi + j] + coef[1] * mx[j];
            for (int k = 0; k < d; k++) {
                double acc = coef[2] * x[xi + k];
                for (int j = 0; j < m; j++) acc += dmx[j] * w[wOff + j * d + k];
                if (dx != null) dx[dxOff + i * d + k] = acc;
            }
            if (dw != null)
                for (int j = 0; j < m; j++) for (int k = 0; k < d; k++) dw[dwOff + j * d + k] += dmx[j] * x[xi + k];
        }
    }

    /** mx = W x for one row; returns true when mx is exactly the zero vector. */
    private static boolean matvecRow(double[] mx, double[] w, int wOff, double[] x, int xi, int m, int d) {
        boolean zero = true;
        for (int j = 0; j < m; j++) {
            double acc = 0;
            for (int k = 0; k < d; k++) acc += w[wOff + j * d + k] * x[xi + k];
            mx[j] = acc;
            zero &= acc == 0.0;
        }
        return zero;
    }

    /**
     * Pairwise Poincare distance out[i, j] = 2/sqrt(c) artanh(sqrt(c) |(-x_i) (+)_c y_j|) (hyptorch
     * dist_matrix: +1e-5 on the denominator, artanh clamp 1-1e-5), computed from (x_i, y_j), |x_i|^2,
     * |y_j|^2 without any [n, m, d] intermediate.
     *
     * @param out [n, m]
     * @param x [n, d]
     * @param y [m, d]
     */
    public static void poincareDist(
            double[] out, int outOff, double[] x, int xOff, double[] y, int yOff, int n, int m, int d, double c) {
        for (int i = 0; i < n; i++) {
            double x2 = sumSq(x, xOff + i * d, d);
            for (int j = 0; j < m; j++) {
                double y2 = sumSq(y, yOff + j * d, d);
                double xy = 0;
                for (int k = 0; k < d; k++) xy += x[xOff + i * d + k] * y[yOff + j * d + k];
                out[outOff + i * m + j] = PoincareScalar.dist(xy, x2, y2, c);
            }
        }
    }

    /**
     * Backward of {@link #poincareDist}; saved for backward: x, y. dx_i = sum_j P_ij y_j + 2 Q_i x_i,
     * dy_j = sum_i P_ij x_i + 2 R_j y_j, with P, Q, R the gradients w.r.t. (x, y), |x|^2, |y|^2.
     *
     * @param dx [n, d] or null
     * @param dy [m, d] or null
     * @param gOut [n, m]
     */
    public static void poincareDistBackward(
            double[] dx,
            int dxOff,
            double[] dy,
            int dyOff,
            double[] gOut,
            int gOff,
            double[] x,
            int xOff,
            double[] y,
            int yOff,
            int n,
            int m,
            int d,
            double c) {
        if (dx != null) java.util.Arrays.fill(dx, dxOff, dxOff + n * d, 0.0);
        if (dy != null) java.util.Arrays.fill(dy, dyOff, dyOff + m * d, 0.0);
        double[] gr = new double[3];
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d;
            double x2 = sumSq(x, xi, d);
            for (int j = 0; j < m; j++) {
                int yj = yOff + j * d;
                double y2 = sumSq(y, yj, d);
                double xy = 0;
                for (int k = 0; k < d; k++) xy += x[xi + k] * y[yj + k];
                PoincareScalar.distGrad(xy, x2, y2, c, gOut[gOff + i * m + j], gr);
                for (int k = 0; k < d; k++) {
                    if (dx != null) dx[dxOff + i * d + k] += gr[0] * y[yj + k] + 2 * gr[1] * x[xi + k];
                    if (dy != null) dy[dyOff + j * d + k] += gr[0] * x[xi + k] + 2 * gr[2] * y[yj + k];
                }
            }
        }
    }

    static double sumSq(double[] a, int off, int len) {
        double s = 0;
        for (int k = 0; k < len; k++) s += a[off + k] * a[off + k];
        return s;
    }
}
