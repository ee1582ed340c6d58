package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.reference.SoftIouRef;

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
     * @param g [b, m, p]
     */
    public static void forward(Buf.F32 out, Buf.F32 a, Buf.F32 g, int b, int n, int m, int p) {
        float[] outA = Buf.arr(out), aA = Buf.arr(a), gA = Buf.arr(g);
        int outOff = Buf.off(out), aOff = Buf.off(a), gOff = Buf.off(g);
        check("softIou", aA, aOff, gA, gOff, b, n, m, p);
        Args.span("softIou", "out", outA, outOff, (long) b * n * m, false);
        float[] union = new float[b * n * m];
        interUnion(outA, outOff, union, aA, aOff, gA, gOff, b, n, m, p);
        for (int e = 0; e < b * n * m; e++)
            outA[outOff + e] = (float) (outA[outOff + e] / (union[e] + SoftIouRef.IOU_EPS));
    }

    private static void check(String op, float[] a, int aOff, float[] g, int gOff, int b, int n, int m, int p) {
        Args.sizes(op, "b", b, "n", n, "m", m, "p", p);
        Args.span(op, "a", a, aOff, (long) b * n * p, false);
        Args.span(op, "g", g, gOff, (long) b * m * p, false);
    }

    /** inter [b, n, m] = sum_p min, union [b, n, m] = sum_p max; parallel over (b, i). */
    private static void interUnion(
            float[] inter,
            int interOff,
            float[] union,
            float[] a,
            int aOff,
            float[] g,
            int gOff,
            int b,
            int n,
            int m,
            int p) {
        Parallel.range(b * n, Math.max(1, 16384 / Math.max(1, m * p)), (f, t) -> {
            for (int r = f; r < t; r++) {
                int bi = r / n, ai = aOff + r * p;
                for (int j = 0; j < m; j++) {
                    int bj = gOff + (bi * m + j) * p;
                    FloatVector vi = FloatVector.zero(Vec.S), vu = vi;
                    int k = 0, ub = Vec.bound(p);
                    for (; k < ub; k += Vec.L) {
                        FloatVector x = FloatVector.fromArray(Vec.S, a, ai + k),
                                y = FloatVector.fromArray(Vec.S, g, bj + k);
                        vi = vi.add(x.min(y));
                        vu = vu.add(x.max(y));
                    }
                    float si = VecMath.sum(vi), su = VecMath.sum(vu);
                    for (; k < p; k++) {
                        si += Math.min(a[ai + k], g[bj + k]);
                        su += Math.max(a[ai + k], g[bj + k]);
                    }
                    inter[interOff + r * m + j] = si;
                    union[r * m + j] = su;
                }
            }
        });
    }

    /**
     * Backward; see {@link SoftIouRef#backward}: da [b, n, p], dg [b, m, p] (overwritten; either may
     * be null) from dout [b, n, m]. Three passes over b*n*m*p: I and U, then da, then dg.
     */
    public static void backward(
            Buf.F32 da, Buf.F32 dg, Buf.F32 dout, Buf.F32 a, Buf.F32 g, int b, int n, int m, int p) {
        float[] daA = Buf.arr(da), dgA = Buf.arr(dg), doutA = Buf.arr(dout), aA = Buf.arr(a), gA = Buf.arr(g);
        int daOff = Buf.off(da), dgOff = Buf.off(dg), doutOff = Buf.off(dout), aOff = Buf.off(a);
        int gOff = Buf.off(g);
        check("softIouBackward", aA, aOff, gA, gOff, b, n, m, p);
        Args.span("softIouBackward", "da", daA, daOff, (long) b * n * p, true);
        Args.span("softIouBackward", "db", dgA, dgOff, (long) b * m * p, true);
        Args.span("softIouBackward", "dout", doutA, doutOff, (long) b * n * m, false);
        float[] gI = new float[b * n * m], gU = new float[b * n * m]; // first I and U, then dL/dI, dL/dU
        interUnion(gI, 0, gU, aA, aOff, gA, gOff, b, n, m, p);
        for (int e = 0; e < b * n * m; e++) {
            double den = gU[e] + SoftIouRef.IOU_EPS, gv = doutA[doutOff + e];
            gU[e] = (float) (-gv * gI[e] / (den * den));
            gI[e] = (float) (gv / den);
        }
        if (daA != null)
            Parallel.range(b * n, Math.max(1, 16384 / Math.max(1, m * p)), (f, t) -> {
                for (int r = f; r < t; r++) {
                    int bi = r / n;
                    java.util.Arrays.fill(daA, daOff + r * p, daOff + (r + 1) * p, 0f);
                    for (int j = 0; j < m; j++)
                        accumulate(
                                daA,
                                daOff + r * p,
                                aA,
                                aOff + r * p,
                                gA,
                                gOff + (bi * m + j) * p,
                                gI[r * m + j],
                                gU[r * m + j],
                                p);
                }
            });
        if (dgA != null)
            Parallel.range(b * m, Math.max(1, 16384 / Math.max(1, n * p)), (f, t) -> {
                for (int r = f; r < t; r++) {
                    int bi = r / m, j = r % m;
                    java.util.Arrays.fill(dgA, dgOff + r * p, dgOff + (r + 1) * p, 0f);
                    for (int i = 0; i < n; i++) {
                        int e = (bi * n + i) * m + j;
                        accumulate(dgA, dgOff + r * p, gA, gOff + r * p, aA, aOff + (bi * n + i) * p, gI[e], gU[e], p);
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
