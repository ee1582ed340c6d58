package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.PoincareScalar;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.reference.HyperbolicRef;

/**
 * Poincare-ball ops, fast float32 cpu kernels (Vector API + fork-join over rows). Same contracts,
 * shapes and argument order as {@link HyperbolicRef} (read its Javadoc); the per-row scalar math is
 * {@link PoincareScalar} evaluated in double, the row reductions and the GEMM-like passes are float
 * vectors.
 */
public final class HyperbolicCpu {
    private HyperbolicCpu() {}

    private static final int ROW_GRAIN_ELEMS = 8192;

    private static int rowGrain(int d) {
        return Math.max(1, ROW_GRAIN_ELEMS / Math.max(1, d));
    }

    /** out [n, d] = x [n, d] (+)_c y ([n, d], or [1, d] broadcast when yStride = 0). */
    public static void mobiusAdd(Buf.F32 out, Buf.F32 x, Buf.F32 y, int yStride, int n, int d, double c) {
        float[] outA = Buf.arr(out), xA = Buf.arr(x), yA = Buf.arr(y);
        int outOff = Buf.off(out), xOff = Buf.off(x), yOff = Buf.off(y);
        String op = "mobiusAdd";
        checkRows(op, n, d, c);
        Args.span(op, "out", outA, outOff, (long) n * d, false);
        Args.span(op, "x", xA, xOff, (long) n * d, false);
        Args.span(op, "y", yA, yOff, yStride == 0 ? d : (long) n * d, false);
        Parallel.range(n, rowGrain(d), (f, t) -> {
            double[] coef = new double[2];
            float[] r = new float[5];
            for (int i = f; i < t; i++) {
                int xi = xOff + i * d, yi = yOff + i * yStride;
                reduce(xA, xi, yA, yi, null, 0, d, r);
                PoincareScalar.mobiusAddCoef(r[0], r[1], r[2], c, coef);
                Vec.lincomb(outA, outOff + i * d, (float) coef[0], xA, xi, (float) coef[1], yA, yi, d);
            }
        });
    }

    /** Backward of {@link #mobiusAdd}; dx [n, d] or null, dy [n, d] / [1, d] (yStride 0) or null. */
    public static void mobiusAddBackward(
            Buf.F32 dx, Buf.F32 dy, Buf.F32 dout, Buf.F32 x, Buf.F32 y, int yStride, int n, int d, double c) {
        float[] dxA = Buf.arr(dx), dyA = Buf.arr(dy), doutA = Buf.arr(dout), xA = Buf.arr(x), yA = Buf.arr(y);
        int dxOff = Buf.off(dx), dyOff = Buf.off(dy), doutOff = Buf.off(dout), xOff = Buf.off(x);
        int yOff = Buf.off(y);
        String op = "mobiusAddBackward";
        checkRows(op, n, d, c);
        Args.span(op, "dx", dxA, dxOff, (long) n * d, true);
        Args.span(op, "dy", dyA, dyOff, yStride == 0 ? d : (long) n * d, true);
        Args.span(op, "dout", doutA, doutOff, (long) n * d, false);
        Args.span(op, "x", xA, xOff, (long) n * d, false);
        Args.span(op, "y", yA, yOff, yStride == 0 ? d : (long) n * d, false);
        if (dyA != null && yStride == 0) {
            // broadcast y: per-row dy contributions summed, in row order, by one thread
            float[] tmp = new float[d];
            java.util.Arrays.fill(dyA, dyOff, dyOff + d, 0f);
            double[] coef = new double[6];
            float[] r = new float[5];
            mobiusAddBackward(dx, null, dout, x, y, yStride, n, d, c);
            for (int i = 0; i < n; i++) {
                int xi = xOff + i * d, gi = doutOff + i * d;
                reduce(xA, xi, yA, yOff, doutA, gi, d, r);
                PoincareScalar.mobiusAddGradCoef(r[0], r[1], r[2], r[3], r[4], c, coef);
                Vec.lincomb(tmp, 0, (float) coef[3], doutA, gi, (float) coef[4], xA, xi, d);
                Vec.axpy((float) coef[5], yA, yOff, tmp, 0, d);
                Vec.axpy(1f, tmp, 0, dyA, dyOff, d);
            }
            return;
        }
        Parallel.range(n, rowGrain(d), (f, t) -> {
            double[] coef = new double[6];
            float[] r = new float[5];
            for (int i = f; i < t; i++) {
                int xi = xOff + i * d, yi = yOff + i * yStride, gi = doutOff + i * d;
                reduce(xA, xi, yA, yi, doutA, gi, d, r);
                PoincareScalar.mobiusAddGradCoef(r[0], r[1], r[2], r[3], r[4], c, coef);
                if (dxA != null) {
                    Vec.lincomb(dxA, dxOff + i * d, (float) coef[0], doutA, gi, (float) coef[1], yA, yi, d);
                    Vec.axpy((float) coef[2], xA, xi, dxA, dxOff + i * d, d);
                }
                if (dyA != null) {
                    Vec.lincomb(dyA, dyOff + i * d, (float) coef[3], doutA, gi, (float) coef[4], xA, xi, d);
                    Vec.axpy((float) coef[5], yA, yi, dyA, dyOff + i * d, d);
                }
            }
        });
    }

    /**
     * r = {|x|^2, |y|^2, (x, y), (g, x), (g, y)} in one pass (the last two only when g != null).
     */
    private static void reduce(float[] x, int xo, float[] y, int yo, float[] g, int go, int d, float[] r) {
        FloatVector z = FloatVector.zero(Vec.S), x2 = z, y2 = z, xy = z, gx = z, gy = z;
        int k = 0, ub = Vec.bound(d);
        for (; k < ub; k += Vec.L) {
            FloatVector vx = FloatVector.fromArray(Vec.S, x, xo + k), vy = FloatVector.fromArray(Vec.S, y, yo + k);
            x2 = vx.fma(vx, x2);
            y2 = vy.fma(vy, y2);
            xy = vx.fma(vy, xy);
            if (g != null) {
                FloatVector vg = FloatVector.fromArray(Vec.S, g, go + k);
                gx = vg.fma(vx, gx);
                gy = vg.fma(vy, gy);
            }
        }
        float sx2 = VecMath.sum(x2), sy2 = VecMath.sum(y2);
        float sxy = VecMath.sum(xy), sgx = VecMath.sum(gx);
        float sgy = VecMath.sum(gy);
        for (; k < d; k++) {
            float a = x[xo + k], b = y[yo + k];
            sx2 += a * a;
            sy2 += b * b;
            sxy += a * b;
            if (g != null) {
                sgx += g[go + k] * a;
                sgy += g[go + k] * b;
            }
        }
        r[0] = sx2;
        r[1] = sy2;
        r[2] = sxy;
        r[3] = sgx;
        r[4] = sgy;
    }

    /** expmap0 / logmap0 / proj row by row: out [n, d] = s(|x_i|) x_i. */
    public static void poincareMap(Buf.F32 out, Buf.F32 x, int n, int d, double c, RowMap map) {
        float[] outA = Buf.arr(out), xA = Buf.arr(x);
        int outOff = Buf.off(out), xOff = Buf.off(x);
        checkRows("rowMap " + map, n, d, c);
        Args.span("rowMap " + map, "out", outA, outOff, (long) n * d, false);
        Args.span("rowMap " + map, "x", xA, xOff, (long) n * d, false);
        Parallel.range(n, rowGrain(d), (f, t) -> {
            for (int i = f; i < t; i++) {
                int xi = xOff + i * d;
                double s = PoincareScalar.rowScale(map, Math.sqrt(Vec.dot(xA, xi, xA, xi, d)), c);
                Vec.lincomb(outA, outOff + i * d, (float) s, xA, xi, 0f, null, 0, d);
            }
        });
    }

    /** Backward of {@link #poincareMap}: dx [n, d] from dout [n, d]. */
    public static void poincareMapBackward(Buf.F32 dx, Buf.F32 dout, Buf.F32 x, int n, int d, double c, RowMap map) {
        float[] dxA = Buf.arr(dx), doutA = Buf.arr(dout), xA = Buf.arr(x);
        int dxOff = Buf.off(dx), doutOff = Buf.off(dout), xOff = Buf.off(x);
        String op = "rowMapBackward " + map;
        checkRows(op, n, d, c);
        Args.span(op, "dx", dxA, dxOff, (long) n * d, false);
        Args.span(op, "dout", doutA, doutOff, (long) n * d, false);
        Args.span(op, "x", xA, xOff, (long) n * d, false);
        Parallel.range(n, rowGrain(d), (f, t) -> {
            for (int i = f; i < t; i++) {
                int xi = xOff + i * d, gi = doutOff + i * d;
                double norm = Math.sqrt(Vec.dot(xA, xi, xA, xi, d));
                double gx = Vec.dot(doutA, gi, xA, xi, d);
                double s = PoincareScalar.rowScale(map, norm, c), k = PoincareScalar.rowGradK(map, norm, gx, c);
                Vec.lincomb(dxA, dxOff + i * d, (float) s, doutA, gi, (float) k, xA, xi, d);
            }
        });
    }

    /** out [n, m] = mobius_matvec(w [m, d], x [n, d]); see {@link HyperbolicRef#mobiusMatvec}. */
    public static void mobiusMatvec(Buf.F32 out, Buf.F32 w, Buf.F32 x, int n, int m, int d, double c) {
        float[] outA = Buf.arr(out), wA = Buf.arr(w), xA = Buf.arr(x);
        int outOff = Buf.off(out), wOff = Buf.off(w), xOff = Buf.off(x);
        checkPairs("mobiusMatvec", n, m, d, c);
        Args.span("mobiusMatvec", "out", outA, outOff, (long) n * m, false);
        Args.span("mobiusMatvec", "w", wA, wOff, (long) m * d, false);
        Args.span("mobiusMatvec", "x", xA, xOff, (long) n * d, false);
        Vec.gemmABt(outA, outOff, xA, xOff, wA, wOff, n, m, d); // mx
        Parallel.range(n, rowGrain(m), (f, t) -> {
            for (int i = f; i < t; i++) {
                int oi = outOff + i * m;
                double xNorm = Math.sqrt(Vec.dot(xA, xOff + i * d, xA, xOff + i * d, d));
                double s = allZero(outA, oi, m)
                        ? 0.0
                        : PoincareScalar.matvecScale(xNorm, Math.sqrt(Vec.dot(outA, oi, outA, oi, m)), c);
                Vec.lincomb(outA, oi, (float) s, outA, oi, 0f, null, 0, m);
            }
        });
    }

    /**
     * Backward of {@link #mobiusMatvec}: dw [m, d] (or null), dx [n, d] (or null) from dout [n, m].
     * Uses an [n, m] scratch (mx, then dmx).
     */
    public static void mobiusMatvecBackward(
            Buf.F32 dw, Buf.F32 dx, Buf.F32 dout, Buf.F32 w, Buf.F32 x, int n, int m, int d, double c) {
        float[] dwA = Buf.arr(dw), dxA = Buf.arr(dx), doutA = Buf.arr(dout), wA = Buf.arr(w), xA = Buf.arr(x);
        int dwOff = Buf.off(dw), dxOff = Buf.off(dx), doutOff = Buf.off(dout), wOff = Buf.off(w);
        int xOff = Buf.off(x);
        String op = "mobiusMatvecBackward";
        checkPairs(op, n, m, d, c);
        Args.span(op, "dw", dwA, dwOff, (long) m * d, true);
        Args.span(op, "dx", dxA, dxOff, (long) n * d, true);
        Args.span(op, "dout", doutA, doutOff, (long) n * m, false);
        Args.span(op, "w", wA, wOff, (long) m * d, false);
        Args.span(op, "x", xA, xOff, (long) n * d, false);
        float[] dmx = new float[n * m]; // [n, m]: mx, then overwritten by d mx
        float[] xCoef = new float[n];
        Vec.gemmABt(dmx, 0, xA, xOff, wA, wOff, n, m, d);
        Parallel.range(n, rowGrain(m), (f, t) -> {
            double[] coef = new double[3];
            for (int i = f; i < t; i++) {
                int ri = i * m, gi = doutOff + i * m;
                if (allZero(dmx, ri, m)) {
                    java.util.Arrays.fill(coef, 0.0);
                } else {
                    double xNorm = Math.sqrt(Vec.dot(xA, xOff + i * d, xA, xOff + i * d, d));
                    double mxNorm = Math.sqrt(Vec.dot(dmx, ri, dmx, ri, m));
                    PoincareScalar.matvecGradCoef(xNorm, mxNorm, Vec.dot(doutA, gi, dmx, ri, m), c, coef);
                }
                Vec.lincomb(dmx, ri, (float) coef[1], dmx, ri, (float) coef[0], doutA, gi, m);
                xCoef[i] = (float) coef[2];
            }
        });
        if (dxA != null) {
            Vec.gemmAB(dxA, dxOff, dmx, 0, wA, wOff, n, m, d);
            for (int i = 0; i < n; i++) Vec.axpy(xCoef[i], xA, xOff + i * d, dxA, dxOff + i * d, d);
        }
        if (dwA != null) Vec.gemmAtB(dwA, dwOff, dmx, 0, xA, xOff, n, m, d);
    }

    private static void checkRows(String op, int n, int d, double c) {
        Args.sizes(op, "n", n, "d", d);
        Args.positive(op, "curvature c", c);
    }

    private static void checkPairs(String op, int n, int m, int d, double c) {
        Args.sizes(op, "n", n, "m", m, "d", d);
        Args.positive(op, "curvature c", c);
    }

    private static boolean allZero(float[] a, int off, int len) {
        for (int k = 0; k < len; k++) if (a[off + k] != 0f) return false;
        return true;
    }

    /** Pairwise Poincare distance out [n, m] for x [n, d], y [m, d]; see {@link HyperbolicRef#poincareDist}. */
    public static void poincareDist(Buf.F32 out, Buf.F32 x, Buf.F32 y, int n, int m, int d, double c) {
        float[] outA = Buf.arr(out), xA = Buf.arr(x), yA = Buf.arr(y);
        int outOff = Buf.off(out), xOff = Buf.off(x), yOff = Buf.off(y);
        checkPairs("poincareDist", n, m, d, c);
        Args.span("poincareDist", "out", outA, outOff, (long) n * m, false);
        Args.span("poincareDist", "x", xA, xOff, (long) n * d, false);
        Args.span("poincareDist", "y", yA, yOff, (long) m * d, false);
        float[] x2 = rowSumSq(xA, xOff, n, d), y2 = rowSumSq(yA, yOff, m, d);
        Vec.gemmABt(outA, outOff, xA, xOff, yA, yOff, n, m, d); // (x_i, y_j)
        Parallel.range(n * m, 4096, (f, t) -> {
            for (int e = f; e < t; e++)
                outA[outOff + e] = (float) PoincareScalar.dist(outA[outOff + e], x2[e / m], y2[e % m], c);
        });
    }

    /**
     * Backward of {@link #poincareDist}: dx [n, d], dy [m, d] (either may be null) from dout [n, m].
     * Uses one [n, m] scratch (the gradient w.r.t. (x_i, y_j)); never [n, m, d].
     */
    public static void poincareDistBackward(
            Buf.F32 dx, Buf.F32 dy, Buf.F32 dout, Buf.F32 x, Buf.F32 y, int n, int m, int d, double c) {
        float[] dxA = Buf.arr(dx), dyA = Buf.arr(dy), doutA = Buf.arr(dout), xA = Buf.arr(x), yA = Buf.arr(y);
        int dxOff = Buf.off(dx), dyOff = Buf.off(dy), doutOff = Buf.off(dout), xOff = Buf.off(x);
        int yOff = Buf.off(y);
        String op = "poincareDistBackward";
        checkPairs(op, n, m, d, c);
        Args.span(op, "dx", dxA, dxOff, (long) n * d, true);
        Args.span(op, "dy", dyA, dyOff, (long) m * d, true);
        Args.span(op, "dout", doutA, doutOff, (long) n * m, false);
        Args.span(op, "x", xA, xOff, (long) n * d, false);
        Args.span(op, "y", yA, yOff, (long) m * d, false);
        float[] x2 = rowSumSq(xA, xOff, n, d), y2 = rowSumSq(yA, yOff, m, d);
        float[] pxy = new float[n * m]; // [n, m]: (x_i, y_j), then dL/d(x_i, y_j)
        Vec.gemmABt(pxy, 0, xA, xOff, yA, yOff, n, m, d);
        float[] gx2 = new float[n], gy2 = new float[m];
        float[] gy2Part = new float[n * m]; // dL/d|y_j|^2 per pair, summed over i below
        Parallel.range(n, Math.max(1, 4096 / Math.max(1, m)), (f, t) -> {
            double[] gr = new double[3];
            for (int i = f; i < t; i++) {
                double sx = 0;
                for (int j = 0; j < m; j++) {
                    int e = i * m + j;
                    PoincareScalar.distGrad(pxy[e], x2[i], y2[j], c, doutA[doutOff + e], gr);
                    pxy[e] = (float) gr[0];
                    sx += gr[1];
                    gy2Part[e] = (float) gr[2];
                }
                gx2[i] = (float) sx;
            }
        });
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) gy2[j] += gy2Part[i * m + j];
        if (dxA != null) {
            Vec.gemmAB(dxA, dxOff, pxy, 0, yA, yOff, n, m, d);
            for (int i = 0; i < n; i++) Vec.axpy(2 * gx2[i], xA, xOff + i * d, dxA, dxOff + i * d, d);
        }
        if (dyA != null) {
            Vec.gemmAtB(dyA, dyOff, pxy, 0, xA, xOff, n, m, d);
            for (int j = 0; j < m; j++) Vec.axpy(2 * gy2[j], yA, yOff + j * d, dyA, dyOff + j * d, d);
        }
    }

    private static float[] rowSumSq(float[] a, int off, int rows, int d) {
        float[] r = new float[rows];
        Parallel.range(rows, rowGrain(d), (f, t) -> {
            for (int i = f; i < t; i++) r[i] = Vec.dot(a, off + i * d, a, off + i * d, d);
        });
        return r;
    }
}
