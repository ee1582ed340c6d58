package org.revtaf.engine.backend.cpu.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.Conv2dGeom;

/**
 * Convolution forward as an implicit GEMM per group, Y_g (ocg, n*P) = W_g (ocg, K) * col (K, n*P)
 * (K = cg*kh*kw, P = oh*ow), over a prepared copy of the input in which every row of the column
 * matrix is made of contiguous runs: the input is zero-padded and split into its stride phases (for
 * stride s the s*s sub-grids x[iy*s + py][ix*s + px]; only the phases some tap reads), so column
 * (image b, oy, ox) of row (ci, ky, kx) is at {@code rowBase[ci, ky, kx] + b*imageStride +
 * oy*rowStride + ox}. A pointwise conv (1x1, stride 1, no padding) reads x itself.
 *
 * <p>The weights are packed once per call (MR-row strips per depth block; read through a {@link
 * WeightView}, so backward-data can use another conv's weights flipped). Tasks over a grid of row
 * ranges x column ranges each run their part without barriers: per panel of NCP columns and depth
 * block (K cut into equal blocks of at most KC), the panel is packed row by row from the runs
 * (whole-vector moves), then each MR-row tile of packed weights passes over the panel's strips
 * ({@link Gemm#kernel}), so C is written row-wise. A tile goes straight into y (ldc = P) when its
 * strip lies in one image; else (strips across images, the last strip, the last rows) it is summed
 * in the task's C buffer and copied out after the last depth block. The first depth block stores,
 * later ones add, then the bias. Each output element is summed in the same order whatever the task
 * grid, so results do not depend on the thread count. Oracle: {@link Conv2dRef} (through {@link
 * Conv2d#forward}). Blocking: system properties revtaf.conv.kc (512) and revtaf.conv.nc (256),
 * chosen on Zen 5 (L2 1 MiB: the panel is at most 512 KiB).
 */
final class ConvGemm {
    private static final VectorSpecies<Float> S = Gemm.S;
    private static final int L = Gemm.L, MR = Gemm.MR, NR = Gemm.NR;

    /** Depth block (balanced: K is cut into equal blocks of at most KC). */
    static final int KC = Math.max(1, Integer.getInteger("revtaf.conv.kc", 512));
    /** Columns per panel of a task: the packed panel (KC x NCP) stays in L2 while the A tiles pass. */
    static final int NCP = Gemm.roundUp(Math.max(1, Integer.getInteger("revtaf.conv.nc", 256)), NR);
    /** Floats of prepared input per chunk of images (at least one image). */
    static final int PREP_LIMIT = 1 << 22;

    private static final ThreadLocal<float[]> PREP = new ThreadLocal<>();
    private static final ThreadLocal<float[]> APACK = new ThreadLocal<>();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ConvGemm() {}

    /** Per-thread buffers of a task: the packed panel, a C buffer (rows x NCP), runs of a strip. */
    private static final class Scratch {
        final float[] panel = new float[KC * NCP];
        final int[] out = new int[3 * NR];
        int[] src = new int[0], dst = new int[0];
        long[] mask = new long[0];
        final int[] direct = new int[NCP / NR];
        private float[] c = new float[0];

        void pieces(int n) {
            if (src.length < n) {
                src = new int[n];
                dst = new int[n];
                mask = new long[n];
            }
        }

        float[] cbuf(int size) {
            if (c.length < size) c = new float[size];
            return c;
        }
    }

    /**
     * The column matrix of a chunk of images as runs: element (row p, image b, oy, ox) at
     * x[rowBase[p] + b*imageStride + oy*rowStride + ox]; rows of one image join into one run when
     * rowsJoin (rowStride == ow).
     */
    record Prepared(float[] x, int imageStride, int rowStride, boolean rowsJoin, int[][] rowBase) {}

    /**
     * Where weight (row i, column p) of a group is read: wt[group offset + i * rowStride +
     * column[p]]; null stands for (oc, c/g, kh, kw) weights as they are (rowStride K, column p).
     * {@link Conv2d} reads another conv's weights flipped and transposed through one
     * (backward-data as a forward conv).
     */
    record WeightView(int rowStride, int[] column) {}

    // x: (n, c, h, w), wt: (oc, c/g, kh, kw), bias: (oc) or null -> y: (n, oc, oh, ow), overwritten
    static void forward(
            Conv2dGeom s, float[] x, int xOff, float[] wt, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        forward(s, x, xOff, wt, wOff, null, bias, bOff, y, yOff);
    }

    /** {@link #forward} with the weights read through a view, or null (group g's at wOff + g * ocg * K). */
    static void forward(
            Conv2dGeom s,
            float[] x,
            int xOff,
            float[] wt,
            int wOff,
            WeightView view,
            float[] bias,
            int bOff,
            float[] y,
            int yOff) {
        int k = s.kdim(), ocg = s.ocg(), p = s.oh() * s.ow();
        int kBlocks = (k + KC - 1) / KC, kcB = (k + kBlocks - 1) / kBlocks;
        int mPad = Gemm.roundUp(ocg, MR);
        float[] ap = Gemm.buffer(APACK, mPad * k);
        forChunks(s, x, xOff, (b0, cnt, in) -> {
            for (int g = 0; g < s.groups(); g++) {
                packA(wt, wOff + g * ocg * k, view, ocg, k, kcB, mPad, ap);
                int yBase = yOff + (b0 * s.oc() + g * ocg) * p;
                run(s, in, in.rowBase()[g], ap, kcB, cnt * p, y, yBase, bias, bOff + g * ocg);
            }
        });
    }

    /** Work on the images b0 .. b0+cnt with their prepared input. */
    @FunctionalInterface
    interface ChunkBody {
        void run(int b0, int cnt, Prepared in);
    }

    /**
     * The batch in chunks of images whose prepared input fits PREP_LIMIT floats (one chunk when
     * the conv reads x itself), in order.
     */
    static void forChunks(Conv2dGeom s, float[] x, int xOff, ChunkBody body) {
        boolean direct = Conv2d.pointwise(s);
        int perImage = direct ? 0 : prepSize(s);
        int nb = direct ? s.n() : Math.max(1, Math.min(s.n(), PREP_LIMIT / Math.max(1, perImage)));
        for (int b0 = 0; b0 < s.n(); b0 += nb) {
            int cnt = Math.min(nb, s.n() - b0);
            body.run(
                    b0,
                    cnt,
                    direct ? pointwise(s, x, xOff + b0 * s.c() * s.h() * s.w()) : prepare(s, x, xOff, b0, cnt));
        }
    }

    /** Task grid over rows x columns; each task a serial GEMM on its block. */
    private static void run(
            Conv2dGeom s,
            Prepared in,
            int[] rowBase,
            float[] ap,
            int kcB,
            int cols,
            float[] y,
            int yBase,
            float[] bias,
            int bOff) {
        int m = s.ocg(), rowTiles = (m + MR - 1) / MR, strips = (cols + NR - 1) / NR;
        int threads = Parallel.available() ? Parallel.threads() : 1;
        int want = threads == 1 ? 1 : Gemm.TASKS_PER_THREAD * threads;
        int nParts = Math.max(1, Math.min(want, strips / 4));
        int mParts = Math.max(1, Math.min((want + nParts - 1) / nParts, rowTiles / 2));
        Parallel.tasks(nParts * mParts, t -> {
            int tn = t % nParts, tm = t / nParts;
            int c0 = strips * tn / nParts * NR, c1 = Math.min(cols, strips * (tn + 1) / nParts * NR);
            int r0 = rowTiles * tm / mParts * MR, r1 = Math.min(m, rowTiles * (tm + 1) / mParts * MR);
            block(s, in, rowBase, ap, kcB, r0, r1, c0, c1, y, yBase, bias, bOff);
        });
    }

    /**
     * Rows [r0, r1) x columns [c0, c1) of Y_g: per panel of NCP columns and depth block, the panel's
     * strips are packed (L2), then each A tile (L1) passes over them, so C is written row-wise.
     */
    private static void block(
            Conv2dGeom s,
            Prepared in,
            int[] rowBase,
            float[] ap,
            int kcB,
            int r0,
            int r1,
            int c0,
            int c1,
            float[] y,
            int yBase,
            float[] bias,
            int bOff) {
        Scratch sc = SCRATCH.get();
        int k = s.kdim(), p = s.oh() * s.ow(), mPad = Gemm.roundUp(s.ocg(), MR), imageStride = s.oc() * p;
        float[] panel = sc.panel, cb = sc.cbuf(Gemm.roundUp(r1 - r0, MR) * NCP);
        for (int jc = c0; jc < c1; jc += NCP) {
            int nc = Math.min(NCP, c1 - jc), strips = (nc + NR - 1) / NR;
            for (int q = 0; q < strips; q++) { // y offset of a strip inside one image, else -1
                int j = jc + q * NR, b = j / p, pix = j - b * p;
                sc.direct[q] = j + NR <= jc + nc && pix + NR <= p ? b * imageStride + pix : -1;
            }

            for (int p0 = 0; p0 < k; p0 += kcB) {
                int kc = Math.min(kcB, k - p0);
                boolean first = p0 == 0, last = p0 + kc == k;
                packPanel(in, rowBase, p0, kc, nc, panelPieces(s, in, jc, nc, kc, sc), sc);
                for (int ir = r0; ir < r1; ir += MR) {
                    int h = Math.min(MR, r1 - ir), ai = p0 * mPad + ir * kc;
                    for (int q = 0; q < strips; q++) {
                        int bi = q * kc * NR, d = sc.direct[q];
                        if (h == MR && d >= 0) {
                            int ci = yBase + ir * p + d;
                            Gemm.kernel(kc, ap, ai, panel, bi, y, ci, p, !first);
                            if (last && bias != null)
                                for (int r = 0; r < MR; r++) addBias(y, ci + r * p, NR, bias[bOff + ir + r]);
                            continue;
                        }
                        // a strip across images, the last strip or the last rows: summed in the
                        // task's C buffer, copied out after the last depth block
                        int co = (ir - r0) * NCP + q * NR;
                        Gemm.kernel(kc, ap, ai, panel, bi, cb, co, NCP, !first);
                        if (last) {
                            int j = jc + q * NR, no = outRuns(p, imageStride, j, Math.min(NR, jc + nc - j), sc.out);
                            copyOut(cb, co, sc.out, no, h, y, yBase + ir * p, p, bias, bOff + ir);
                        }
                    }
                }
            }
        }
    }

    // ---- the prepared input ----

    /** A pointwise conv reads x itself: rows are channel planes. */
    private static Prepared pointwise(Conv2dGeom s, float[] x, int off) {
        int hw = s.h() * s.w();
        int[][] rb = new int[s.groups()][s.cg()];
        for (int g = 0; g < s.groups(); g++)
            for (int ci = 0; ci < s.cg(); ci++) rb[g][ci] = off + (g * s.cg() + ci) * hw;
        return new Prepared(x, s.c() * hw, s.w(), true, rb);
    }

    /** Padded phase grids: Hq x Wq each, one per stride phase (py, px) that a tap reads. */
    private record Phases(int hq, int wq, int[] index, int count) {
        static Phases of(Conv2dGeom s) {
            int hq = (s.h() + 2 * s.ph() + s.sh() - 1) / s.sh(), wq = (s.w() + 2 * s.pw() + s.sw() - 1) / s.sw();
            int[] index = new int[s.sh() * s.sw()];
            Arrays.fill(index, -1);
            int count = 0;
            for (int ky = 0; ky < s.kh(); ky++)
                for (int kx = 0; kx < s.kw(); kx++) {
                    int ph = (ky * s.dh()) % s.sh() * s.sw() + (kx * s.dw()) % s.sw();
                    if (index[ph] < 0) index[ph] = count++;
                }
            return new Phases(hq, wq, index, count);
        }

        int plane() {
            return count * hq * wq;
        }
    }

    /** Floats of one image's prepared input. */
    private static int prepSize(Conv2dGeom s) {
        return s.c() * Phases.of(s).plane();
    }

    /** Zero-padded phase grids of images b0 .. b0+cnt, planes in parallel. */
    private static Prepared prepare(Conv2dGeom s, float[] x, int xOff, int b0, int cnt) {
        Phases ph = Phases.of(s);
        int hq = ph.hq(), wq = ph.wq(), grid = hq * wq, plane = ph.plane(), hw = s.h() * s.w();
        int imageStride = s.c() * plane;
        float[] xp = Gemm.buffer(PREP, cnt * imageStride + 2 * L); // slack: whole-vector loads past a run's end
        Parallel.range(cnt * s.c(), Math.max(1, 16384 / Math.max(1, plane)), (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                int src = xOff + (b0 * s.c() + q) * hw, dst = q * plane;
                for (int py = 0; py < s.sh(); py++)
                    for (int px = 0; px < s.sw(); px++) {
                        int idx = ph.index()[py * s.sw() + px];
                        if (idx >= 0) phase(s, x, src, py, px, xp, dst + idx * grid, hq, wq);
                    }
            }
        });
        int[][] rb = new int[s.groups()][s.kdim()];
        for (int g = 0; g < s.groups(); g++)
            for (int ci = 0, r = 0; ci < s.cg(); ci++)
                for (int ky = 0; ky < s.kh(); ky++)
                    for (int kx = 0; kx < s.kw(); kx++, r++) {
                        int oy = ky * s.dh(), ox = kx * s.dw();
                        int idx = ph.index()[oy % s.sh() * s.sw() + ox % s.sw()];
                        rb[g][r] = (g * s.cg() + ci) * plane + idx * grid + oy / s.sh() * wq + ox / s.sw();
                    }
        return new Prepared(xp, imageStride, wq, wq == s.ow(), rb);
    }

    /** Phase (py, px) of one zero-padded input plane: dst[qy*wq + qx] = xpad[qy*sh + py][qx*sw + px]. */
    private static void phase(Conv2dGeom s, float[] x, int src, int py, int px, float[] dst, int d, int hq, int wq) {
        int sw = s.sw();
        // valid qx in [lo, hi): 0 <= qx*sw + px - pw < w
        int first = px - s.pw(), lo = first >= 0 ? 0 : (-first + sw - 1) / sw;
        int hi = Math.max(lo, Math.min(wq, (s.w() - 1 - first) / sw + 1));
        if (s.w() - 1 - first < 0) hi = lo;
        for (int qy = 0; qy < hq; qy++) {
            int iy = qy * s.sh() + py - s.ph(), o = d + qy * wq;
            if (iy < 0 || iy >= s.h()) {
                Arrays.fill(dst, o, o + wq, 0f);
                continue;
            }
            int row = src + iy * s.w() + first;
            if (lo > 0) Arrays.fill(dst, o, o + lo, 0f);
            if (sw == 1) System.arraycopy(x, row + lo, dst, o + lo, hi - lo);
            else for (int qx = lo; qx < hi; qx++) dst[o + qx] = x[row + qx * sw];
            if (hi < wq) Arrays.fill(dst, o + hi, o + wq, 0f);
        }
    }

    // ---- packing ----

    /** W_g (m, k) as MR-row strips per depth block: ap[p0*mPad + i*kc + p*MR + r] = W[i + r][p0 + p]. */
    private static void packA(float[] wt, int wOff, WeightView view, int m, int k, int kcB, int mPad, float[] ap) {
        int tiles = mPad / MR, blocks = (k + kcB - 1) / kcB, stride = view == null ? k : view.rowStride();
        int[] col = view == null ? null : view.column();
        Parallel.range(tiles * blocks, Math.max(1, 8192 / (MR * kcB)), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int i = t % tiles * MR, p0 = t / tiles * kcB, kc = Math.min(kcB, k - p0);
                int d = p0 * mPad + i * kc, h = Math.min(MR, m - i);
                // written in order (a strip is up to 48 KiB: strided writes would leave L1), read
                // from MR rows at once
                int src = wOff + i * stride;
                for (int q = 0; q < kc; q++) {
                    int c = src + (col == null ? p0 + q : col[p0 + q]), o = d + q * MR, r = 0;
                    for (; r < h; r++) ap[o + r] = wt[c + r * stride];
                    for (; r < MR; r++) ap[o + r] = 0f;
                }
            }
        });
    }

    /**
     * The column matrix in panel columns jc .. jc+nc as pieces of at most L columns, each inside
     * one run of x (one output row, or one image when rows join) and one strip: {source offset
     * (image, oy, ox) in x, destination in the panel row (strip * kc * NR + column in strip)} and
     * the lanes to store. Returns their number.
     */
    private static int panelPieces(Conv2dGeom s, Prepared in, int jc, int nc, int kc, Scratch sc) {
        int p = s.oh() * s.ow(), ow = s.ow(), n = 0;
        sc.pieces(nc + 1); // a piece holds at least one column
        for (int xq = 0; xq < nc; ) {
            int jj = jc + xq, b = jj / p, pix = jj - b * p, oy = pix / ow, ox = pix - oy * ow;
            int len = Math.min(NR - xq % NR, Math.min(nc - xq, in.rowsJoin() ? p - pix : ow - ox));
            int src = b * in.imageStride() + oy * in.rowStride() + ox, to = xq / NR * kc * NR + xq % NR;
            for (int i = 0; i < len; i += L, n++) {
                sc.src[n] = src + i;
                sc.dst[n] = to + i;
                sc.mask[n] = Math.min(L, len - i) == L ? -1L : (1L << (len - i)) - 1;
            }
            xq += len;
        }
        return n;
    }

    /**
     * Rows p0 .. p0+kc of the panel's columns into sc.panel (strip q at q*kc*NR, rows of NR, zero
     * past the last column), row by row so each row of x is read front to back: per piece one
     * whole-vector load and one store of its lanes.
     */
    private static void packPanel(Prepared in, int[] rowBase, int p0, int kc, int nc, int pieces, Scratch sc) {
        float[] x = in.x(), dst = sc.panel;
        int[] src = sc.src, to = sc.dst;
        long[] mask = sc.mask;
        int tail = nc % NR, last = nc / NR * kc * NR; // zero columns tail .. NR of the last strip
        for (int q = 0; q < kc; q++) {
            int rb = rowBase[p0 + q], d = q * NR;
            for (int t = 0; t < pieces; t++) {
                if (mask[t] == -1L && rb + src[t] + L <= x.length) {
                    FloatVector.fromArray(S, x, rb + src[t]).intoArray(dst, d + to[t]);
                } else {
                    VectorMask<Float> m = VectorMask.fromLong(S, mask[t]);
                    FloatVector.fromArray(S, x, rb + src[t], m).intoArray(dst, d + to[t], m);
                }
            }
            if (tail > 0) Arrays.fill(dst, last + d + tail, last + d + NR, 0f);
        }
    }

    // ---- output ----

    /**
     * Runs of output columns j .. j+w that stay inside one image: {strip column, length, offset
     * b*imageStride + pixel of the first column in y}.
     */
    private static int outRuns(int p, int imageStride, int j, int w, int[] runs) {
        int n = 0;
        for (int xq = 0; xq < w; n++) {
            int jj = j + xq, b = jj / p, pix = jj - b * p, len = Math.min(w - xq, p - pix);
            runs[3 * n] = xq;
            runs[3 * n + 1] = len;
            runs[3 * n + 2] = b * imageStride + pix;
            xq += len;
        }
        return n;
    }

    /** y[o .. o+len) += b. */
    private static void addBias(float[] y, int o, int len, float b) {
        int i = 0;
        for (; i + L <= len; i += L) FloatVector.fromArray(S, y, o + i).add(b).intoArray(y, o + i);
        for (; i < len; i++) y[o + i] += b;
    }

    /**
     * h rows of a summed C tile (cb from co, row length NCP) into y rows row0 + r*p, run by run (the
     * strip's output runs), then the row's bias when bias != null (after the sum, as the direct path).
     */
    private static void copyOut(
            float[] cb, int co, int[] out, int runs, int h, float[] y, int row0, int p, float[] bias, int bo) {
        for (int r = 0; r < h; r++)
            for (int t = 0; t < runs; t++) {
                int src = co + r * NCP + out[3 * t], len = out[3 * t + 1], dst = row0 + r * p + out[3 * t + 2];
                System.arraycopy(cb, src, y, dst, len);
                if (bias != null) addBias(y, dst, len, bias[bo + r]);
            }
    }
}
