package org.revtaf.engine.backend.cpu.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.backend.reference.SinkhornRef;

/**
 * Log-domain Sinkhorn, fast float32 cpu kernels. Same contract, shapes and argument order as
 * {@link SinkhornRef} (read its Javadoc).
 *
 * <p>Layout: each active batch item gets a padded working copy of its cost, the valid pixel rows
 * only, each row {@code tp} = t rounded up to the vector length wide, with +infinity in masked and
 * padding columns (so exp gives exactly 0 there and every inner loop runs whole vectors, no scalar
 * tails). Vector API over the token axis; fork-join over batch items within each iteration (the
 * global stopping test needs one join per iteration) and over items in backward.
 */
public final class SinkhornCpu {
    private SinkhornCpu() {}

    /** Size of the uHist buffer: (maxIter + 1) * b * p. */
    public static int uHistSize(int b, int p, int maxIter) {
        return (maxIter + 1) * b * p;
    }

    /** Size of the vHist buffer: (maxIter + 1) * b * t. */
    public static int vHistSize(int b, int t, int maxIter) {
        return (maxIter + 1) * b * t;
    }

    /** One active batch item: its valid pixel rows, padded cost [pv, tp] and log-marginals. */
    private static final class Item {
        final int bi, pv, tp;
        final int[] rows; // original pixel index of each working row
        final float[] c; // [pv, tp], +inf at masked or padding tokens
        final float[] v; // [tp] current v (0 at masked/padding tokens)
        final double lmu, lnu;

        Item(Buf.F32 costBuf, Buf.F32 pixelMaskBuf, Buf.F32 tokenMaskBuf, int bi, int p, int t) {
            float[] cost = costBuf.a(), pixelMask = Buf.arr(pixelMaskBuf), tokenMask = Buf.arr(tokenMaskBuf);
            int costOff = costBuf.off(), pmOff = Buf.off(pixelMaskBuf), tmOff = Buf.off(tokenMaskBuf);
            this.bi = bi;
            this.pv = SinkhornRef.count(pixelMask, pmOff + bi * p, p);
            this.tp = (t + Vec.L - 1) / Vec.L * Vec.L;
            this.rows = new int[pv];
            this.c = new float[pv * tp];
            this.v = new float[tp];
            this.lmu = Math.log(1.0 / pv + SinkhornRef.MARGINAL_EPS);
            this.lnu = Math.log(1.0 / SinkhornRef.count(tokenMask, tmOff + bi * t, t) + SinkhornRef.MARGINAL_EPS);
            Arrays.fill(c, Float.POSITIVE_INFINITY);
            for (int i = 0, r = 0; i < p; i++) {
                if (!SinkhornRef.valid(pixelMask, pmOff + bi * p + i)) continue;
                rows[r] = i;
                int src = costOff + (bi * p + i) * t;
                for (int j = 0; j < t; j++)
                    if (SinkhornRef.valid(tokenMask, tmOff + bi * t + j)) c[r * tp + j] = cost[src + j];
                r++;
            }
        }
    }

    /** The active batch items (a valid pixel and a valid token each). */
    private static Item[] items(Buf.F32 cost, Buf.F32 pixelMask, Buf.F32 tokenMask, int b, int p, int t) {
        float[] pm = Buf.arr(pixelMask), tm = Buf.arr(tokenMask);
        int pmOff = Buf.off(pixelMask), tmOff = Buf.off(tokenMask);
        return java.util.stream.IntStream.range(0, b)
                .filter(bi -> SinkhornRef.active(pm, pmOff, tm, tmOff, bi, p, t))
                .mapToObj(bi -> new Item(cost, pixelMask, tokenMask, bi, p, t))
                .toArray(Item[]::new);
    }

    /**
     * Forward; see {@link SinkhornRef#forward}. Returns the number of iterations run.
     *
     * @param plan [b, p, t] out
     * @param uHist [(maxIter+1), b, p] out
     * @param vHist [(maxIter+1), b, t] out
     * @param cost [b, p, t]
     * @param pixelMask [b, p] or null (nonzero = valid)
     * @param tokenMask [b, t] or null (nonzero = valid)
     */
    public static int forward(
            Buf.F32 plan,
            float[] uHist,
            float[] vHist,
            Buf.F32 cost,
            Buf.F32 pixelMask,
            Buf.F32 tokenMask,
            SinkhornGeom geom) {
        int b = geom.b(), p = geom.p(), t = geom.t(), maxIter = geom.maxIter();
        double eps = geom.eps(), tol = geom.tol();
        float[] planA = Buf.arr(plan), tokenMaskA = Buf.arr(tokenMask);
        int planOff = Buf.off(plan), tmOff = Buf.off(tokenMask);
        check("sinkhorn", plan, cost, pixelMask, tokenMask, geom);
        Args.sizes("sinkhorn", "maxIter", maxIter);
        Args.span("sinkhorn", "uHist", uHist, 0, (long) uHistSize(b, p, maxIter), false);
        Args.span("sinkhorn", "vHist", vHist, 0, (long) vHistSize(b, t, maxIter), false);
        Arrays.fill(uHist, 0, (maxIter + 1) * b * p, 0f);
        Arrays.fill(vHist, 0, (maxIter + 1) * b * t, 0f);
        Arrays.fill(planA, planOff, planOff + b * p * t, 0f);
        Item[] items = items(cost, pixelMask, tokenMask, b, p, t);
        int validRows = 0;
        for (Item it : items) validRows += it.pv;
        if (validRows == 0) return 0;
        double[] err = new double[items.length];
        int grain = Math.max(1, 2048 / Math.max(1, p * t)); // items per task: ~2k cost entries
        float invEps = (float) (1.0 / eps);
        int k = 0;
        while (k < maxIter) {
            int kk = ++k;
            Parallel.range(items.length, grain, (f, to) -> {
                float[] row = new float[items[f].tp], colMax = new float[row.length], colSum = new float[row.length];
                for (int e = f; e < to; e++)
                    err[e] = iterate(items[e], uHist, vHist, tokenMaskA, tmOff, geom, invEps, kk, row, colMax, colSum);
            });
            double errSum = 0;
            for (double e : err) errSum += e;
            if (errSum / validRows < tol) break;
        }
        int kFinal = k;
        Parallel.range(items.length, grain, (f, to) -> {
            for (int e = f; e < to; e++) {
                Item it = items[e];
                float[] w = new float[it.tp];
                for (int r = 0; r < it.pv; r++) {
                    float ui = uHist[kFinal * b * p + it.bi * p + it.rows[r]];
                    expRow(w, it.c, r * it.tp, it.v, ui, invEps, 0f, it.tp);
                    System.arraycopy(w, 0, planA, planOff + (it.bi * p + it.rows[r]) * t, t);
                }
            }
        });
        return kFinal;
    }

    /**
     * Iteration k for one item: u^k (writes uHist slice k), then v^k (writes it.v and vHist slice
     * k); returns sum |u^k - u^{k-1}| over its rows.
     */
    private static double iterate(
            Item it,
            float[] uHist,
            float[] vHist,
            float[] tokenMask,
            int tmOff,
            SinkhornGeom geom,
            float invEps,
            int k,
            float[] row,
            float[] colMax,
            float[] colSum) {
        int b = geom.b(), p = geom.p(), t = geom.t();
        double eps = geom.eps();
        int tp = it.tp, ub = Vec.bound(tp);
        int u0 = (k - 1) * b * p + it.bi * p, u1 = k * b * p + it.bi * p, v1 = k * b * t + it.bi * t;
        double errSum = 0;
        // u^k_i = eps lmu - eps LSE_j((v^{k-1}_j - C_ij)/eps)
        for (int r = 0; r < it.pv; r++) {
            int ci = r * tp, j = 0;
            FloatVector vmx = FloatVector.broadcast(Vec.S, Float.NEGATIVE_INFINITY);
            for (; j < ub; j += Vec.L) {
                FloatVector w = FloatVector.fromArray(Vec.S, it.v, j)
                        .sub(FloatVector.fromArray(Vec.S, it.c, ci + j))
                        .mul(invEps);
                w.intoArray(row, j);
                vmx = vmx.max(w);
            }
            float mx = vmx.reduceLanes(VectorOperators.MAX);
            for (; j < tp; j++) {
                row[j] = (it.v[j] - it.c[ci + j]) * invEps;
                mx = Math.max(mx, row[j]);
            }
            float u = (float) (eps * it.lmu - eps * (mx + Math.log(sumExp(row, mx, tp))));
            int ui = it.rows[r];
            uHist[u1 + ui] = u;
            errSum += Math.abs(u - uHist[u0 + ui]);
        }
        // v^k_j = eps lnu - eps LSE_i((u^k_i - C_ij)/eps): two passes (max, then sum of exp) over rows
        Arrays.fill(colMax, Float.NEGATIVE_INFINITY);
        Arrays.fill(colSum, 0f);
        for (int r = 0; r < it.pv; r++) {
            int ci = r * tp, j = 0;
            FloatVector vu = FloatVector.broadcast(Vec.S, uHist[u1 + it.rows[r]]);
            for (; j < ub; j += Vec.L)
                vu.sub(FloatVector.fromArray(Vec.S, it.c, ci + j))
                        .mul(invEps)
                        .max(FloatVector.fromArray(Vec.S, colMax, j))
                        .intoArray(colMax, j);
            for (; j < tp; j++) colMax[j] = Math.max(colMax[j], (uHist[u1 + it.rows[r]] - it.c[ci + j]) * invEps);
        }
        for (int r = 0; r < it.pv; r++) {
            int ci = r * tp, j = 0;
            float u = uHist[u1 + it.rows[r]];
            FloatVector vu = FloatVector.broadcast(Vec.S, u);
            for (; j < ub; j += Vec.L)
                VecMath.exp(vu.sub(FloatVector.fromArray(Vec.S, it.c, ci + j))
                                .mul(invEps)
                                .sub(FloatVector.fromArray(Vec.S, colMax, j)))
                        .add(FloatVector.fromArray(Vec.S, colSum, j))
                        .intoArray(colSum, j);
            for (; j < tp; j++) colSum[j] += (float) Math.exp((u - it.c[ci + j]) * invEps - colMax[j]);
        }
        for (int j = 0; j < tp; j++) {
            boolean valid = j < t && SinkhornRef.valid(tokenMask, tmOff + it.bi * t + j);
            it.v[j] = valid ? (float) (eps * it.lnu - eps * (colMax[j] + Math.log(colSum[j]))) : 0f;
            if (j < t) vHist[v1 + j] = it.v[j];
        }
        return errSum;
    }

    /** sum_j exp(row_j - mx) over a whole-vector row. */
    private static float sumExp(float[] row, float mx, int len) {
        FloatVector acc = FloatVector.zero(Vec.S);
        int j = 0, ub = Vec.bound(len);
        for (; j < ub; j += Vec.L)
            acc = acc.add(VecMath.exp(FloatVector.fromArray(Vec.S, row, j).sub(mx)));
        float s = VecMath.sum(acc);
        for (; j < len; j++) s += (float) Math.exp(row[j] - mx);
        return s;
    }

    /** out_j = exp((vv_j - c_j + ui) * invEps - shift) over a whole-vector row (0 where c = +inf). */
    private static void expRow(
            float[] out, float[] c, int ci, float[] vv, float ui, float invEps, float shift, int tp) {
        int j = 0, ub = Vec.bound(tp);
        for (; j < ub; j += Vec.L)
            VecMath.exp(FloatVector.fromArray(Vec.S, vv, j)
                            .sub(FloatVector.fromArray(Vec.S, c, ci + j))
                            .add(ui)
                            .mul(invEps)
                            .sub(shift))
                    .intoArray(out, j);
        for (; j < tp; j++) out[j] = (float) Math.exp((vv[j] - c[ci + j] + ui) * invEps - shift);
    }

    private static void check(
            String op, Buf.F32 out, Buf.F32 cost, Buf.F32 pixelMask, Buf.F32 tokenMask, SinkhornGeom geom) {
        int b = geom.b(), p = geom.p(), t = geom.t();
        double eps = geom.eps();
        Args.sizes(op, "b", b, "p", p, "t", t);
        Args.positive(op, "eps", eps);
        Args.span(op, "plan/dcost", out, (long) b * p * t, false);
        Args.span(op, "cost", cost, (long) b * p * t, false);
        Args.span(op, "pixelMask", pixelMask, (long) b * p, true);
        Args.span(op, "tokenMask", tokenMask, (long) b * t, true);
    }

    /**
     * Backward; see {@link SinkhornRef#backward}: dcost [b, p, t] (overwritten) from dplan [b, p, t].
     * Parallel over batch items; two exps per element and iteration, on the padded working rows.
     */
    public static void backward(
            Buf.F32 dcost,
            Buf.F32 dplan,
            Buf.F32 plan,
            float[] uHist,
            float[] vHist,
            int iters,
            Buf.F32 cost,
            Buf.F32 pixelMask,
            Buf.F32 tokenMask,
            SinkhornGeom geom) {
        int b = geom.b(), p = geom.p(), t = geom.t();
        double eps = geom.eps();
        float[] dcostA = Buf.arr(dcost), dplanA = Buf.arr(dplan), planA = Buf.arr(plan);
        int dOff = Buf.off(dcost), gOff = Buf.off(dplan), planOff = Buf.off(plan);
        check("sinkhornBackward", dcost, cost, pixelMask, tokenMask, geom);
        Args.span("sinkhornBackward", "dplan", dplanA, gOff, (long) b * p * t, false);
        Args.span("sinkhornBackward", "plan", planA, planOff, (long) b * p * t, false);
        Args.span("sinkhornBackward", "uHist", uHist, 0, (long) (iters + 1) * b * p, false);
        Args.span("sinkhornBackward", "vHist", vHist, 0, (long) (iters + 1) * b * t, false);
        Arrays.fill(dcostA, dOff, dOff + b * p * t, 0f);
        if (iters == 0) return;
        Item[] items = items(cost, pixelMask, tokenMask, b, p, t);
        float invEps = (float) (1.0 / eps);
        Parallel.range(items.length, 1, (f, to) -> {
            for (int e = f; e < to; e++)
                backwardItem(
                        items[e], dcostA, dOff, dplanA, gOff, planA, planOff, uHist, vHist, iters, b, p, t, invEps);
        });
    }

    private static void backwardItem(
            Item it,
            float[] dcost,
            int dOff,
            float[] dplan,
            int gOff,
            float[] plan,
            int planOff,
            float[] uHist,
            float[] vHist,
            int iters,
            int b,
            int p,
            int t,
            float invEps) {
        int tp = it.tp, pv = it.pv;
        float lmu = (float) it.lmu, lnu = (float) it.lnu;
        float[] dC = new float[pv * tp], du = new float[pv], dv = new float[tp], dvPrev = new float[tp];
        float[] vk = new float[tp], vkm1 = new float[tp], w = new float[tp];
        // T = exp((-C + u^K + v^K)/eps): dS = g T, dC = -dS/eps, du^K = sum_j dS/eps, dv^K = sum_i dS/eps
        for (int r = 0; r < pv; r++) {
            int e = (it.bi * p + it.rows[r]) * t;
            float s = 0f;
            for (int j = 0; j < t; j++) {
                float ds = dplan[gOff + e + j] * plan[planOff + e + j] * invEps;
                dC[r * tp + j] = -ds;
                s += ds;
                dv[j] += ds;
            }
            du[r] = s;
        }
        for (int k = iters; k >= 1; k--) {
            System.arraycopy(vHist, k * b * t + it.bi * t, vk, 0, t);
            System.arraycopy(vHist, (k - 1) * b * t + it.bi * t, vkm1, 0, t);
            Arrays.fill(dvPrev, 0f);
            for (int r = 0; r < pv; r++) {
                int ci = r * tp;
                float ui = uHist[k * b * p + it.bi * p + it.rows[r]];
                // column-LSE of step k: w_j = exp((-C_ij + u^k_i + v^k_j)/eps - lnu)
                expRow(w, it.c, ci, vk, ui, invEps, lnu, tp);
                float dui = (k == iters ? du[r] : 0f) - accumulate(dC, ci, w, dv, 0f, null, tp);
                // row-LSE of step k: w_j = exp((-C_ij + v^{k-1}_j + u^k_i)/eps - lmu)
                expRow(w, it.c, ci, vkm1, ui, invEps, lmu, tp);
                accumulate(dC, ci, w, null, dui, dvPrev, tp);
            }
            System.arraycopy(dvPrev, 0, dv, 0, tp);
        }
        for (int r = 0; r < pv; r++) System.arraycopy(dC, r * tp, dcost, dOff + (it.bi * p + it.rows[r]) * t, t);
    }

    /**
     * dC_j += w_j * (dv_j, or the scalar s when dv is null); returns sum_j w_j dv_j (dv != null),
     * or subtracts s w_j from acc (acc != null).
     */
    private static float accumulate(float[] dC, int di, float[] w, float[] dv, float s, float[] acc, int tp) {
        int j = 0, ub = Vec.bound(tp);
        FloatVector sum = FloatVector.zero(Vec.S);
        FloatVector vs = FloatVector.broadcast(Vec.S, s);
        for (; j < ub; j += Vec.L) {
            FloatVector vw = FloatVector.fromArray(Vec.S, w, j);
            FloatVector contrib = dv != null ? vw.mul(FloatVector.fromArray(Vec.S, dv, j)) : vw.mul(vs);
            FloatVector.fromArray(Vec.S, dC, di + j).add(contrib).intoArray(dC, di + j);
            if (dv != null) sum = sum.add(contrib);
            else FloatVector.fromArray(Vec.S, acc, j).sub(contrib).intoArray(acc, j);
        }
        float r = VecMath.sum(sum);
        for (; j < tp; j++) {
            float contrib = w[j] * (dv != null ? dv[j] : s);
            dC[di + j] += contrib;
            if (dv != null) r += contrib;
            else acc[j] -= contrib;
        }
        return r;
    }
}
