package org.revtaf.engine.backend.reference;

import java.util.Arrays;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.SinkhornGeom;

/**
 * Log-domain Sinkhorn optimal transport (OTSeg / REVTAF {@code Sinkhorn_log_exp_sum}, METHOD.md
 * section 3), batched, scalar reference in double: the oracle for {@link SinkhornCpu} and the CUDA
 * kernels.
 *
 * <p><b>Contract</b> (all Sinkhorn implementations):
 *
 * <ul>
 *   <li>Cost C [b, p, t] (p pixels = rows, t text tokens = columns). Optional masks pixelMask [b, p]
 *       and tokenMask [b, t]: nonzero = valid, null = all valid. Per batch item, mu = 1/P_valid
 *       and nu = 1/T_valid (uniform marginals); lmu = log(mu + 1e-8), lnu = log(nu + 1e-8) exactly
 *       as the reference code.
 *   <li>u^0 = v^0 = 0; iteration k = 1..K: <br>
 *       u^k_i = eps lmu - eps LSE_{valid j} ((-C_ij + v^{k-1}_j) / eps) <br>
 *       v^k_j = eps lnu - eps LSE_{valid i} ((-C_ij + u^k_i) / eps) <br>
 *       This is the reference loop {@code u = eps (log(mu+1e-8) - LSE((-C+u+v)/eps)) + u}
 *       with the u that cancels inside the LSE taken out (identical in exact arithmetic).
 *   <li>Stop after iteration k when err = mean over all valid (b, i) of |u^k_i - u^{k-1}_i| &lt;
 *       tol (one global mean over the whole batch, as the reference's {@code (u-u0).abs().mean()}),
 *       or at k = maxIter. The number of iterations K run is returned.
 *   <li>Plan T_ij = exp((-C_ij + u^K_i + v^K_j) / eps) for valid (i, j), 0 elsewhere; it sums to
 *       about 1 per batch item (the caller applies the P*T or P*T*sim scalings of METHOD.md). A
 *       batch item without a valid pixel or token gets an all-zero plan and zero gradient.
 *   <li>History (saved for backward): uHist [(maxIter+1), b, p] and vHist [(maxIter+1), b, t],
 *       slice k = u^k, v^k (slice 0 = zeros; masked and inactive entries stay 0).
 *   <li>Backward: the exact gradient of the computed plan w.r.t. the cost, by backpropagation
 *       through the K unrolled iterations (the stopping decision is treated as constant). Softmax
 *       weights are recomputed from the history: softmax_i of row-LSE at step k = exp((-C_ij +
 *       v^{k-1}_j + u^k_i)/eps - lmu), of column-LSE = exp((-C_ij + u^k_i + v^k_j)/eps - lnu).
 * </ul>
 *
 * <p>The {@code released} mode of the public REVTAF code (METHOD.md: ot.mode=released) is the same
 * op applied to each text-token column alone: problem (b, j) has the p pixels as rows and a single
 * column (nu = 1); built in the ops layer from this one on the transposed cost (F.sinkhornReleased). Its plan is about 1/P everywhere.
 */
public final class SinkhornRef {
    private SinkhornRef() {}

    /** log(mu + 1e-8) as the reference code. */
    public static final double MARGINAL_EPS = 1e-8;

    /**
     * Forward. Returns the number of iterations K run (0 when no batch item has a valid pixel and
     * token).
     *
     * @param plan [b, p, t] out
     * @param uHist [(maxIter+1), b, p] out
     * @param vHist [(maxIter+1), b, t] out
     * @param cost [b, p, t]
     * @param pixelMask [b, p] or null
     * @param tokenMask [b, t] or null
     */
    public static int forward(
            Buf.F64 plan,
            double[] uHist,
            double[] vHist,
            Buf.F64 cost,
            Buf.F32 pixelMask,
            Buf.F32 tokenMask,
            SinkhornGeom geom) {
        int b = geom.b(), p = geom.p(), t = geom.t(), maxIter = geom.maxIter();
        double eps = geom.eps(), tol = geom.tol();
        double[] planA = Buf.arr(plan), costA = Buf.arr(cost);
        float[] pixelMaskA = Buf.arr(pixelMask), tokenMaskA = Buf.arr(tokenMask);
        int planOff = Buf.off(plan), costOff = Buf.off(cost), pmOff = Buf.off(pixelMask);
        int tmOff = Buf.off(tokenMask);
        Arrays.fill(uHist, 0, (maxIter + 1) * b * p, 0.0);
        Arrays.fill(vHist, 0, (maxIter + 1) * b * t, 0.0);
        Arrays.fill(planA, planOff, planOff + b * p * t, 0.0);
        int validRows = 0;
        for (int bi = 0; bi < b; bi++)
            if (active(pixelMaskA, pmOff, tokenMaskA, tmOff, bi, p, t))
                validRows += count(pixelMaskA, pmOff + bi * p, p);
        if (validRows == 0) return 0;
        int k = 0;
        while (k < maxIter) {
            k++;
            double errSum = 0;
            for (int bi = 0; bi < b; bi++) {
                if (!active(pixelMaskA, pmOff, tokenMaskA, tmOff, bi, p, t)) continue;
                double lmu = Math.log(1.0 / count(pixelMaskA, pmOff + bi * p, p) + MARGINAL_EPS);
                double lnu = Math.log(1.0 / count(tokenMaskA, tmOff + bi * t, t) + MARGINAL_EPS);
                int u0 = (k - 1) * b * p + bi * p, u1 = k * b * p + bi * p;
                int v0 = (k - 1) * b * t + bi * t, v1 = k * b * t + bi * t;
                int cb = costOff + bi * p * t;
                for (int i = 0; i < p; i++) {
                    if (!valid(pixelMaskA, pmOff + bi * p + i)) continue;
                    uHist[u1 + i] = halfStep(costA, cb + i * t, 1, vHist, v0, tokenMaskA, tmOff + bi * t, t, eps, lmu);
                    errSum += Math.abs(uHist[u1 + i] - uHist[u0 + i]);
                }
                for (int j = 0; j < t; j++) {
                    if (!valid(tokenMaskA, tmOff + bi * t + j)) continue;
                    vHist[v1 + j] = halfStep(costA, cb + j, t, uHist, u1, pixelMaskA, pmOff + bi * p, p, eps, lnu);
                }
            }
            if (errSum / validRows < tol) break;
        }
        for (int bi = 0; bi < b; bi++) {
            if (!active(pixelMaskA, pmOff, tokenMaskA, tmOff, bi, p, t)) continue;
            for (int i = 0; i < p; i++)
                for (int j = 0; j < t; j++)
                    if (valid(pixelMaskA, pmOff + bi * p + i) && valid(tokenMaskA, tmOff + bi * t + j)) {
                        int e = bi * p * t + i * t + j;
                        planA[planOff + e] = Math.exp(
                                (-costA[costOff + e] + uHist[k * b * p + bi * p + i] + vHist[k * b * t + bi * t + j])
                                        / eps);
                    }
        }
        return k;
    }

    /**
     * Backward: dcost [b, p, t] (overwritten) from dplan [b, p, t]. Saved for backward: plan, uHist,
     * vHist, iters (the return value of forward), cost and the masks.
     */
    public static void backward(
            Buf.F64 dcost,
            Buf.F64 dplan,
            Buf.F64 plan,
            double[] uHist,
            double[] vHist,
            int iters,
            Buf.F64 cost,
            Buf.F32 pixelMask,
            Buf.F32 tokenMask,
            SinkhornGeom geom) {
        int b = geom.b(), p = geom.p(), t = geom.t();
        double eps = geom.eps();
        double[] dcostA = Buf.arr(dcost), dplanA = Buf.arr(dplan), planA = Buf.arr(plan), costA = Buf.arr(cost);
        float[] pixelMaskA = Buf.arr(pixelMask), tokenMaskA = Buf.arr(tokenMask);
        int dOff = Buf.off(dcost), gOff = Buf.off(dplan), planOff = Buf.off(plan), costOff = Buf.off(cost);
        int pmOff = Buf.off(pixelMask), tmOff = Buf.off(tokenMask);
        Arrays.fill(dcostA, dOff, dOff + b * p * t, 0.0);
        if (iters == 0) return;
        double[] du = new double[p], dv = new double[t], dvPrev = new double[t];
        for (int bi = 0; bi < b; bi++) {
            if (!active(pixelMaskA, pmOff, tokenMaskA, tmOff, bi, p, t)) continue;
            double lmu = Math.log(1.0 / count(pixelMaskA, pmOff + bi * p, p) + MARGINAL_EPS);
            double lnu = Math.log(1.0 / count(tokenMaskA, tmOff + bi * t, t) + MARGINAL_EPS);
            int cb = bi * p * t;
            Arrays.fill(du, 0.0);
            Arrays.fill(dv, 0.0);
            // T = exp((-C + u^K + v^K)/eps)
            for (int i = 0; i < p; i++)
                for (int j = 0; j < t; j++) {
                    double ds = dplanA[gOff + cb + i * t + j] * planA[planOff + cb + i * t + j] / eps;
                    dcostA[dOff + cb + i * t + j] -= ds;
                    du[i] += ds;
                    dv[j] += ds;
                }
            for (int k = iters; k >= 1; k--) {
                int uk = k * b * p + bi * p, vk = k * b * t + bi * t, vkm1 = (k - 1) * b * t + bi * t;
                // v^k_j = eps lnu - eps LSE_i((-C_ij + u^k_i)/eps)
                for (int i = 0; i < p; i++) {
                    if (!valid(pixelMaskA, pmOff + bi * p + i)) continue;
                    for (int j = 0; j < t; j++) {
                        if (!valid(tokenMaskA, tmOff + bi * t + j)) continue;
                        double c = costA[costOff + cb + i * t + j];
                        double w = Math.exp((-c + uHist[uk + i] + vHist[vk + j]) / eps - lnu);
                        dcostA[dOff + cb + i * t + j] += dv[j] * w;
                        du[i] -= dv[j] * w;
                    }
                }
                // u^k_i = eps lmu - eps LSE_j((-C_ij + v^{k-1}_j)/eps)
                Arrays.fill(dvPrev, 0.0);
                for (int i = 0; i < p; i++) {
                    if (!valid(pixelMaskA, pmOff + bi * p + i)) continue;
                    for (int j = 0; j < t; j++) {
                        if (!valid(tokenMaskA, tmOff + bi * t + j)) continue;
                        double c = costA[costOff + cb + i * t + j];
                        double w = Math.exp((-c + vHist[vkm1 + j] + uHist[uk + i]) / eps - lmu);
                        dcostA[dOff + cb + i * t + j] += du[i] * w;
                        dvPrev[j] -= du[i] * w;
                    }
                }
                System.arraycopy(dvPrev, 0, dv, 0, t);
                Arrays.fill(du, 0.0);
            }
        }
    }

    /**
     * One Sinkhorn half-step for one row (stride 1 over the t costs at {@code at}) or one column
     * (stride t over the p costs): eps log(marginal) - eps logsumexp_j ((-cost[at + j stride] + pot[potOff
     * + j]) / eps) over the j < len valid in mask (from maskOff), max-shifted.
     */
    private static double halfStep(
            double[] cost,
            int at,
            int stride,
            double[] pot,
            int potOff,
            float[] mask,
            int maskOff,
            int len,
            double eps,
            double logMarginal) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++)
            if (valid(mask, maskOff + j)) mx = Math.max(mx, (-cost[at + j * stride] + pot[potOff + j]) / eps);
        double s = 0;
        for (int j = 0; j < len; j++)
            if (valid(mask, maskOff + j)) s += Math.exp((-cost[at + j * stride] + pot[potOff + j]) / eps - mx);
        return eps * logMarginal - eps * (mx + Math.log(s));
    }

    public static boolean valid(float[] mask, int idx) {
        return mask == null || mask[idx] != 0f;
    }

    public static int count(float[] mask, int off, int len) {
        if (mask == null) return len;
        int n = 0;
        for (int i = 0; i < len; i++) if (mask[off + i] != 0f) n++;
        return n;
    }

    public static boolean active(float[] pixelMask, int pmOff, float[] tokenMask, int tmOff, int bi, int p, int t) {
        return count(pixelMask, pmOff + bi * p, p) > 0 && count(tokenMask, tmOff + bi * t, t) > 0;
    }
}
