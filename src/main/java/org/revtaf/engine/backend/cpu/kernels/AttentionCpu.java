package org.revtaf.engine.backend.cpu.kernels;

import java.util.Arrays;
import java.util.Locale;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.reference.AttentionRef;

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
 *
 * <p>Two kernels ({@link Kernel}): this class's simple one takes each score as a dot product of a
 * query and a key row ({@link Vec#gemmABtSeq}); {@link AttentionLanes} puts the keys along the
 * vector lanes, which avoids a horizontal reduction per score and wins at small head dims. {@code
 * -Drevtaf.attention.kernel=dot|lanes|auto} picks one (auto, the default: {@link #kernelFor}).
 */
public final class AttentionCpu {
    private AttentionCpu() {}

    /** The two cpu attention kernels. */
    public enum Kernel {
        /** Scores as dot products of query and key rows (the simple kernel, in this class). */
        DOT,
        /** Keys along the vector lanes ({@link AttentionLanes}). */
        LANES
    }

    /** Head dims up to this use {@link Kernel#LANES} under auto. */
    static final int LANES_MAX_D = 64;

    private static final String PROPERTY = "revtaf.attention.kernel";
    private static final String CHOICE = System.getProperty(PROPERTY, "auto");

    /** The kernel for head dim d: the property's choice; dot when the vector path is off (-Drevtaf.vectorBits=0). */
    public static Kernel kernelFor(int d) {
        return choose(CHOICE, d);
    }

    static Kernel choose(String value, int d) {
        if (Vec.scalar()) return Kernel.DOT;
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "dot" -> Kernel.DOT;
            case "lanes" -> Kernel.LANES;
            case "auto" -> d <= LANES_MAX_D ? Kernel.LANES : Kernel.DOT;
            default ->
                throw new RevtafException(
                        "-D" + PROPERTY + "=" + value + ": unknown attention kernel (expected dot, lanes or auto)");
        };
    }

    /** Query rows per block. */
    static final int BQ = 32;
    /** Keys per tile. */
    static final int BK = 64;

    /** Keys 0..limit-1 are visible to query i under the causal rule (all s without it). */
    static int causalLimit(int i, int n, int s, boolean causal) {
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
    static void dropRow(float[] row, int ro, int bk, DropoutMask drop, long base) {
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
            Buf.F32 out, Buf.F32 lse, Buf.F32 q, Buf.F32 k, Buf.F32 v, Buf.F32 keyMask, AttentionGeom geom) {
        forward(kernelFor(geom.d()), out, lse, q, k, v, keyMask, geom);
    }

    /** {@link #forward} with the given kernel. */
    public static void forward(
            Kernel kernel,
            Buf.F32 out,
            Buf.F32 lse,
            Buf.F32 q,
            Buf.F32 k,
            Buf.F32 v,
            Buf.F32 keyMask,
            AttentionGeom geom) {
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        double scale = geom.scale();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        float[] outA = Buf.arr(out), lseA = Buf.arr(lse), qA = Buf.arr(q), kA = Buf.arr(k), vA = Buf.arr(v);
        float[] keyMaskA = Buf.arr(keyMask);
        int outOff = Buf.off(out), lseOff = Buf.off(lse), qOff = Buf.off(q), kOff = Buf.off(k);
        int vOff = Buf.off(v), kmOff = Buf.off(keyMask);
        check("attention", qA, qOff, kA, kOff, vA, vOff, keyMaskA, kmOff, b, h, n, s, d);
        Args.span("attention", "out", outA, outOff, (long) b * h * n * d, false);
        Args.span("attention", "lse", lseA, lseOff, (long) b * h * n, false);
        if (kernel == Kernel.LANES && !Vec.scalar()) {
            AttentionLanes.forward(out, lse, q, k, v, keyMask, geom);
            return;
        }
        int qBlocks = (n + BQ - 1) / BQ;
        float sc = (float) scale, keepScale = (float) drop.keepScale();
        Parallel.range(b * h * qBlocks, 1, (f, t) -> {
            float[] tile = new float[BQ * BK], m = new float[BQ], l = new float[BQ];
            for (int task = f; task < t; task++) {
                int bh = task / qBlocks, bi = bh / h, i0 = (task % qBlocks) * BQ, bq = Math.min(BQ, n - i0);
                int qb = qOff + (bh * n + i0) * d, kh = kOff + bh * s * d, vh = vOff + bh * s * d;
                int ob = outOff + (bh * n + i0) * d;
                Arrays.fill(outA, ob, ob + bq * d, 0f);
                Arrays.fill(m, Float.NEGATIVE_INFINITY);
                Arrays.fill(l, 0f);
                int blockLimit = causalLimit(i0 + bq - 1, n, s, causal);
                for (int j0 = 0; j0 < blockLimit; j0 += BK) {
                    int bk = Math.min(BK, blockLimit - j0);
                    Vec.gemmABtSeq(tile, 0, BK, qA, qb, kA, kh + j0 * d, bq, bk, d); // q k^T
                    for (int r = 0; r < bq; r++) {
                        int ro = r * BK;
                        float tileMax = maskRow(
                                tile, ro, bk, j0, causalLimit(i0 + r, n, s, causal), keyMaskA, kmOff + bi * s, sc, 0f);
                        if (tileMax == Float.NEGATIVE_INFINITY) {
                            Arrays.fill(tile, ro, ro + bk, 0f);
                            continue;
                        }
                        float mNew = Math.max(m[r], tileMax);
                        float corr = (float) Math.exp(m[r] - mNew); // 0 before the first visible key
                        if (corr != 1f) {
                            Vec.lincomb(outA, ob + r * d, corr, outA, ob + r * d, 0f, null, 0, d);
                            l[r] *= corr;
                        }
                        Vec.expShift(tile, ro, tile, ro, mNew, bk);
                        float sum = 0f;
                        for (int jj = 0; jj < bk; jj++) sum += tile[ro + jj];
                        l[r] += sum;
                        m[r] = mNew;
                        if (drop.active()) dropRow(tile, ro, bk, drop, DropoutMask.index(bh, i0 + r, j0, n, s));
                    }
                    Vec.gemmABAcc(outA, ob, d, tile, 0, BK, vA, vh + j0 * d, d, bq, bk, d); // O += P V
                }
                for (int r = 0; r < bq; r++) {
                    int li = lseOff + bh * n + i0 + r;
                    if (m[r] == Float.NEGATIVE_INFINITY) {
                        lseA[li] = Float.NEGATIVE_INFINITY; // fully masked row: output stays 0
                        continue;
                    }
                    Vec.lincomb(outA, ob + r * d, keepScale / l[r], outA, ob + r * d, 0f, null, 0, d);
                    lseA[li] = (float) (m[r] + Math.log(l[r]));
                }
            }
        });
    }

    /**
     * Backward; see {@link AttentionRef#backward}: dq [b, h, n, d], dk, dv [b, h, s, d] (overwritten;
     * any may be null) from dout [b, h, n, d]. Per (query block, key tile): P = exp(S - lse), dV +=
     * P^T dO, dP = dO V^T, dS = P (dP - D) scale, dQ += dS K, dK += dS^T Q.
     */
    public static void backward(
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
        backward(kernelFor(geom.d()), dq, dk, dv, dout, out, lse, q, k, v, keyMask, geom);
    }

    /** {@link #backward} with the given kernel. */
    public static void backward(
            Kernel kernel,
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
        double scale = geom.scale();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        float[] dqA = Buf.arr(dq), dkA = Buf.arr(dk), dvA = Buf.arr(dv), doutA = Buf.arr(dout);
        float[] outA = Buf.arr(out), lseA = Buf.arr(lse), qA = Buf.arr(q), kA = Buf.arr(k), vA = Buf.arr(v);
        float[] keyMaskA = Buf.arr(keyMask);
        int dqOff = Buf.off(dq), dkOff = Buf.off(dk), dvOff = Buf.off(dv), doutOff = Buf.off(dout);
        int outOff = Buf.off(out), lseOff = Buf.off(lse), qOff = Buf.off(q), kOff = Buf.off(k);
        int vOff = Buf.off(v), kmOff = Buf.off(keyMask);
        String op = "attentionBackward";
        check(op, qA, qOff, kA, kOff, vA, vOff, keyMaskA, kmOff, b, h, n, s, d);
        Args.span(op, "dq", dqA, dqOff, (long) b * h * n * d, true);
        Args.span(op, "dk", dkA, dkOff, (long) b * h * s * d, true);
        Args.span(op, "dv", dvA, dvOff, (long) b * h * s * d, true);
        Args.span(op, "dout", doutA, doutOff, (long) b * h * n * d, false);
        Args.span(op, "out", outA, outOff, (long) b * h * n * d, false);
        Args.span(op, "lse", lseA, lseOff, (long) b * h * n, false);
        if (kernel == Kernel.LANES && !Vec.scalar()) {
            AttentionLanes.backward(dq, dk, dv, dout, out, lse, q, k, v, keyMask, geom);
            return;
        }
        float sc = (float) scale, keepScale = (float) drop.keepScale();
        Parallel.range(b * h, 1, (f, t) -> {
            float[] p = new float[BQ * BK], ds = new float[BQ * BK], tr = new float[BK * BQ], dsum = new float[BQ];
            float[] dqLoc = dqA != null ? null : new float[BQ * d];
            float[] dkLoc = dkA != null ? null : new float[s * d], dvLoc = dvA != null ? null : new float[s * d];
            for (int bh = f; bh < t; bh++) {
                int bi = bh / h, kh = kOff + bh * s * d, vh = vOff + bh * s * d;
                float[] dkW = dkA != null ? dkA : dkLoc, dvW = dvA != null ? dvA : dvLoc;
                int dkO = dkA != null ? dkOff + bh * s * d : 0, dvO = dvA != null ? dvOff + bh * s * d : 0;
                Arrays.fill(dkW, dkO, dkO + s * d, 0f);
                Arrays.fill(dvW, dvO, dvO + s * d, 0f);
                for (int i0 = 0; i0 < n; i0 += BQ) {
                    int bq = Math.min(BQ, n - i0);
                    int qb = qOff + (bh * n + i0) * d,
                            gb = doutOff + (bh * n + i0) * d,
                            ob = outOff + (bh * n + i0) * d;
                    float[] dqW = dqA != null ? dqA : dqLoc;
                    int dqO = dqA != null ? dqOff + (bh * n + i0) * d : 0;
                    Arrays.fill(dqW, dqO, dqO + bq * d, 0f);
                    for (int r = 0; r < bq; r++) dsum[r] = Vec.dot(doutA, gb + r * d, outA, ob + r * d, d);
                    int blockLimit = causalLimit(i0 + bq - 1, n, s, causal);
                    for (int j0 = 0; j0 < blockLimit; j0 += BK) {
                        int bk = Math.min(BK, blockLimit - j0);
                        Vec.gemmABtSeq(p, 0, BK, qA, qb, kA, kh + j0 * d, bq, bk, d); // S = q k^T
                        Vec.gemmABtSeq(ds, 0, BK, doutA, gb, vA, vh + j0 * d, bq, bk, d); // dP = dO v^T
                        for (int r = 0; r < bq; r++) {
                            int ro = r * BK;
                            float lr = lseA[lseOff + bh * n + i0 + r];
                            if (lr == Float.NEGATIVE_INFINITY) { // fully masked row: no gradient
                                Arrays.fill(p, ro, ro + bk, 0f);
                                Arrays.fill(ds, ro, ro + bk, 0f);
                                continue;
                            }
                            maskRow(p, ro, bk, j0, causalLimit(i0 + r, n, s, causal), keyMaskA, kmOff + bi * s, sc, lr);
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
                        Vec.gemmABAcc(dvW, dvO + j0 * d, d, tr, 0, BQ, doutA, gb, d, bk, bq, d); // dV += P^T dO
                        Vec.gemmABAcc(dqW, dqO, d, ds, 0, BK, kA, kh + j0 * d, d, bq, bk, d); // dQ += dS K
                        transpose(tr, ds, bq, bk);
                        Vec.gemmABAcc(dkW, dkO + j0 * d, d, tr, 0, BQ, qA, qb, d, bk, bq, d); // dK += dS^T Q
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
