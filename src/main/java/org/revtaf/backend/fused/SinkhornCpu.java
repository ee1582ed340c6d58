package org.revtaf.backend.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.revtaf.backend.cpu.kernels.Parallel;

/**
 * Log-domain Sinkhorn, fast float32 cpu kernels: Vector API over the token axis t (contiguous),
 * fork-join over the batch within each iteration (the global stopping test needs one join per
 * iteration). Same contract, shapes and argument order as {@link SinkhornRef} (read its Javadoc).
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
            float[] plan,
            int planOff,
            float[] uHist,
            float[] vHist,
            float[] cost,
            int costOff,
            float[] pixelMask,
            int pmOff,
            float[] tokenMask,
            int tmOff,
            int b,
            int p,
            int t,
            double eps,
            int maxIter,
            double tol) {
        check("sinkhorn", plan, planOff, cost, costOff, pixelMask, pmOff, tokenMask, tmOff, b, p, t, eps);
        Args.sizes("sinkhorn", "maxIter", maxIter);
        Args.span("sinkhorn", "uHist", uHist, 0, (long) uHistSize(b, p, maxIter), false);
        Args.span("sinkhorn", "vHist", vHist, 0, (long) vHistSize(b, t, maxIter), false);
        java.util.Arrays.fill(uHist, 0, (maxIter + 1) * b * p, 0f);
        java.util.Arrays.fill(vHist, 0, (maxIter + 1) * b * t, 0f);
        java.util.Arrays.fill(plan, planOff, planOff + b * p * t, 0f);
        float[] bias = colBias(tokenMask, tmOff, b, t); // [b, t]: 0 valid, -inf masked
        int validRows = 0;
        for (int bi = 0; bi < b; bi++)
            if (SinkhornRef.active(pixelMask, pmOff, tokenMask, tmOff, bi, p, t))
                validRows += SinkhornRef.count(pixelMask, pmOff + bi * p, p);
        if (validRows == 0) return 0;
        double[] err = new double[b];
        int grain = Math.max(1, 16384 / Math.max(1, p * t));
        int k = 0;
        while (k < maxIter) {
            int kk = ++k;
            Parallel.range(b, grain, (f, to) -> {
                float[] row = new float[t], colMax = new float[t], colSum = new float[t];
                for (int bi = f; bi < to; bi++)
                    err[bi] = iterate(
                            uHist, vHist, cost, costOff, pixelMask, pmOff, tokenMask, tmOff, bias, bi, b, p, t, eps, kk,
                            row, colMax, colSum);
            });
            double errSum = 0;
            for (int bi = 0; bi < b; bi++) errSum += err[bi];
            if (errSum / validRows < tol) break;
        }
        int kFinal = k;
        float invEps = (float) (1.0 / eps);
        Parallel.range(b, grain, (f, to) -> {
            for (int bi = f; bi < to; bi++) {
                if (!SinkhornRef.active(pixelMask, pmOff, tokenMask, tmOff, bi, p, t)) continue;
                int uK = kFinal * b * p + bi * p, vK = kFinal * b * t + bi * t;
                for (int i = 0; i < p; i++) {
                    if (!SinkhornRef.valid(pixelMask, pmOff + bi * p + i)) continue;
                    int ci = costOff + (bi * p + i) * t;
                    expRow(
                            plan,
                            planOff + (bi * p + i) * t,
                            cost,
                            ci,
                            vHist,
                            vK,
                            bias,
                            bi * t,
                            uHist[uK + i],
                            invEps,
                            0f,
                            t);
                }
            }
        });
        return kFinal;
    }

    /** One Sinkhorn iteration k for batch item bi; returns sum_i |u^k_i - u^{k-1}_i| over valid i. */
    private static double iterate(
            float[] uHist,
            float[] vHist,
            float[] cost,
            int costOff,
            float[] pixelMask,
            int pmOff,
            float[] tokenMask,
            int tmOff,
            float[] bias,
            int bi,
            int b,
            int p,
            int t,
            double eps,
            int k,
            float[] row,
            float[] colMax,
            float[] colSum) {
        if (!SinkhornRef.active(pixelMask, pmOff, tokenMask, tmOff, bi, p, t)) return 0.0;
        double lmu = Math.log(1.0 / SinkhornRef.count(pixelMask, pmOff + bi * p, p) + SinkhornRef.MARGINAL_EPS);
        double lnu = Math.log(1.0 / SinkhornRef.count(tokenMask, tmOff + bi * t, t) + SinkhornRef.MARGINAL_EPS);
        float invEps = (float) (1.0 / eps);
        int u0 = (k - 1) * b * p + bi * p, u1 = k * b * p + bi * p;
        int v0 = (k - 1) * b * t + bi * t, v1 = k * b * t + bi * t;
        int ub = Vec.bound(t);
        double errSum = 0;
        // u^k_i = eps lmu - eps LSE_j((-C_ij + v^{k-1}_j)/eps)
        for (int i = 0; i < p; i++) {
            if (!SinkhornRef.valid(pixelMask, pmOff + bi * p + i)) continue;
            int ci = costOff + (bi * p + i) * t;
            float mx = Float.NEGATIVE_INFINITY;
            int j = 0;
            FloatVector vmx = FloatVector.broadcast(Vec.S, Float.NEGATIVE_INFINITY);
            for (; j < ub; j += Vec.L) {
                FloatVector w = FloatVector.fromArray(Vec.S, vHist, v0 + j)
                        .sub(FloatVector.fromArray(Vec.S, cost, ci + j))
                        .mul(invEps)
                        .add(FloatVector.fromArray(Vec.S, bias, bi * t + j));
                w.intoArray(row, j);
                vmx = vmx.max(w);
            }
            mx = vmx.reduceLanes(VectorOperators.MAX);
            for (; j < t; j++) {
                row[j] = (vHist[v0 + j] - cost[ci + j]) * invEps + bias[bi * t + j];
                mx = Math.max(mx, row[j]);
            }
            float s = sumExp(row, 0, mx, t);
            float u = (float) (eps * lmu - eps * (mx + Math.log(s)));
            uHist[u1 + i] = u;
            errSum += Math.abs(u - uHist[u0 + i]);
        }
        // v^k_j = eps lnu - eps LSE_i((-C_ij + u^k_i)/eps), vectorised over j
        java.util.Arrays.fill(colMax, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(colSum, 0f);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < p; i++) {
                if (!SinkhornRef.valid(pixelMask, pmOff + bi * p + i)) continue;
                int ci = costOff + (bi * p + i) * t;
                float ui = uHist[u1 + i];
                FloatVector vu = FloatVector.broadcast(Vec.S, ui);
                int j = 0;
                for (; j < ub; j += Vec.L) {
                    FloatVector w =
                            vu.sub(FloatVector.fromArray(Vec.S, cost, ci + j)).mul(invEps);
                    FloatVector cm = FloatVector.fromArray(Vec.S, colMax, j);
                    if (pass == 0) cm.max(w).intoArray(colMax, j);
                    else
                        w.sub(cm)
                                .lanewise(VectorOperators.EXP)
                                .add(FloatVector.fromArray(Vec.S, colSum, j))
                                .intoArray(colSum, j);
                }
                for (; j < t; j++) {
                    float w = (ui - cost[ci + j]) * invEps;
                    if (pass == 0) colMax[j] = Math.max(colMax[j], w);
                    else colSum[j] += (float) Math.exp(w - colMax[j]);
                }
            }
        }
        for (int j = 0; j < t; j++)
            vHist[v1 + j] = SinkhornRef.valid(tokenMask, tmOff + bi * t + j)
                    ? (float) (eps * lnu - eps * (colMax[j] + Math.log(colSum[j])))
                    : 0f;
        return errSum;
    }

    /** sum_j exp(row_j - mx). */
    private static float sumExp(float[] row, int off, float mx, int len) {
        FloatVector acc = FloatVector.zero(Vec.S);
        int j = 0, ub = Vec.bound(len);
        for (; j < ub; j += Vec.L)
            acc = acc.add(FloatVector.fromArray(Vec.S, row, off + j).sub(mx).lanewise(VectorOperators.EXP));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < len; j++) s += (float) Math.exp(row[off + j] - mx);
        return s;
    }

    /** out_j = exp((-C_j + vv_j + ui) * invEps + bias_j - shift) for one row. */
    private static void expRow(
            float[] out,
            int oo,
            float[] cost,
            int ci,
            float[] vv,
            int vo,
            float[] bias,
            int bo,
            float ui,
            float invEps,
            float shift,
            int t) {
        int j = 0, ub = Vec.bound(t);
        for (; j < ub; j += Vec.L)
            FloatVector.fromArray(Vec.S, vv, vo + j)
                    .sub(FloatVector.fromArray(Vec.S, cost, ci + j))
                    .add(ui)
                    .mul(invEps)
                    .add(FloatVector.fromArray(Vec.S, bias, bo + j))
                    .sub(shift)
                    .lanewise(VectorOperators.EXP)
                    .intoArray(out, oo + j);
        for (; j < t; j++)
            out[oo + j] = (float) Math.exp((vv[vo + j] - cost[ci + j] + ui) * invEps + bias[bo + j] - shift);
    }

    private static void check(
            String op,
            float[] out,
            int outOff,
            float[] cost,
            int costOff,
            float[] pixelMask,
            int pmOff,
            float[] tokenMask,
            int tmOff,
            int b,
            int p,
            int t,
            double eps) {
        Args.sizes(op, "b", b, "p", p, "t", t);
        Args.positive(op, "eps", eps);
        Args.span(op, "plan/dCost", out, outOff, (long) b * p * t, false);
        Args.span(op, "cost", cost, costOff, (long) b * p * t, false);
        Args.span(op, "pixelMask", pixelMask, pmOff, (long) b * p, true);
        Args.span(op, "tokenMask", tokenMask, tmOff, (long) b * t, true);
    }

    private static float[] colBias(float[] tokenMask, int tmOff, int b, int t) {
        float[] bias = new float[b * t];
        if (tokenMask != null)
            for (int e = 0; e < b * t; e++) bias[e] = tokenMask[tmOff + e] != 0f ? 0f : Float.NEGATIVE_INFINITY;
        return bias;
    }

    /**
     * Backward; see {@link SinkhornRef#backward}: dCost [b, p, t] (overwritten) from gPlan [b, p, t].
     * Parallel over the batch; two exps per element and iteration.
     */
    public static void backward(
            float[] dCost,
            int dOff,
            float[] gPlan,
            int gOff,
            float[] plan,
            int planOff,
            float[] uHist,
            float[] vHist,
            int iters,
            float[] cost,
            int costOff,
            float[] pixelMask,
            int pmOff,
            float[] tokenMask,
            int tmOff,
            int b,
            int p,
            int t,
            double eps) {
        check("sinkhornBackward", dCost, dOff, cost, costOff, pixelMask, pmOff, tokenMask, tmOff, b, p, t, eps);
        Args.span("sinkhornBackward", "gPlan", gPlan, gOff, (long) b * p * t, false);
        Args.span("sinkhornBackward", "plan", plan, planOff, (long) b * p * t, false);
        Args.span("sinkhornBackward", "uHist", uHist, 0, (long) (iters + 1) * b * p, false);
        Args.span("sinkhornBackward", "vHist", vHist, 0, (long) (iters + 1) * b * t, false);
        java.util.Arrays.fill(dCost, dOff, dOff + b * p * t, 0f);
        if (iters == 0) return;
        float[] bias = colBias(tokenMask, tmOff, b, t);
        float invEps = (float) (1.0 / eps);
        Parallel.range(b, 1, (f, to) -> {
            float[] du = new float[p], dv = new float[t], dvPrev = new float[t], w = new float[t];
            for (int bi = f; bi < to; bi++) {
                if (!SinkhornRef.active(pixelMask, pmOff, tokenMask, tmOff, bi, p, t)) continue;
                float lmu = (float)
                        Math.log(1.0 / SinkhornRef.count(pixelMask, pmOff + bi * p, p) + SinkhornRef.MARGINAL_EPS);
                float lnu = (float)
                        Math.log(1.0 / SinkhornRef.count(tokenMask, tmOff + bi * t, t) + SinkhornRef.MARGINAL_EPS);
                java.util.Arrays.fill(dv, 0f);
                for (int i = 0; i < p; i++) {
                    int e = (bi * p + i) * t;
                    float s = 0f;
                    for (int j = 0; j < t; j++) {
                        float ds = gPlan[gOff + e + j] * plan[planOff + e + j] * invEps;
                        dCost[dOff + e + j] = -ds;
                        s += ds;
                        dv[j] += ds;
                    }
                    du[i] = s;
                }
                for (int k = iters; k >= 1; k--) {
                    int uk = k * b * p + bi * p, vk = k * b * t + bi * t, vkm1 = (k - 1) * b * t + bi * t;
                    java.util.Arrays.fill(dvPrev, 0f);
                    for (int i = 0; i < p; i++) {
                        if (!SinkhornRef.valid(pixelMask, pmOff + bi * p + i)) continue;
                        int ci = costOff + (bi * p + i) * t, di = dOff + (bi * p + i) * t;
                        float ui = uHist[uk + i];
                        // column-LSE of step k: w_j = exp((-C_ij + u^k_i + v^k_j)/eps - lnu)
                        expRow(w, 0, cost, ci, vHist, vk, bias, bi * t, ui, invEps, lnu, t);
                        float dui = (k == iters ? du[i] : 0f) - accumulate(dCost, di, w, dv, 1f, null, t);
                        // row-LSE of step k: w_j = exp((-C_ij + v^{k-1}_j + u^k_i)/eps - lmu)
                        expRow(w, 0, cost, ci, vHist, vkm1, bias, bi * t, ui, invEps, lmu, t);
                        accumulate(dCost, di, w, null, dui, dvPrev, t);
                    }
                    System.arraycopy(dvPrev, 0, dv, 0, t);
                }
            }
        });
    }

    /**
     * dC_j += w_j * (dv_j or scalar s); returns sum_j w_j dv_j (dv != null), or subtracts s w_j
     * from acc (acc != null).
     */
    private static float accumulate(float[] dC, int di, float[] w, float[] dv, float s, float[] acc, int t) {
        int j = 0, ub = Vec.bound(t);
        FloatVector sum = FloatVector.zero(Vec.S);
        FloatVector vs = FloatVector.broadcast(Vec.S, s);
        for (; j < ub; j += Vec.L) {
            FloatVector vw = FloatVector.fromArray(Vec.S, w, j);
            FloatVector contrib = dv != null ? vw.mul(FloatVector.fromArray(Vec.S, dv, j)) : vw.mul(vs);
            FloatVector.fromArray(Vec.S, dC, di + j).add(contrib).intoArray(dC, di + j);
            if (dv != null) sum = sum.add(contrib);
            else FloatVector.fromArray(Vec.S, acc, j).sub(contrib).intoArray(acc, j);
        }
        float r = sum.reduceLanes(VectorOperators.ADD);
        for (; j < t; j++) {
            float contrib = w[j] * (dv != null ? dv[j] : s);
            dC[di + j] += contrib;
            if (dv != null) r += contrib;
            else acc[j] -= contrib;
        }
        return r;
    }

    /**
     * The released REVTAF code's OT (METHOD.md ot.mode=released): every (b, j) column is its own
     * transport problem between the p pixels (mu = 1/P_valid) and that single token (nu = 1); one
     * global stopping test over all b*t problems. Equivalent to {@link #forward} on the cost
     * transposed to [b*t, p, 1]; the plan comes back as [b, p, t] (about 1/P_valid for valid
     * entries, 0 for masked ones).
     *
     * @param uHist [(maxIter+1), b*t, p] out
     * @param vHist [(maxIter+1), b*t] out
     */
    public static int forwardReleased(
            float[] plan,
            int planOff,
            float[] uHist,
            float[] vHist,
            float[] cost,
            int costOff,
            float[] pixelMask,
            int pmOff,
            float[] tokenMask,
            int tmOff,
            int b,
            int p,
            int t,
            double eps,
            int maxIter,
            double tol) {
        Released r = Released.of(cost, costOff, pixelMask, pmOff, tokenMask, tmOff, b, p, t);
        float[] planT = new float[b * t * p];
        int iters = forward(
                planT, 0, uHist, vHist, r.costT, 0, r.pixelMaskT, 0, r.tokenMaskT, 0, b * t, p, 1, eps, maxIter, tol);
        Released.untranspose(plan, planOff, planT, b, p, t);
        return iters;
    }

    /** Backward of {@link #forwardReleased}; dCost [b, p, t] overwritten. */
    public static void backwardReleased(
            float[] dCost,
            int dOff,
            float[] gPlan,
            int gOff,
            float[] plan,
            int planOff,
            float[] uHist,
            float[] vHist,
            int iters,
            float[] cost,
            int costOff,
            float[] pixelMask,
            int pmOff,
            float[] tokenMask,
            int tmOff,
            int b,
            int p,
            int t,
            double eps) {
        Released r = Released.of(cost, costOff, pixelMask, pmOff, tokenMask, tmOff, b, p, t);
        float[] gT = Released.transpose(gPlan, gOff, b, p, t), planT = Released.transpose(plan, planOff, b, p, t);
        float[] dT = new float[b * t * p];
        backward(
                dT,
                0,
                gT,
                0,
                planT,
                0,
                uHist,
                vHist,
                iters,
                r.costT,
                0,
                r.pixelMaskT,
                0,
                r.tokenMaskT,
                0,
                b * t,
                p,
                1,
                eps);
        Released.untranspose(dCost, dOff, dT, b, p, t);
    }

    /** The [b*t, p, 1] view of a [b, p, t] problem used by the released mode. */
    private record Released(float[] costT, float[] pixelMaskT, float[] tokenMaskT) {
        static Released of(
                float[] cost,
                int costOff,
                float[] pixelMask,
                int pmOff,
                float[] tokenMask,
                int tmOff,
                int b,
                int p,
                int t) {
            float[] pm = null, tm = null;
            if (pixelMask != null) {
                pm = new float[b * t * p];
                for (int bi = 0; bi < b; bi++)
                    for (int j = 0; j < t; j++) System.arraycopy(pixelMask, pmOff + bi * p, pm, (bi * t + j) * p, p);
            }
            if (tokenMask != null) tm = java.util.Arrays.copyOfRange(tokenMask, tmOff, tmOff + b * t);
            return new Released(transpose(cost, costOff, b, p, t), pm, tm);
        }

        /** [b, p, t] -> [b, t, p]. */
        static float[] transpose(float[] a, int off, int b, int p, int t) {
            float[] r = new float[b * t * p];
            for (int bi = 0; bi < b; bi++)
                for (int i = 0; i < p; i++)
                    for (int j = 0; j < t; j++) r[(bi * t + j) * p + i] = a[off + (bi * p + i) * t + j];
            return r;
        }

        /** [b, t, p] -> [b, p, t] into out. */
        static void untranspose(float[] out, int off, float[] a, int b, int p, int t) {
            for (int bi = 0; bi < b; bi++)
                for (int i = 0; i < p; i++)
                    for (int j = 0; j < t; j++) out[off + (bi * p + i) * t + j] = a[(bi * t + j) * p + i];
        }
    }
}
