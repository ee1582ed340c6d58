package org.revtaf.backend.fused;

/**
 * Fused scaled-dot-product attention, fast float32 cpu kernels: flash-style online softmax over key
 * tiles of {@link #TILE} keys (only one tile of scores per query row is ever held), Vector API over
 * the head dim, fork-join over (batch, head, query block). Same contract, shapes and argument order
 * as {@link AttentionRef} (read its Javadoc): lse saved per row, fully masked rows give 0 and
 * lse = -infinity.
 */
public final class AttentionCpu {
    private AttentionCpu() {}

    /** Keys per tile of the online softmax. */
    static final int TILE = 64;
    /** Query rows per parallel task in forward. */
    private static final int QBLOCK = 16;

    /** Number of keys visible to query i under the causal rule (keys 0..limit-1). */
    private static int causalLimit(int i, int n, int s, boolean causal) {
        return causal ? Math.max(0, Math.min(s, i + (s - n) + 1)) : s;
    }

    /**
     * @param out [b, h, n, d] out
     * @param lse [b, h, n] out
     * @param q [b, h, n, d]
     * @param k [b, h, s, d]
     * @param v [b, h, s, d]
     * @param keyMask [b, s] or null (nonzero = attend)
     */
    public static void forward(
            float[] out,
            int outOff,
            float[] lse,
            int lseOff,
            float[] q,
            int qOff,
            float[] k,
            int kOff,
            float[] v,
            int vOff,
            float[] keyMask,
            int kmOff,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal) {
        int qBlocks = (n + QBLOCK - 1) / QBLOCK;
        float sc = (float) scale;
        FusedParallel.forRange(b * h * qBlocks, 1, (f, t) -> {
            float[] scores = new float[TILE];
            for (int task = f; task < t; task++) {
                int bh = task / qBlocks, bi = bh / h, i0 = (task % qBlocks) * QBLOCK;
                int qh = qOff + bh * n * d, kh = kOff + bh * s * d, vh = vOff + bh * s * d, oh = outOff + bh * n * d;
                for (int i = i0; i < Math.min(n, i0 + QBLOCK); i++) {
                    int oi = oh + i * d, qi = qh + i * d;
                    java.util.Arrays.fill(out, oi, oi + d, 0f);
                    float m = Float.NEGATIVE_INFINITY, l = 0f;
                    int limit = causalLimit(i, n, s, causal);
                    for (int j0 = 0; j0 < limit; j0 += TILE) {
                        int j1 = Math.min(limit, j0 + TILE);
                        float tileMax = Float.NEGATIVE_INFINITY;
                        for (int j = j0; j < j1; j++) {
                            if (keyMask != null && keyMask[kmOff + bi * s + j] == 0f) {
                                scores[j - j0] = Float.NEGATIVE_INFINITY;
                                continue;
                            }
                            float x = sc * Vec.dot(q, qi, k, kh + j * d, d);
                            scores[j - j0] = x;
                            tileMax = Math.max(tileMax, x);
                        }
                        if (tileMax == Float.NEGATIVE_INFINITY) continue;
                        float mNew = Math.max(m, tileMax);
                        float corr = (float) Math.exp(m - mNew); // 0 on the first visible tile
                        if (corr != 1f) {
                            Vec.lincomb(out, oi, corr, out, oi, 0f, null, 0, d);
                            l *= corr;
                        }
                        for (int j = j0; j < j1; j++) {
                            if (scores[j - j0] == Float.NEGATIVE_INFINITY) continue;
                            float pj = (float) Math.exp(scores[j - j0] - mNew);
                            l += pj;
                            Vec.axpy(pj, v, vh + j * d, out, oi, d);
                        }
                        m = mNew;
                    }
                    if (m == Float.NEGATIVE_INFINITY) {
                        lse[lseOff + bh * n + i] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    Vec.lincomb(out, oi, 1f / l, out, oi, 0f, null, 0, d);
                    lse[lseOff + bh * n + i] = (float) (m + Math.log(l));
                }
            }
        });
    }

    /**
     * Backward; see {@link AttentionRef#backward}: dq [b, h, n, d], dk, dv [b, h, s, d] (overwritten;
     * any may be null) from gOut [b, h, n, d], recomputing probabilities from lse. Parallel over
     * (batch, head); per query row, one tile of keys at a time.
     */
    public static void backward(
            float[] dq,
            int dqOff,
            float[] dk,
            int dkOff,
            float[] dv,
            int dvOff,
            float[] gOut,
            int gOff,
            float[] out,
            int outOff,
            float[] lse,
            int lseOff,
            float[] q,
            int qOff,
            float[] k,
            int kOff,
            float[] v,
            int vOff,
            float[] keyMask,
            int kmOff,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal) {
        float sc = (float) scale;
        FusedParallel.forRange(b * h, 1, (f, t) -> {
            float[] dqRow = new float[d];
            float[] dkLoc = dk != null ? null : new float[s * d], dvLoc = dv != null ? null : new float[s * d];
            for (int bh = f; bh < t; bh++) {
                int bi = bh / h, qh = bh * n * d, kh = bh * s * d;
                float[] dkA = dk != null ? dk : dkLoc, dvA = dv != null ? dv : dvLoc;
                int dkO = dk != null ? dkOff + kh : 0, dvO = dv != null ? dvOff + kh : 0;
                java.util.Arrays.fill(dkA, dkO, dkO + s * d, 0f);
                java.util.Arrays.fill(dvA, dvO, dvO + s * d, 0f);
                for (int i = 0; i < n; i++) {
                    int qi = qOff + qh + i * d, gi = gOff + qh + i * d;
                    float l = lse[lseOff + bh * n + i];
                    java.util.Arrays.fill(dqRow, 0f);
                    if (l != Float.NEGATIVE_INFINITY) {
                        float dsum = Vec.dot(gOut, gi, out, outOff + qh + i * d, d);
                        int limit = causalLimit(i, n, s, causal);
                        for (int j = 0; j < limit; j++) {
                            if (keyMask != null && keyMask[kmOff + bi * s + j] == 0f) continue;
                            int kj = kOff + kh + j * d;
                            float pj = (float) Math.exp(sc * Vec.dot(q, qi, k, kj, d) - l);
                            float dp = Vec.dot(gOut, gi, v, vOff + kh + j * d, d);
                            float ds = sc * pj * (dp - dsum);
                            Vec.axpy(pj, gOut, gi, dvA, dvO + j * d, d);
                            Vec.axpy(ds, k, kj, dqRow, 0, d);
                            Vec.axpy(ds, q, qi, dkA, dkO + j * d, d);
                        }
                    }
                    if (dq != null) System.arraycopy(dqRow, 0, dq, dqOff + qh + i * d, d);
                }
            }
        });
    }
}
