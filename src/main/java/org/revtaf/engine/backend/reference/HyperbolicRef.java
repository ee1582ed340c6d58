package org.revtaf.engine.backend.reference;

import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.PoincareScalar;
import org.revtaf.engine.backend.RowMap;

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
    public static void mobiusAdd(Buf.F64 out, Buf.F64 x, Buf.F64 y, int yStride, int n, int d, double c) {
        double[] outA = Buf.arr(out), xA = Buf.arr(x), yA = Buf.arr(y);
        int outOff = Buf.off(out), xOff = Buf.off(x), yOff = Buf.off(y);
        double[] coef = new double[2];
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, yi = yOff + i * yStride, oi = outOff + i * d;
            double x2 = 0, y2 = 0, xy = 0;
            for (int k = 0; k < d; k++) {
                x2 += xA[xi + k] * xA[xi + k];
                y2 += yA[yi + k] * yA[yi + k];
                xy += xA[xi + k] * yA[yi + k];
            }
            PoincareScalar.mobiusAddCoef(x2, y2, xy, c, coef);
            for (int k = 0; k < d; k++) outA[oi + k] = coef[0] * xA[xi + k] + coef[1] * yA[yi + k];
        }
    }

    /**
     * Backward of {@link #mobiusAdd}. Saved for backward: the inputs x, y.
     *
     * @param dx [n, d] or null
     * @param dy [n, d], or [1, d] (summed over rows) when yStride = 0; or null
     * @param dout [n, d] upstream gradient
     */
    public static void mobiusAddBackward(
            Buf.F64 dx, Buf.F64 dy, Buf.F64 dout, Buf.F64 x, Buf.F64 y, int yStride, int n, int d, double c) {
        double[] dxA = Buf.arr(dx), dyA = Buf.arr(dy), doutA = Buf.arr(dout), xA = Buf.arr(x), yA = Buf.arr(y);
        int dxOff = Buf.off(dx), dyOff = Buf.off(dy), doutOff = Buf.off(dout), xOff = Buf.off(x);
        int yOff = Buf.off(y);
        double[] coef = new double[6];
        if (dyA != null && yStride == 0) java.util.Arrays.fill(dyA, dyOff, dyOff + d, 0.0);
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, yi = yOff + i * yStride, gi = doutOff + i * d;
            double x2 = 0, y2 = 0, xy = 0, gx = 0, gy = 0;
            for (int k = 0; k < d; k++) {
                x2 += xA[xi + k] * xA[xi + k];
                y2 += yA[yi + k] * yA[yi + k];
                xy += xA[xi + k] * yA[yi + k];
                gx += doutA[gi + k] * xA[xi + k];
                gy += doutA[gi + k] * yA[yi + k];
            }
            PoincareScalar.mobiusAddGradCoef(x2, y2, xy, gx, gy, c, coef);
            for (int k = 0; k < d; k++) {
                double g = doutA[gi + k], xv = xA[xi + k], yv = yA[yi + k];
                if (dxA != null) dxA[dxOff + i * d + k] = coef[0] * g + coef[1] * yv + coef[2] * xv;
                if (dyA != null) {
                    double v = coef[3] * g + coef[4] * xv + coef[5] * yv;
                    if (yStride == 0) dyA[dyOff + k] += v;
                    else dyA[dyOff + i * d + k] = v;
                }
            }
        }
    }

    /** expmap0 / logmap0 / proj, row by row: out [n, d] = s(|x_i|) x_i; x [n, d]. */
    public static void poincareMap(Buf.F64 out, Buf.F64 x, int n, int d, double c, RowMap map) {
        double[] outA = Buf.arr(out), xA = Buf.arr(x);
        int outOff = Buf.off(out), xOff = Buf.off(x);
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d;
            double s = PoincareScalar.rowScale(map, Math.sqrt(sumSq(xA, xi, d)), c);
            for (int k = 0; k < d; k++) outA[outOff + i * d + k] = s * xA[xi + k];
        }
    }

    /** Backward of {@link #poincareMap}: dx [n, d] from dout [n, d]; saved for backward: the input x. */
    public static void poincareMapBackward(Buf.F64 dx, Buf.F64 dout, Buf.F64 x, int n, int d, double c, RowMap map) {
        double[] dxA = Buf.arr(dx), doutA = Buf.arr(dout), xA = Buf.arr(x);
        int dxOff = Buf.off(dx), doutOff = Buf.off(dout), xOff = Buf.off(x);
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, gi = doutOff + i * d;
            double norm = Math.sqrt(sumSq(xA, xi, d));
            double gx = 0;
            for (int k = 0; k < d; k++) gx += doutA[gi + k] * xA[xi + k];
            double s = PoincareScalar.rowScale(map, norm, c);
            double kk = PoincareScalar.rowGradK(map, norm, gx, c);
            for (int k = 0; k < d; k++) dxA[dxOff + i * d + k] = s * doutA[gi + k] + kk * xA[xi + k];
        }
    }

    /**
     * mobius_matvec(W, x): out_i = tanh(|W x_i| / |x_i| artanh(sqrt(c)|x_i|)) W x_i / (|W x_i|
     * sqrt(c)), and out_i = 0 where W x_i is exactly the zero vector (then its gradient is 0 too).
     *
     * @param out [n, m]
     * @param w [m, d] (torch Linear layout: mx = x W^T)
     * @param x [n, d]
     */
    public static void mobiusMatvec(Buf.F64 out, Buf.F64 w, Buf.F64 x, int n, int m, int d, double c) {
        double[] outA = Buf.arr(out), wA = Buf.arr(w), xA = Buf.arr(x);
        int outOff = Buf.off(out), wOff = Buf.off(w), xOff = Buf.off(x);
        double[] mx = new double[m];
        for (int i = 0; i < n; i++) {
            double xNorm = Math.sqrt(sumSq(xA, xOff + i * d, d));
            boolean zero = matvecRow(mx, wA, wOff, xA, xOff + i * d, m, d);
            double mxNorm = Math.sqrt(sumSq(mx, 0, m));
            double s = zero ? 0.0 : PoincareScalar.matvecScale(xNorm, mxNorm, c);
            for (int j = 0; j < m; j++) outA[outOff + i * m + j] = s * mx[j];
        }
    }

    /**
     * Backward of {@link #mobiusMatvec}. Saved for backward: w, x (mx is recomputed).
     *
     * @param dw [m, d] or null (overwritten with the sum over rows)
     * @param dx [n, d] or null
     * @param dout [n, m]
     */
    public static void mobiusMatvecBackward(
            Buf.F64 dw, Buf.F64 dx, Buf.F64 dout, Buf.F64 w, Buf.F64 x, int n, int m, int d, double c) {
        double[] dwA = Buf.arr(dw), dxA = Buf.arr(dx), doutA = Buf.arr(dout), wA = Buf.arr(w), xA = Buf.arr(x);
        int dwOff = Buf.off(dw), dxOff = Buf.off(dx), doutOff = Buf.off(dout), wOff = Buf.off(w);
        int xOff = Buf.off(x);
        double[] mx = new double[m], dmx = new double[m], coef = new double[3];
        if (dwA != null) java.util.Arrays.fill(dwA, dwOff, dwOff + m * d, 0.0);
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d, gi = doutOff + i * m;
            double xNorm = Math.sqrt(sumSq(xA, xi, d));
            boolean zero = matvecRow(mx, wA, wOff, xA, xi, m, d);
            double mxNorm = Math.sqrt(sumSq(mx, 0, m));
            double gm = 0;
            for (int j = 0; j < m; j++) gm += doutA[gi + j] * mx[j];
            if (zero) java.util.Arrays.fill(coef, 0.0);
            else PoincareScalar.matvecGradCoef(xNorm, mxNorm, gm, c, coef);
            for (int j = 0; j < m; j++) dmx[j] = coef[0] * doutA[gi + j] + coef[1] * mx[j];
            for (int k = 0; k < d; k++) {
                double acc = coef[2] * xA[xi + k];
                for (int j = 0; j < m; j++) acc += dmx[j] * wA[wOff + j * d + k];
                if (dxA != null) dxA[dxOff + i * d + k] = acc;
            }
            if (dwA != null)
                for (int j = 0; j < m; j++) for (int k = 0; k < d; k++) dwA[dwOff + j * d + k] += dmx[j] * xA[xi + k];
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
    public static void poincareDist(Buf.F64 out, Buf.F64 x, Buf.F64 y, int n, int m, int d, double c) {
        double[] outA = Buf.arr(out), xA = Buf.arr(x), yA = Buf.arr(y);
        int outOff = Buf.off(out), xOff = Buf.off(x), yOff = Buf.off(y);
        for (int i = 0; i < n; i++) {
            double x2 = sumSq(xA, xOff + i * d, d);
            for (int j = 0; j < m; j++) {
                double y2 = sumSq(yA, yOff + j * d, d);
                double xy = 0;
                for (int k = 0; k < d; k++) xy += xA[xOff + i * d + k] * yA[yOff + j * d + k];
                outA[outOff + i * m + j] = PoincareScalar.dist(xy, x2, y2, c);
            }
        }
    }

    /**
     * Backward of {@link #poincareDist}; saved for backward: x, y. dx_i = sum_j P_ij y_j + 2 Q_i x_i,
     * dy_j = sum_i P_ij x_i + 2 R_j y_j, with P, Q, R the gradients w.r.t. (x, y), |x|^2, |y|^2.
     *
     * @param dx [n, d] or null
     * @param dy [m, d] or null
     * @param dout [n, m]
     */
    public static void poincareDistBackward(
            Buf.F64 dx, Buf.F64 dy, Buf.F64 dout, Buf.F64 x, Buf.F64 y, int n, int m, int d, double c) {
        double[] dxA = Buf.arr(dx), dyA = Buf.arr(dy), doutA = Buf.arr(dout), xA = Buf.arr(x), yA = Buf.arr(y);
        int dxOff = Buf.off(dx), dyOff = Buf.off(dy), doutOff = Buf.off(dout), xOff = Buf.off(x);
        int yOff = Buf.off(y);
        if (dxA != null) java.util.Arrays.fill(dxA, dxOff, dxOff + n * d, 0.0);
        if (dyA != null) java.util.Arrays.fill(dyA, dyOff, dyOff + m * d, 0.0);
        double[] gr = new double[3];
        for (int i = 0; i < n; i++) {
            int xi = xOff + i * d;
            double x2 = sumSq(xA, xi, d);
            for (int j = 0; j < m; j++) {
                int yj = yOff + j * d;
                double y2 = sumSq(yA, yj, d);
                double xy = 0;
                for (int k = 0; k < d; k++) xy += xA[xi + k] * yA[yj + k];
                PoincareScalar.distGrad(xy, x2, y2, c, doutA[doutOff + i * m + j], gr);
                for (int k = 0; k < d; k++) {
                    if (dxA != null) dxA[dxOff + i * d + k] += gr[0] * yA[yj + k] + 2 * gr[1] * xA[xi + k];
                    if (dyA != null) dyA[dyOff + j * d + k] += gr[0] * xA[xi + k] + 2 * gr[2] * yA[yj + k];
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
