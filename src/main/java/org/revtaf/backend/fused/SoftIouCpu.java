package org.revtaf.backend.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.revtaf.backend.cpu.kernels.Parallel;

/**
 * Soft IoU between two sets of maps, fast float32 cpu kernels (Vector API over the map axis p,
 * fork-join over (batch, map)). Same contract, shapes and argument order as {@link SoftIouRef}
 * (read its Javadoc): out = sum min / (sum max + 1e-8), ties split half/half in backward.
 */
public final class SoftIouCpu {
    private SoftIouCpu() {}

    /**
     * @param out [b, n, m]
     * @param a [b, n, p]
     * @param bm [b, m, p]
     */
    public static void forward(
            float[] out, int outOff, float[] a, int aOff, float[] bm, int bOff, int b, int n, int m, int p) {
        check("softIou", a, aOff, bm, bOff, b, n, m, p);
        Args.span("softIou", "out", out, outOff, (long) b * n * m, false);
        float[] union = new float[b * n * m];
        interUnion(out, outOff, union, a, aOff, bm, bOff, b, n, m, p);
        for (int e = 0; e < b * n * m; e++)
            out[outOff + e] = (float) (out[outOff + e] / (union[e] + SoftIouRef.IOU_EPS));
    }

    private static void check(String op, float[] a, int aOff, float[] bm, int bOff, int b, int n, int m, int p) {
        Args.sizes(op, "b", b, "n", n, "m", m, "p", p);
        Args.span(op, "a", a, aOff, (long) b * n * p, false);
        Args.span(op, "b", bm, bOff, (long) b * m * p, false);
    }

    /** inter [b, n, m] = sum_p min, union [b, n, m] = sum_p max; parallel over (b, i). */
    private static void interUnion(
            float[] inter,
            int interOff,
            float[] union,
            float[] a,
            int aOff,
            float[] bm,
            int bOff,
            int b,
            int n,
            int m,
            int p) {
        Parallel.range(b * n, Math.max(1, 16384 / Math.max(1, m * p)), (f, t) -> {
            for (int r = f; r < t; r++) {
                int bi = r / n, ai = aOff + r * p;
                for (int j = 0; j < m; j++) {
                    int bj = bOff + (bi * m + j) * p;
                    FloatVector vi = FloatVector.zero(Vec.S), vu = vi;
                    int k = 0, ub = Vec.bound(p);
                    for (; k < ub; k += Vec.L) {
                        FloatVector x = FloatVector.fromArray(Vec.S, a, ai + k),
                                y = FloatVector.fromArray(Vec.S, bm, bj + k);
                        vi = vi.add(x.min(y));
                        vu = vu.add(x.max(y));
                    }
                    float si = vi.reduceLanes(VectorOperators.ADD), su = vu.reduceLanes(VectorOperators.ADD);
                    for (; k < p; k++) {
                        si += Math.min(a[ai + k], bm[bj + k]);
                        su += Math.max(a[ai + k], bm[bj + k]);
                    }
                    inter[interOff + r * m + j] = si;
                    union[r * m + j] = su;
                }
            }
        });
    }

    /**
     * Backward; see {@link SoftIouRef#backward}: da [b, n, p], db [b, m, p] (overwritten; either may
     * be null) from gOut [b, n, m]. Three passes over b*n*m*p: I and U, then da, then db.
     */
    public static void backward(
            float[] da,
            int daOff,
            float[] db,
            int dbOff,
            float[] gOut,
            int gOff,
            float[] a,
            int aOff,
            float[] bm,
            int bOff,
            int b,
            int n,
            int m,
            int p) {
        check("softIouBackward", a, aOff, bm, bOff, b, n, m, p);
        Args.span("softIouBackward", "da", da, daOff, (long) b * n * p, true);
        Args.span("softIouBackward", "db", db, dbOff, (long) b * m * p, true);
        Args.span("softIouBackward", "gOut", gOut, gOff, (long) b * n * m, false);
        float[] gI = new float[b * n * m], gU = new float[b * n * m]; // first I and U, then dL/dI, dL/dU
        interUnion(gI, 0, gU, a, aOff, bm, bOff, b, n, m, p);
        for (int e = 0; e < b * n * m; e++) {
            double den = gU[e] + SoftIouRef.IOU_EPS, g = gOut[gOff + e];
            gU[e] = (float) (-g * gI[e] / (den * den));
            gI[e] = (float) (g / den);
        }
        if (da != null)
            Parallel.range(b * n, Math.max(1, 16384 / Math.max(1, m * p)), (f, t) -> {
                for (int r = f; r < t; r++) {
                    int bi = r / n;
                    java.util.Arrays.fill(da, daOff + r * p, daOff + (r + 1) * p, 0f);
                    for (int j = 0; j < m; j++)
                        accumulate(
                                da,
                                daOff + r * p,
                                a,
                                aOff + r * p,
                                bm,
                                bOff + (bi * m + j) * p,
                                gI[r * m + j],
                                gU[r * m + j],
                                p);
                }
            });
        if (db != null)
            Parallel.range(b * m, Math.max(1, 16384 / Math.max(1, n * p)), (f, t) -> {
                for (int r = f; r < t; r++) {
                    int bi = r / m, j = r % m;
                    java.util.Arrays.fill(db, dbOff + r * p, dbOff + (r + 1) * p, 0f);
                    for (int i = 0; i < n; i++) {
                        int e = (bi * n + i) * m + j;
                        accumulate(db, dbOff + r * p, bm, bOff + r * p, a, aOff + (bi * n + i) * p, gI[e], gU[e], p);
                    }
                }
            });
    }

    /**
     * d[k] += gI * w + gU * (1 - w) with w = d min(x, y)/dx = 1 if x &lt; y, 0 if x &gt; y, 1/2 on ties.
     */
    private static void accumulate(
            float[] d, int dOff, float[] x, int xOff, float[] y, int yOff, float gI, float gU, int p) {
        FloatVector vgU = FloatVector.broadcast(Vec.S, gU), diff = FloatVector.broadcast(Vec.S, gI - gU);
        FloatVector zero = FloatVector.zero(Vec.S),
                one = FloatVector.broadcast(Vec.S, 1f),
                half = FloatVector.broadcast(Vec.S, 0.5f);
        int k = 0, ub = Vec.bound(p);
        for (; k < ub; k += Vec.L) {
            FloatVector vx = FloatVector.fromArray(Vec.S, x, xOff + k), vy = FloatVector.fromArray(Vec.S, y, yOff + k);
            VectorMask<Float> lt = vx.compare(VectorOperators.LT, vy), eq = vx.compare(VectorOperators.EQ, vy);
            FloatVector w = zero.blend(one, lt).blend(half, eq);
            w.fma(diff, vgU).add(FloatVector.fromArray(Vec.S, d, dOff + k)).intoArray(d, dOff + k);
        }
        for (; k < p; k++) {
            float xv = x[xOff + k], yv = y[yOff + k];
            float w = xv < yv ? 1f : xv > yv ? 0f : 0.5f;
            d[dOff + k] += gU + (gI - gU) * w;
        }
    }
}
