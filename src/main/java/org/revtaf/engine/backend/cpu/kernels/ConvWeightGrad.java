package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.Conv2dGeom;

/**
 * Convolution backward-weight as dot products along the pixels: dW_g[o][p] = sum over images and
 * output pixels of dY_g[o][pixel] * col_g[p][pixel], p = (ci, ky, kx). In NCHW the pixels are the
 * one index both operands keep contiguous (dY's rows, and the rows of {@link ConvGemm}'s prepared
 * input), so nothing is transposed or packed: vectors run along the pixels, a register block of
 * 4 output channels x 4 taps keeps 16 vector sums, and the pixels pass in runs (one output row,
 * or one image when the prepared rows join) grouped into chunks that stay in L2 while all the
 * blocks of a task's tile (TILE x TILE weights) pass over them; the blocks' vector sums are kept
 * in the task's buffer between chunks and reduced lane by lane in a fixed order at the end. Each
 * weight's sum has the same order whatever the thread count. Oracle: {@link Conv2dRef} (through
 * {@link Conv2d#backwardWeight}).
 */
final class ConvWeightGrad {
    private static final VectorSpecies<Float> S = Gemm.S;
    private static final int L = Gemm.L;
    /** Output channels x taps of a task's tile (multiple of 4). */
    static final int TILE = 64;
    /** Pixels per chunk (about): TILE rows of dY and of col, 2 x 64 x 1024 x 4 B = 512 KiB. */
    static final int CHUNK = 1024;

    /** Shortest run of pixels (see {@link #suits}). */
    static final int MIN_RUN = 56;

    private static final ThreadLocal<float[]> PART = new ThreadLocal<>();

    private ConvWeightGrad() {}

    /** The pixel runs of a chunk of images: dY offset (image, pixel) and col offset per run. */
    private record Runs(int[] dy, int[] col, int[] len, int[] chunkStart, int chunks) {}

    /**
     * Whether the dot products pay: their runs of pixels (an output row, or a whole image for a
     * 1x1 stride-1 conv) are at least MIN_RUN long. With short runs the per-weight reduction and
     * the masked tails cost more than the GEMM's transposing packers (ResNet-50 at 14x14 and 7x7).
     */
    static boolean suits(Conv2dGeom s) {
        return (Conv2d.pointwise(s) ? s.oh() * s.ow() : s.ow()) >= MIN_RUN;
    }

    // x: (n, c, h, w), dy: (n, oc, oh, ow) -> dw: (oc, c/g, kh, kw), overwritten
    static void backwardWeight(Conv2dGeom s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        int ocg = s.ocg(), k = s.kdim();
        int oTiles = (ocg + TILE - 1) / TILE, pTiles = (k + TILE - 1) / TILE;
        boolean[] first = {true};
        ConvGemm.forChunks(s, x, xOff, (b0, cnt, in) -> {
            Runs runs = runs(s, in, b0, cnt, dyOff);
            boolean store = first[0];
            first[0] = false;
            for (int g = 0; g < s.groups(); g++) {
                int[] rowBase = in.rowBase()[g];
                int oBase = g * ocg, wBase = dwOff + g * ocg * k;
                Parallel.tasks(oTiles * pTiles, t -> {
                    int o0 = t / pTiles * TILE, p0 = t % pTiles * TILE;
                    int o1 = Math.min(ocg, o0 + TILE), p1 = Math.min(k, p0 + TILE);
                    tile(s, in.x(), rowBase, dy, runs, oBase, o0, o1, p0, p1, dw, wBase, store);
                });
            }
        });
    }

    /** The runs of images b0 .. b0+cnt, in pixel order, cut into chunks of about CHUNK pixels. */
    private static Runs runs(Conv2dGeom s, ConvGemm.Prepared in, int b0, int cnt, int dyOff) {
        int p = s.oh() * s.ow(), ow = s.ow(), perImage = in.rowsJoin() ? (p + CHUNK - 1) / CHUNK : s.oh();
        int n = cnt * perImage;
        int[] d = new int[n], c = new int[n], len = new int[n], start = new int[n + 1];
        int r = 0, chunks = 0, filled = CHUNK;
        for (int b = 0; b < cnt; b++)
            for (int q = 0; q < perImage; q++, r++) {
                int pix = in.rowsJoin() ? q * CHUNK : q * ow;
                len[r] = in.rowsJoin() ? Math.min(CHUNK, p - pix) : ow;
                d[r] = dyOff + (b0 + b) * s.oc() * p + pix;
                c[r] = b * in.imageStride() + (in.rowsJoin() ? pix : q * in.rowStride());
                if (filled + len[r] > CHUNK) { // a new chunk (a run never straddles two)
                    start[chunks++] = r;
                    filled = 0;
                }
                filled += len[r];
            }
        start[chunks] = n;
        return new Runs(d, c, len, start, chunks);
    }

    /**
     * Weights o0 .. o1 x p0 .. p1 of group rows from oBase: 4 x 4 blocks (and single ones at the
     * edges) over every chunk, their vector sums in part; then reduced into dw (stored or added).
     */
    private static void tile(
            Conv2dGeom s,
            float[] x,
            int[] rowBase,
            float[] dy,
            Runs runs,
            int oBase,
            int o0,
            int o1,
            int p0,
            int p1,
            float[] dw,
            int dwOff,
            boolean store) {
        int p = s.oh() * s.ow(), k = s.kdim(), pw = p1 - p0, size = (o1 - o0) * pw * L;
        float[] part = Gemm.buffer(PART, size);
        java.util.Arrays.fill(part, 0, size, 0f);
        int o4 = o0 + (o1 - o0) / 4 * 4, p4 = p0 + pw / 4 * 4;
        for (int ch = 0; ch < runs.chunks(); ch++) {
            int r0 = runs.chunkStart()[ch], r1 = runs.chunkStart()[ch + 1];
            for (int o = o0; o < o1; o += 4)
                for (int q = p0; q < p1; q += 4) {
                    int at = ((o - o0) * pw + (q - p0)) * L;
                    if (o < o4 && q < p4) block(dy, (oBase + o) * p, p, x, rowBase, q, runs, r0, r1, part, at, pw * L);
                    else
                        for (int oi = o; oi < Math.min(o + 4, o1); oi++)
                            for (int qi = q; qi < Math.min(q + 4, p1); qi++)
                                single(
                                        dy,
                                        (oBase + oi) * p,
                                        x,
                                        rowBase[qi],
                                        runs,
                                        r0,
                                        r1,
                                        part,
                                        ((oi - o0) * pw + (qi - p0)) * L);
                }
        }
        for (int o = o0; o < o1; o++)
            for (int q = p0; q < p1; q++) {
                int at = ((o - o0) * pw + (q - p0)) * L;
                float sum = 0;
                for (int l = 0; l < L; l++) sum += part[at + l]; // fixed order, not reduceLanes
                int i = dwOff + o * k + q;
                dw[i] = store ? sum : dw[i] + sum;
            }
    }

    /**
     * part's 16 vector sums of rows o, o+1, o+2, o+3 (dY rows from dyRow, p apart) x taps q .. q+3
     * (vectors at at + (row * rowStride) + tap * L) += the chunk's runs r0 .. r1.
     */
    private static void block(
            float[] dy,
            int dyRow,
            int p,
            float[] x,
            int[] rowBase,
            int q,
            Runs runs,
            int r0,
            int r1,
            float[] part,
            int at,
            int rowStride) {
        int a1 = at + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride;
        FloatVector s00 = FloatVector.fromArray(S, part, at), s01 = FloatVector.fromArray(S, part, at + L);
        FloatVector s02 = FloatVector.fromArray(S, part, at + 2 * L), s03 = FloatVector.fromArray(S, part, at + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, part, a1), s11 = FloatVector.fromArray(S, part, a1 + L);
        FloatVector s12 = FloatVector.fromArray(S, part, a1 + 2 * L), s13 = FloatVector.fromArray(S, part, a1 + 3 * L);
        FloatVector s20 = FloatVector.fromArray(S, part, a2), s21 = FloatVector.fromArray(S, part, a2 + L);
        FloatVector s22 = FloatVector.fromArray(S, part, a2 + 2 * L), s23 = FloatVector.fromArray(S, part, a2 + 3 * L);
        FloatVector s30 = FloatVector.fromArray(S, part, a3), s31 = FloatVector.fromArray(S, part, a3 + L);
        FloatVector s32 = FloatVector.fromArray(S, part, a3 + 2 * L), s33 = FloatVector.fromArray(S, part, a3 + 3 * L);
        int c0 = rowBase[q], c1 = rowBase[q + 1], c2 = rowBase[q + 2], c3 = rowBase[q + 3];
        int[] rd = runs.dy(), rc = runs.col(), rl = runs.len();
        for (int r = r0; r < r1; r++) {
            int d0 = rd[r] + dyRow, d1 = d0 + p, d2 = d1 + p, d3 = d2 + p, col = rc[r];
            int len = rl[r], i = 0;
            for (; i + L <= len; i += L) { // whole vectors
                FloatVector y0 = FloatVector.fromArray(S, dy, d0 + i), y1 = FloatVector.fromArray(S, dy, d1 + i);
                FloatVector y2 = FloatVector.fromArray(S, dy, d2 + i), y3 = FloatVector.fromArray(S, dy, d3 + i);
                FloatVector v0 = FloatVector.fromArray(S, x, c0 + col + i),
                        v1 = FloatVector.fromArray(S, x, c1 + col + i);
                FloatVector v2 = FloatVector.fromArray(S, x, c2 + col + i),
                        v3 = FloatVector.fromArray(S, x, c3 + col + i);
                s00 = y0.fma(v0, s00);
                s10 = y1.fma(v0, s10);
                s20 = y2.fma(v0, s20);
                s30 = y3.fma(v0, s30);
                s01 = y0.fma(v1, s01);
                s11 = y1.fma(v1, s11);
                s21 = y2.fma(v1, s21);
                s31 = y3.fma(v1, s31);
                s02 = y0.fma(v2, s02);
                s12 = y1.fma(v2, s12);
                s22 = y2.fma(v2, s22);
                s32 = y3.fma(v2, s32);
                s03 = y0.fma(v3, s03);
                s13 = y1.fma(v3, s13);
                s23 = y2.fma(v3, s23);
                s33 = y3.fma(v3, s33);
            }
            // the run's tail, the lanes past it zero: the same 16 FMAs written out again, as the
            // loop's body shared with the tail (one more pass over a zero-padded copy) boxes the sums
            if (i < len) {
                VectorMask<Float> m = S.indexInRange(i, len);
                FloatVector y0 = FloatVector.fromArray(S, dy, d0 + i, m), y1 = FloatVector.fromArray(S, dy, d1 + i, m);
                FloatVector y2 = FloatVector.fromArray(S, dy, d2 + i, m), y3 = FloatVector.fromArray(S, dy, d3 + i, m);
                FloatVector v0 = FloatVector.fromArray(S, x, c0 + col + i, m);
                FloatVector v1 = FloatVector.fromArray(S, x, c1 + col + i, m);
                FloatVector v2 = FloatVector.fromArray(S, x, c2 + col + i, m);
                FloatVector v3 = FloatVector.fromArray(S, x, c3 + col + i, m);
                s00 = y0.fma(v0, s00);
                s10 = y1.fma(v0, s10);
                s20 = y2.fma(v0, s20);
                s30 = y3.fma(v0, s30);
                s01 = y0.fma(v1, s01);
                s11 = y1.fma(v1, s11);
                s21 = y2.fma(v1, s21);
                s31 = y3.fma(v1, s31);
                s02 = y0.fma(v2, s02);
                s12 = y1.fma(v2, s12);
                s22 = y2.fma(v2, s22);
                s32 = y3.fma(v2, s32);
                s03 = y0.fma(v3, s03);
                s13 = y1.fma(v3, s13);
                s23 = y2.fma(v3, s23);
                s33 = y3.fma(v3, s33);
            }
        }
        s00.intoArray(part, at);
        s01.intoArray(part, at + L);
        s02.intoArray(part, at + 2 * L);
        s03.intoArray(part, at + 3 * L);
        s10.intoArray(part, a1);
        s11.intoArray(part, a1 + L);
        s12.intoArray(part, a1 + 2 * L);
        s13.intoArray(part, a1 + 3 * L);
        s20.intoArray(part, a2);
        s21.intoArray(part, a2 + L);
        s22.intoArray(part, a2 + 2 * L);
        s23.intoArray(part, a2 + 3 * L);
        s30.intoArray(part, a3);
        s31.intoArray(part, a3 + L);
        s32.intoArray(part, a3 + 2 * L);
        s33.intoArray(part, a3 + 3 * L);
    }

    /** part's vector sum at `at` += dY row (dyRow) . col row (colBase) over the chunk's runs. */
    private static void single(
            float[] dy, int dyRow, float[] x, int colBase, Runs runs, int r0, int r1, float[] part, int at) {
        FloatVector acc = FloatVector.fromArray(S, part, at);
        for (int r = r0; r < r1; r++) {
            int d = runs.dy()[r] + dyRow, c = colBase + runs.col()[r], len = runs.len()[r];
            for (int i = 0; i < len; i += L) {
                VectorMask<Float> m = S.indexInRange(i, len);
                acc = FloatVector.fromArray(S, dy, d + i, m).fma(FloatVector.fromArray(S, x, c + i, m), acc);
            }
        }
        acc.intoArray(part, at);
    }
}
