package org.revtaf.engine.backend.cpu.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.DropoutMask;

/**
 * Fused attention with the keys along the vector lanes: the fast kernel for small head dims
 * ({@link AttentionCpu.Kernel#LANES}). Same blocking, online softmax, dropout and contract as
 * {@link AttentionCpu}'s dot-product kernel, but K and V of a head are transposed once (K^T, V^T:
 * [d, sP], sP = s rounded up to the vector length, zero padded), so a score tile S = Q K^T and dP
 * = dO V^T are broadcast-FMAs of q[i, e] against rows of K^T ({@link Vec#gemmBcast}) with no
 * horizontal reduction per score; the row softmax runs on whole vectors (one max reduction per row
 * and tile, the row sums kept as lane vectors and reduced once per row); dK and dV accumulate
 * transposed (dK^T += Q^T dS, dV^T += dO^T P, keys along the lanes again) and are transposed back
 * once per head. P V and dS K keep the head dim along the lanes (broadcast of P / dS). The caller
 * ({@link AttentionCpu}) has checked the arguments; not used when {@link Vec#scalar}.
 */
final class AttentionLanes {
    private AttentionLanes() {}

    private static final int L = Vec.L, BQ = AttentionCpu.BQ, BK = AttentionCpu.BK;
    /** 0, 1, ..., L-1: lane indices, for the causal limit inside a vector. */
    private static final float[] IOTA = new float[L];

    static {
        for (int i = 0; i < L; i++) IOTA[i] = i;
        if (BK % L != 0) throw new IllegalStateException("key tile " + BK + " not a multiple of " + L + " lanes");
    }

    private static int padded(int x) {
        return (x + L - 1) / L * L;
    }

    /** dst [d, ld] = src [s, d]^T in columns 0..s-1 (columns s..ld-1 are left as they are: zero). */
    private static void transposeIn(float[] dst, int ld, float[] src, int so, int s, int d) {
        for (int j = 0; j < s; j++) for (int e = 0; e < d; e++) dst[e * ld + j] = src[so + j * d + e];
    }

    /** dst [s, d] = src [d, ld]^T over columns 0..s-1. */
    private static void transposeOut(float[] dst, int dOff, float[] src, int ld, int s, int d) {
        for (int j = 0; j < s; j++) for (int e = 0; e < d; e++) dst[dOff + j * d + e] = src[e * ld + j];
    }

    /** vis [bkp]: 1 where key j0 + jj exists and the key mask lets it through, else 0. */
    private static void visibility(float[] vis, int bk, int bkp, float[] keyMask, int kmBase) {
        for (int jj = 0; jj < bkp; jj++) vis[jj] = jj < bk && (keyMask == null || keyMask[kmBase + jj] != 0f) ? 1f : 0f;
    }

    /** Lanes jv.. of a tile row that are visible: vis and (causal) jv + lane < lim. */
    private static VectorMask<Float> visible(float[] vis, int jv, int lim) {
        VectorMask<Float> ok = FloatVector.fromArray(Vec.S, vis, jv).compare(VectorOperators.NE, 0f);
        if (lim < jv + L) ok = ok.and(FloatVector.fromArray(Vec.S, IOTA, 0).compare(VectorOperators.LT, lim - jv));
        return ok;
    }

    /**
     * Row ro.. of a score tile (bkp columns) becomes sc * S, -inf where hidden (lim: visible keys
     * of the tile under the causal rule); returns its max.
     */
    private static float scoreRow(float[] tile, int ro, int bkp, float[] vis, int lim, float sc) {
        FloatVector ninf = FloatVector.broadcast(Vec.S, Float.NEGATIVE_INFINITY), mx = ninf;
        for (int jv = 0; jv < bkp; jv += L) {
            FloatVector x =
                    ninf.blend(FloatVector.fromArray(Vec.S, tile, ro + jv).mul(sc), visible(vis, jv, lim));
            x.intoArray(tile, ro + jv);
            mx = mx.max(x);
        }
        return mx.reduceLanes(VectorOperators.MAX);
    }

    /** tile row ro.. = exp(x - shift) (bkp columns); the lane sums added to lsum [lo..lo+L). */
    private static void expRow(float[] tile, int ro, int bkp, float shift, float[] lsum, int lo) {
        FloatVector acc = FloatVector.fromArray(Vec.S, lsum, lo);
        for (int jv = 0; jv < bkp; jv += L) {
            FloatVector p =
                    VecMath.exp(FloatVector.fromArray(Vec.S, tile, ro + jv).sub(shift));
            p.intoArray(tile, ro + jv);
            acc = acc.add(p);
        }
        acc.intoArray(lsum, lo);
    }

    /** Forward; arguments as {@link AttentionCpu#forward} (checked there). */
    static void forward(
            Buf.F32 out, Buf.F32 lse, Buf.F32 q, Buf.F32 k, Buf.F32 v, Buf.F32 keyMask, AttentionGeom geom) {
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        float[] outA = Buf.arr(out), lseA = Buf.arr(lse), qA = Buf.arr(q), kA = Buf.arr(k), vA = Buf.arr(v);
        float[] keyMaskA = Buf.arr(keyMask);
        int outOff = Buf.off(out), lseOff = Buf.off(lse), qOff = Buf.off(q), kOff = Buf.off(k);
        int vOff = Buf.off(v), kmOff = Buf.off(keyMask);
        int qBlocks = (n + BQ - 1) / BQ, sP = padded(s);
        float sc = (float) geom.scale(), keepScale = (float) drop.keepScale();
        Parallel.range(b * h * qBlocks, 1, (f, t) -> {
            // kt: K^T of head `cached` [d, sP]; a chunk's tasks run head by head, so once per head
            float[] kt = new float[d * sP], tile = new float[BQ * BK], lsum = new float[BQ * L], m = new float[BQ];
            float[] vis = new float[BK];
            int cached = -1;
            for (int task = f; task < t; task++) {
                int bh = task / qBlocks, bi = bh / h, i0 = (task % qBlocks) * BQ, bq = Math.min(BQ, n - i0);
                if (bh != cached) {
                    transposeIn(kt, sP, kA, kOff + bh * s * d, s, d);
                    cached = bh;
                }
                int qb = qOff + (bh * n + i0) * d, vh = vOff + bh * s * d, ob = outOff + (bh * n + i0) * d;
                Arrays.fill(outA, ob, ob + bq * d, 0f);
                Arrays.fill(m, Float.NEGATIVE_INFINITY);
                Arrays.fill(lsum, 0f);
                int blockLimit = AttentionCpu.causalLimit(i0 + bq - 1, n, s, causal);
                for (int j0 = 0; j0 < blockLimit; j0 += BK) {
                    int bk = Math.min(BK, blockLimit - j0), bkp = padded(bk);
                    Vec.gemmBcast(tile, 0, BK, false, qA, qb, d, 1, kt, j0, sP, bq, d, bkp); // S = q k^T
                    visibility(vis, bk, bkp, keyMaskA, kmOff + bi * s + j0);
                    for (int r = 0; r < bq; r++) {
                        int ro = r * BK, lim = AttentionCpu.causalLimit(i0 + r, n, s, causal) - j0;
                        float tileMax = lim <= 0 ? Float.NEGATIVE_INFINITY : scoreRow(tile, ro, bkp, vis, lim, sc);
                        if (tileMax == Float.NEGATIVE_INFINITY) {
                            Arrays.fill(tile, ro, ro + bkp, 0f);
                            continue;
                        }
                        float mOld = m[r], mNew = Math.max(mOld, tileMax);
                        if (mNew > mOld && mOld != Float.NEGATIVE_INFINITY) { // (before the first key: all 0)
                            float corr = (float) Math.exp(mOld - mNew);
                            Vec.lincomb(outA, ob + r * d, corr, outA, ob + r * d, 0f, null, 0, d);
                            FloatVector.fromArray(Vec.S, lsum, r * L).mul(corr).intoArray(lsum, r * L);
                        }
                        expRow(tile, ro, bkp, mNew, lsum, r * L);
                        m[r] = mNew;
                        if (drop.active())
                            AttentionCpu.dropRow(tile, ro, bk, drop, DropoutMask.index(bh, i0 + r, j0, n, s));
                    }
                    Vec.gemmBcast(outA, ob, d, true, tile, 0, BK, 1, vA, vh + j0 * d, d, bq, bk, d); // O += P V
                }
                for (int r = 0; r < bq; r++) {
                    int li = lseOff + bh * n + i0 + r;
                    if (m[r] == Float.NEGATIVE_INFINITY) {
                        lseA[li] = Float.NEGATIVE_INFINITY; // fully masked row: output stays 0
                        continue;
                    }
                    float l = VecMath.sum(FloatVector.fromArray(Vec.S, lsum, r * L));
                    Vec.lincomb(outA, ob + r * d, keepScale / l, outA, ob + r * d, 0f, null, 0, d);
                    lseA[li] = (float) (m[r] + Math.log(l));
                }
            }
        });
    }

    /** Backward; arguments as {@link AttentionCpu#backward} (checked there); a null gradient is not computed. */
    static void backward(
            Buf.F32 dq,
            Buf.F32 dk,
            Buf.F32 dv,
            Buf.F32 dout,
            Buf.F32 out,
            Buf.F32 lse,
            Buf.F32 q,
            Buf.F32 k,
            Buf.F32 v,
            Buf.F32 keyMask,
            AttentionGeom geom) {
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        float[] dqA = Buf.arr(dq), dkA = Buf.arr(dk), dvA = Buf.arr(dv), doutA = Buf.arr(dout);
        float[] outA = Buf.arr(out), lseA = Buf.arr(lse), qA = Buf.arr(q), kA = Buf.arr(k), vA = Buf.arr(v);
        float[] keyMaskA = Buf.arr(keyMask);
        int dqOff = Buf.off(dq), dkOff = Buf.off(dk), dvOff = Buf.off(dv), doutOff = Buf.off(dout);
        int outOff = Buf.off(out), lseOff = Buf.off(lse), qOff = Buf.off(q), kOff = Buf.off(k);
        int vOff = Buf.off(v), kmOff = Buf.off(keyMask);
        if (dqA == null && dkA == null && dvA == null) return;
        int sP = padded(s);
        float sc = (float) geom.scale(), keepScale = (float) drop.keepScale();
        Parallel.range(b * h, 1, (f, t) -> {
            // kt, vt: K^T, V^T [d, sP]; dkT, dvT: dK^T, dV^T [d, sP]; p, ds: P and dS tiles [BQ, BK]
            float[] kt = new float[d * sP], vt = new float[d * sP];
            float[] dkT = dkA != null ? new float[d * sP] : null, dvT = dvA != null ? new float[d * sP] : null;
            float[] p = new float[BQ * BK], ds = new float[BQ * BK], dsum = new float[BQ], vis = new float[BK];
            for (int bh = f; bh < t; bh++) {
                int bi = bh / h, kh = kOff + bh * s * d;
                transposeIn(kt, sP, kA, kh, s, d);
                transposeIn(vt, sP, vA, vOff + bh * s * d, s, d);
                if (dkT != null) Arrays.fill(dkT, 0f);
                if (dvT != null) Arrays.fill(dvT, 0f);
                for (int i0 = 0; i0 < n; i0 += BQ) {
                    int bq = Math.min(BQ, n - i0);
                    int qb = qOff + (bh * n + i0) * d, gb = doutOff + (bh * n + i0) * d;
                    int ob = outOff + (bh * n + i0) * d, dqO = dqOff + (bh * n + i0) * d;
                    if (dqA != null) Arrays.fill(dqA, dqO, dqO + bq * d, 0f);
                    for (int r = 0; r < bq; r++) dsum[r] = Vec.dot(doutA, gb + r * d, outA, ob + r * d, d);
                    int blockLimit = AttentionCpu.causalLimit(i0 + bq - 1, n, s, causal);
                    for (int j0 = 0; j0 < blockLimit; j0 += BK) {
                        int bk = Math.min(BK, blockLimit - j0), bkp = padded(bk);
                        Vec.gemmBcast(p, 0, BK, false, qA, qb, d, 1, kt, j0, sP, bq, d, bkp); // S = q k^T
                        Vec.gemmBcast(ds, 0, BK, false, doutA, gb, d, 1, vt, j0, sP, bq, d, bkp); // dP = dO v^T
                        visibility(vis, bk, bkp, keyMaskA, kmOff + bi * s + j0);
                        for (int r = 0; r < bq; r++) {
                            int ro = r * BK, lim = AttentionCpu.causalLimit(i0 + r, n, s, causal) - j0;
                            float lr = lseA[lseOff + bh * n + i0 + r];
                            if (lr == Float.NEGATIVE_INFINITY || lim <= 0) { // fully masked row or hidden tile
                                Arrays.fill(p, ro, ro + bkp, 0f);
                                Arrays.fill(ds, ro, ro + bkp, 0f);
                                continue;
                            }
                            gradRow(p, ds, ro, bkp, vis, lim, sc, lr, dsum[r], !drop.active());
                            if (drop.active()) { // dS = P (dP M - D), then P <- P M for dV
                                long base = DropoutMask.index(bh, i0 + r, j0, n, s);
                                for (int jj = 0; jj < bkp; jj++) {
                                    float mk = jj < bk && drop.keep(base + jj) ? keepScale : 0f;
                                    ds[ro + jj] = sc * p[ro + jj] * (ds[ro + jj] * mk - dsum[r]);
                                    p[ro + jj] *= mk;
                                }
                            }
                        }
                        if (dvT != null)
                            Vec.gemmBcast(dvT, j0, sP, true, doutA, gb, 1, d, p, 0, BK, d, bq, bkp); // dV^T += dO^T P
                        if (dqA != null)
                            Vec.gemmBcast(dqA, dqO, d, true, ds, 0, BK, 1, kA, kh + j0 * d, d, bq, bk, d); // dQ += dS K
                        if (dkT != null)
                            Vec.gemmBcast(dkT, j0, sP, true, qA, qb, 1, d, ds, 0, BK, d, bq, bkp); // dK^T += Q^T dS
                    }
                }
                if (dkT != null) transposeOut(dkA, dkOff + bh * s * d, dkT, sP, s, d);
                if (dvT != null) transposeOut(dvA, dvOff + bh * s * d, dvT, sP, s, d);
            }
        });
    }

    /**
     * One tile row of the backward: P = exp(sc S - lse) (0 where hidden) into p, and, when dsToo,
     * dS = sc P (dP - D) into ds (which holds dP).
     */
    private static void gradRow(
            float[] p,
            float[] ds,
            int ro,
            int bkp,
            float[] vis,
            int lim,
            float sc,
            float lse,
            float dsum,
            boolean dsToo) {
        FloatVector zero = FloatVector.zero(Vec.S);
        for (int jv = 0; jv < bkp; jv += L) {
            FloatVector x = FloatVector.fromArray(Vec.S, p, ro + jv).mul(sc).sub(lse);
            FloatVector pv = zero.blend(VecMath.exp(x), visible(vis, jv, lim));
            pv.intoArray(p, ro + jv);
            if (dsToo)
                pv.mul(sc)
                        .mul(FloatVector.fromArray(Vec.S, ds, ro + jv).sub(dsum))
                        .intoArray(ds, ro + jv);
        }
    }
}
