package org.revtaf.backend.fused;

import java.util.Arrays;
import org.revtaf.backend.cpu.kernels.Parallel;

/**
 * Fused scaled-dot-product attention, fast float32 cpu kernels, flash-style: queries in blocks of
 * {@link #BQ} rows, keys in tiles of {@link #BK}; only one [BQ, BK] tile of scores exists at a time
 * (never [n, s]). Forward keeps a running max and sum per row (online softmax) and rescales the
 * output block; backward recomputes the probabilities from the saved lse. Tiles are small GEMMs
 * (Vector API register blocks, {@link Vec}); fork-join over (batch, head, query block) in forward
 * and over (batch, head) in backward (dk, dv of a head belong to one task). Dropout on the
 * probabilities ({@link DropoutMask}) is applied per tile after the running sum (lse stays the
 * undropped statistics) and regenerated in backward; no mask is stored. Same contract, shapes
 * and argument order as {@link AttentionRef} (read its Javadoc).
 */
public final class AttentionCpu {
    private AttentionCpu() {}

    /** Query rows per block. */
    static final int BQ = 32;
    /** Keys per tile. */
    static final int BK = 64;

    /** Keys 0..limit-1 are visible to query i under the causal rule (all s without it). */
    private static int causalLimit(int i, int n, int s, boolean causal) {
        return causal ? Math.max(0, Math.min(s, i + (s - n) + 1)) : s;
    }

    /** Scales a score row and writes -inf where key j0 + jj is masked or causally hidden; returns its max. */
    private static float maskRow(
            float[] row, int ro, int bk, int j0, int lim, float[] keyMask, int kmBase, float sc, float sub) {
        float mx = Float.NEGATIVE_INFINITY;
        for (int jj = 0; jj < bk; jj++) {
            int j = j0 + jj;
            if (j >= lim || (keyMask != null && keyMask[kmBase + j] == 0f)) row[ro + jj] = Float.NEGATIVE_INFINITY;
            else {
                float x = sc * row[ro + jj] - sub;
                row[ro + jj] = x;
                mx = Math.max(mx, x);
            }
        }
        return mx;
    }

    /** Zeroes the dropped entries of an unnormalised probability row (the 1/(1-p) goes into the final 1/l). */
    private static void dropRow(float[] row, int ro, int bk, DropoutMask drop, long base) {
        for (int jj = 0; jj < bk; jj++) if (!drop.keep(base + jj)) row[ro + jj] = 0f;
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
            boolean causal,
            DropoutMask drop) {
        check("attention", q, qOff, k, kOff, v, vOff, keyMask, kmOff, b, h, n, s, d);
        Args.span("attention", "out", out, outOff, (long) b * h * n * d, false);
        Args.span("attention", "lse", lse, lseOff, (long) b * h * n, false);
        int qBlocks = (n + BQ - 1) / BQ;
        float sc = (float) scale, keepScale = (float) drop.keepScale();
        Parallel.range(b * h * qBlocks, 1, (f, t) -> {
            float[] tile = new float[BQ * BK], m = new float[BQ], l = new float[BQ];
            for (int task = f; task < t; task++) {
                int bh = task / qBlocks, bi = bh / h, i0 = (task % qBlocks) * BQ, bq = Math.min(BQ, n - i0);
                int qb = qOff + (bh * n + i0) * d, kh = kOff + bh * s * d, vh = vOff + bh * s * d;
                int ob = outOff + (bh * n + i0) * d;
                Arrays.fill(out, ob, ob + bq * d, 0f);
                Arrays.fill(m, Float.NEGATIVE_INFINITY);
                Arrays.fill(l, 0f);
                int blockLimit = causalLimit(i0 + bq - 1, n, s, causal);
                for (int j0 = 0; j0 < blockLimit; j0 += BK) {
                    int bk = Math.min(BK, blockLimit - j0);
                    Vec.gemmABtSeq(tile, 0, BK, q, qb, k, kh + j0 * d, bq, bk, d); // q k^T
                    for (int r = 0; r < bq; r++) {
                        int ro = r * BK;
                        float tileMax = maskRow(
                                tile, ro, bk, j0, causalLimit(i0 + r, n, s, causal), keyMask, kmOff + bi * s, sc, 0f);
                        if (tileMax == Float.NEGATIVE_INFINITY) {
                            Arrays.fill(tile, ro, ro + bk, 0f);
                            continue;
                        }
                        float mNew = Math.max(m[r], tileMax);
                        float corr = (float) Math.exp(m[r] - mNew); // 0 before the first visible key
                        if (corr != 1f) {
                            Vec.lincomb(out, ob + r * d, corr, out, ob + r * d, 0f, null, 0, d);
                            l[r] *= corr;
                        }
                        Vec.expShift(tile, ro, tile, ro, mNew, bk);
                        float sum = 0f;
                        for (int jj = 0; jj < bk; jj++) sum += tile[ro + jj];
                        l[r] += sum;
                        m[r] = mNew;
                        if (drop.active()) dropRow(tile, ro, bk, drop, DropoutMask.index(bh, i0 + r, j0, n, s));
                    }
                    Vec.gemmABAcc(out, ob, d, tile, 0, BK, v, vh + j0 * d, d, bq, bk, d); // O += P V
                }
                for (int r = 0; r < bq; r++) {
                    int li = lseOff + bh * n + i0 + r;
                    if (m[r] == Float.NEGATIVE_INFINITY) {
                        lse[li] = Float.NEGATIVE_INFINITY; // fully masked row: output stays 0
                        continue;
                    }
                    Vec.lincomb(out, ob + r * d, keepScale / l[r], out, ob + r * d, 0f, null, 0, d);
                    lse[li] = (float) (m[r] + Math.log(l[r]));
                }
            }
        });
    }

    /**
     * Backward; see {@link AttentionRef#backward}: dq [b, h, n, d], dk, dv [b, h, s, d] (overwritten;
     * any may be null) from gOut [b, h, n, d]. Per (query block, key tile): P = exp(S - lse), dV +=
     * P^T dO, dP = dO V^T, dS = P (dP - D) scale, dQ += dS K, dK += dS^T Q.
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
            boolean causal,
            DropoutMask drop) {
        String op = "attentionBackward";
        check(op, q, qOff, k, kOff, v, vOff, keyMask, kmOff, b, h, n, s, d);
        Args.span(op, "dq", dq, dqOff, (long) b * h * n * d, true);
        Args.span(op, "dk", dk, dkOff, (long) b * h * s * d, true);
        Args.span(op, "dv", dv, dvOff, (long) b * h * s * d, true);
        Args.span(op, "gOut", gOut, gOff, (long) b * h * n * d, false);
        Args.span(op, "out", out, outOff, (long) b * h * n * d, false);
        Args.span(op, "lse", lse, lseOff, (long) b * h * n, false);
        float sc = (float) scale, keepScale = (float) drop.keepScale();
        Parallel.range(b * h, 1, (f, t) -> {
            float[] p = new float[BQ * BK], ds = new float[BQ * BK], tr = new float[BK * BQ], dsum = new float[BQ];
            float[] dqLoc = dq != null ? null : new float[BQ * d];
            float[] dkLoc = dk != null ? null : new float[s * d], dvLoc = dv != null ? null : new float[s * d];
            for (int bh = f; bh < t; bh++) {
                int bi = bh / h, kh = kOff + bh * s * d, vh = vOff + bh * s * d;
                float[] dkA = dk != null ? dk : dkLoc, dvA = dv != null ? dv : dvLoc;
                int dkO = dk != null ? dkOff + bh * s * d : 0, dvO = dv != null ? dvOff + bh * s * d : 0;
                Arrays.fill(dkA, dkO, dkO + s * d, 0f);
                Arrays.fill(dvA, dvO, dvO + s * d, 0f);
                for (int i0 = 0; i0 < n; i0 += BQ) {
                    int bq = Math.min(BQ, n - i0);
                    int qb = qOff + (bh * n + i0) * d, gb = gOff + (bh * n + i0) * d, ob = outOff + (bh * n + i0) * d;
                    float[] dqA = dq != null ? dq : dqLoc;
                    int dqO = dq != null ? dqOff + (bh * n + i0) * d : 0;
                    Arrays.fill(dqA, dqO, dqO + bq * d, 0f);
                    for (int r = 0; r < bq; r++) dsum[r] = Vec.dot(gOut, gb + r * d, out, ob + r * d, d);
                    int blockLimit = causalLimit(i0 + bq - 1, n, s, causal);
                    for (int j0 = 0; j0 < blockLimit; j0 += BK) {
                        int bk = Math.min(BK, blockLimit - j0);
                        Vec.gemmABtSeq(p, 0, BK, q, qb, k, kh + j0 * d, bq, bk, d); // S = q k^T
                        Vec.gemmABtSeq(ds, 0, BK, gOut, gb, v, vh + j0 * d, bq, bk, d); // dP = dO v^T
                        for (int r = 0; r < bq; r++) {
                            int ro = r * BK;
                            float lr = lse[lseOff + bh * n + i0 + r];
                            if (lr == Float.NEGATIVE_INFINITY) { // fully masked row: no gradient
                                Arrays.fill(p, ro, ro + bk, 0f);
                                Arrays.fill(ds, ro, ro + bk, 0f);
                                continue;
                            }
                            maskRow(p, ro, bk, j0, causalLimit(i0 + r, n, s, causal), keyMask, kmOff + bi * s, sc, lr);
                            Vec.expShift(p, ro, p, ro, 0f, bk); // P = exp(S scale - lse)
                            if (!drop.active())
                                for (int jj = 0; jj < bk; jj++) ds[ro + jj] = sc * p[ro + jj] * (ds[ro + jj] - dsum[r]);
                            else { // dS = P (dP M - D), then P <- P M for dV
                                long base = DropoutMask.index(bh, i0 + r, j0, n, s);
                                for (int jj = 0; jj < bk; jj++) {
                                    float mk = drop.keep(base + jj) ? keepScale : 0f;
                                    ds[ro + jj] = sc * p[ro + jj] * (ds[ro + jj] * mk - dsum[r]);
                                    p[ro + jj] *= mk;
                                }
                            }
                        }
                        transpose(tr, p, bq, bk);
                        Vec.gemmABAcc(dvA, dvO + j0 * d, d, tr, 0, BQ, gOut, gb, d, bk, bq, d); // dV += P^T dO
                        Vec.gemmABAcc(dqA, dqO, d, ds, 0, BK, k, kh + j0 * d, d, bq, bk, d); // dQ += dS K
                        transpose(tr, ds, bq, bk);
                        Vec.gemmABAcc(dkA, dkO + j0 * d, d, tr, 0, BQ, q, qb, d, bk, bq, d); // dK += dS^T Q
                    }
                }
            }
        });
    }

    private static void check(
            String op,
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
            int d) {
        Args.sizes(op, "b", b, "h", h, "n", n, "s", s, "d", d);
        Args.span(op, "q", q, qOff, (long) b * h * n * d, false);
        Args.span(op, "k", k, kOff, (long) b * h * s * d, false);
        Args.span(op, "v", v, vOff, (long) b * h * s * d, false);
        Args.span(op, "keyMask", keyMask, kmOff, (long) b * s, true);
    }

    /** dst [bk, BQ] = src [bq, BK]^T over the valid bq x bk corner. */
    private static void transpose(float[] dst, float[] src, int bq, int bk) {
        for (int r = 0; r < bq; r++) for (int jj = 0; jj < bk; jj++) dst[jj * BQ + r] = src[r * BK + jj];
    }
}
