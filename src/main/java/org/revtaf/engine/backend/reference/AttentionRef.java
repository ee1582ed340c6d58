package org.revtaf.engine.backend.reference;

import java.util.Arrays;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.DropoutMask;

/**
 * Scaled-dot-product attention, scalar reference in double: the oracle for {@link AttentionCpu}
 * and the CUDA kernels.
 *
 * <p><b>Contract</b> (all attention implementations): q [b, h, n, d], k [b, h, s, d], v [b, h, s,
 * d], out [b, h, n, d], lse [b, h, n].
 *
 * <ul>
 *   <li>score_ij = scale (q_i, k_j) (scale is normally 1/sqrt(d)); key j is visible to query i when
 *       keyMask[b, j] != 0 (keyMask [b, s], null = all keys valid; 1 = attend, the HF convention)
 *       and, if causal, j &lt;= i + (s - n) (the last query sees the last key: the usual lower
 *       triangle when n = s, and decoding with a key cache when n &lt; s).
 *   <li>out_i = sum_j softmax_j(score_i) v_j over visible keys; lse_i = log sum_j exp(score_ij)
 *       (natural log; saved for backward).
 *   <li>A query with no visible key: out_i = 0, lse_i = -infinity, and its gradients (dq_i and its
 *       contributions to dk, dv) are 0.
 *   <li>Backward recomputes P_ij = exp(score_ij - lse_i): D_i = (dO_i, out_i), dv_j = sum_i P_ij
 *       dO_i, dS_ij = P_ij ((dO_i, v_j) - D_i), dq_i = scale sum_j dS_ij k_j, dk_j = scale sum_i dS_ij
 *       q_i. Saved for backward: q, k, v, out, lse (and the mask).
 *   <li>Dropout on the probabilities ({@link DropoutMask}, p = 0: none): out_i = sum_j P_ij M_ij v_j
 *       with M_ij = 1/(1-p) when kept, else 0; lse stays the statistics of the undropped softmax.
 *       Backward regenerates M from the seed: dv_j = sum_i P_ij M_ij dO_i, dS_ij = P_ij ((dO_i, v_j)
 *       M_ij - D_i) with D_i = (dO_i, out_i) = sum_j P_ij M_ij (dO_i, v_j), still the row sum the
 *       softmax derivative needs.
 * </ul>
 */
public final class AttentionRef {
    private AttentionRef() {}

    /** Whether key j is visible to query i (see the class contract). */
    static boolean visible(float[] keyMask, int kmOff, int bi, int i, int j, int n, int s, boolean causal) {
        if (keyMask != null && keyMask[kmOff + bi * s + j] == 0f) return false;
        return !causal || j <= i + (s - n);
    }

    /**
     * @param out [b, h, n, d] out
     * @param lse [b, h, n] out
     * @param keyMask [b, s] or null
     */
    public static void forward(
            Buf.F64 out, Buf.F64 lse, Buf.F64 q, Buf.F64 k, Buf.F64 v, Buf.F32 keyMask, AttentionGeom geom) {
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        double scale = geom.scale();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        double[] outA = Buf.arr(out), lseA = Buf.arr(lse), qA = Buf.arr(q), kA = Buf.arr(k), vA = Buf.arr(v);
        float[] keyMaskA = Buf.arr(keyMask);
        int outOff = Buf.off(out), lseOff = Buf.off(lse), qOff = Buf.off(q), kOff = Buf.off(k);
        int vOff = Buf.off(v), kmOff = Buf.off(keyMask);
        double[] sc = new double[s];
        for (int bi = 0; bi < b; bi++)
            for (int hi = 0; hi < h; hi++) {
                int qh = qOff + (bi * h + hi) * n * d, kh = kOff + (bi * h + hi) * s * d;
                int vh = vOff + (bi * h + hi) * s * d, oh = outOff + (bi * h + hi) * n * d;
                for (int i = 0; i < n; i++) {
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        if (!visible(keyMaskA, kmOff, bi, i, j, n, s, causal)) continue;
                        double dot = 0;
                        for (int e = 0; e < d; e++) dot += qA[qh + i * d + e] * kA[kh + j * d + e];
                        sc[j] = scale * dot;
                        mx = Math.max(mx, sc[j]);
                    }
                    Arrays.fill(outA, oh + i * d, oh + (i + 1) * d, 0.0);
                    if (mx == Double.NEGATIVE_INFINITY) {
                        lseA[lseOff + (bi * h + hi) * n + i] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double sum = 0;
                    for (int j = 0; j < s; j++)
                        if (visible(keyMaskA, kmOff, bi, i, j, n, s, causal)) sum += Math.exp(sc[j] - mx);
                    for (int j = 0; j < s; j++) {
                        if (!visible(keyMaskA, kmOff, bi, i, j, n, s, causal)) continue;
                        double pr =
                                Math.exp(sc[j] - mx) / sum * drop.factor(DropoutMask.index(bi * h + hi, i, j, n, s));
                        for (int e = 0; e < d; e++) outA[oh + i * d + e] += pr * vA[vh + j * d + e];
                    }
                    lseA[lseOff + (bi * h + hi) * n + i] = mx + Math.log(sum);
                }
            }
    }

    /**
     * @param dq [b, h, n, d] out (overwritten) or null
     * @param dk [b, h, s, d] out (overwritten) or null
     * @param dv [b, h, s, d] out (overwritten) or null
     * @param dout [b, h, n, d] upstream gradient
     */
    public static void backward(
            Buf.F64 dq,
            Buf.F64 dk,
            Buf.F64 dv,
            Buf.F64 dout,
            Buf.F64 out,
            Buf.F64 lse,
            Buf.F64 q,
            Buf.F64 k,
            Buf.F64 v,
            Buf.F32 keyMask,
            AttentionGeom geom) {
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        double scale = geom.scale();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        double[] dqA = Buf.arr(dq), dkA = Buf.arr(dk), dvA = Buf.arr(dv), doutA = Buf.arr(dout);
        double[] outA = Buf.arr(out), lseA = Buf.arr(lse), qA = Buf.arr(q), kA = Buf.arr(k), vA = Buf.arr(v);
        float[] keyMaskA = Buf.arr(keyMask);
        int dqOff = Buf.off(dq), dkOff = Buf.off(dk), dvOff = Buf.off(dv), doutOff = Buf.off(dout);
        int outOff = Buf.off(out), lseOff = Buf.off(lse), qOff = Buf.off(q), kOff = Buf.off(k);
        int vOff = Buf.off(v), kmOff = Buf.off(keyMask);
        if (dqA != null) Arrays.fill(dqA, dqOff, dqOff + b * h * n * d, 0.0);
        if (dkA != null) Arrays.fill(dkA, dkOff, dkOff + b * h * s * d, 0.0);
        if (dvA != null) Arrays.fill(dvA, dvOff, dvOff + b * h * s * d, 0.0);
        for (int bi = 0; bi < b; bi++)
            for (int hi = 0; hi < h; hi++) {
                int qh = (bi * h + hi) * n * d, kh = (bi * h + hi) * s * d;
                for (int i = 0; i < n; i++) {
                    double l = lseA[lseOff + (bi * h + hi) * n + i];
                    if (l == Double.NEGATIVE_INFINITY) continue;
                    double dsum = 0;
                    for (int e = 0; e < d; e++) dsum += doutA[doutOff + qh + i * d + e] * outA[outOff + qh + i * d + e];
                    for (int j = 0; j < s; j++) {
                        if (!visible(keyMaskA, kmOff, bi, i, j, n, s, causal)) continue;
                        double dot = 0, dp = 0;
                        for (int e = 0; e < d; e++) {
                            dot += qA[qOff + qh + i * d + e] * kA[kOff + kh + j * d + e];
                            dp += doutA[doutOff + qh + i * d + e] * vA[vOff + kh + j * d + e];
                        }
                        double pr = Math.exp(scale * dot - l);
                        double m = drop.factor(DropoutMask.index(bi * h + hi, i, j, n, s));
                        double ds = pr * (dp * m - dsum);
                        for (int e = 0; e < d; e++) {
                            if (dvA != null) dvA[dvOff + kh + j * d + e] += pr * m * doutA[doutOff + qh + i * d + e];
                            if (dqA != null) dqA[dqOff + qh + i * d + e] += scale * ds * kA[kOff + kh + j * d + e];
                            if (dkA != null) dkA[dkOff + kh + j * d + e] += scale * ds * qA[qOff + qh + i * d + e];
                        }
                    }
                }
            }
    }
}
