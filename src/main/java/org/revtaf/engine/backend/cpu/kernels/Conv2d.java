package org.revtaf.engine.backend.cpu.kernels;

import java.util.Arrays;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Conv2dGeom;

/**
 * Fast 2-D convolution, NCHW: the three passes and where they run. Oracle: {@code reference/RefConv}.
 * Outputs are overwritten.
 *
 * <p>With K = cg*kh*kw and P = oh*ow, per group g:
 * <ul>
 *   <li>forward Y_g (ocg, n*P) = W_g (ocg, K) * col (K, n*P) + bias: {@link ConvGemm}, an implicit
 *       GEMM over a padded, stride-phase-split copy of x;
 *   <li>backward-data at stride 1: the forward conv of dY with the weights {@link #flipped}
 *       ({@link #transposed} geometry); other strides: dcol (K, P) = W_g^T * dY_g per chunk of
 *       images through {@link Gemm} and col2im into dx;
 *   <li>backward-weight dW_g (ocg, K) = dY_g (ocg, n*P) . col (K, n*P) along the pixels:
 *       {@link ConvWeightGrad} where its runs of pixels are long ({@link ConvWeightGrad#suits}),
 *       else dY_g * col^T through {@link Gemm} with both operands transposed while packed.
 * </ul>
 */
public final class Conv2d {
    /** Budget of floats for one chunk's temporary. */
    static final int TEMP_LIMIT = 1 << 22;
    /** Wanted GEMM width (columns) from batching images. */
    static final int TARGET_COLS = 1024;

    private static final ThreadLocal<float[]> TEMP = new ThreadLocal<>();

    private Conv2d() {}

    /** Images per chunk: enough for TARGET_COLS columns, within TEMP_LIMIT for rows * nb * P. */
    static int chunk(Conv2dGeom s, int rows) {
        int p = s.oh() * s.ow();
        int want = Math.max(1, (TARGET_COLS + p - 1) / p);
        int fit = (int) Math.max(1, TEMP_LIMIT / Math.max(1L, (long) rows * p));
        return Math.max(1, Math.min(s.n(), Math.min(want, fit)));
    }

    // x: (n, c, h, w), wt: (oc, c/g, kh, kw), bias: (oc) or null -> y: (n, oc, oh, ow)
    public static void forward(Conv2dGeom s, Buf.F32 x, Buf.F32 wt, Buf.F32 bias, Buf.F32 y) {
        ConvGemm.forward(
                s,
                Buf.arr(x),
                Buf.off(x),
                Buf.arr(wt),
                Buf.off(wt),
                Buf.arr(bias),
                Buf.off(bias),
                Buf.arr(y),
                Buf.off(y));
    }

    // dy: (n, oc, oh, ow), wt: (oc, c/g, kh, kw) -> dx: (n, c, h, w)
    public static void backwardData(Conv2dGeom s, Buf.F32 dy, Buf.F32 wt, Buf.F32 dx) {
        float[] dyA = Buf.arr(dy), wtA = Buf.arr(wt), dxA = Buf.arr(dx);
        int dyOff = Buf.off(dy), wOff = Buf.off(wt), dxOff = Buf.off(dx);
        Conv2dGeom t = transposed(s);
        if (t != null) { // stride 1: dx is dy convolved with the flipped, in/out-swapped weights
            ConvGemm.forward(t, dyA, dyOff, wtA, wOff, flipped(s), null, 0, dxA, dxOff);
            return;
        }
        int p = s.oh() * s.ow(), k = s.kdim(), ocg = s.ocg();
        int nb = chunk(s, k);
        for (int b0 = 0; b0 < s.n(); b0 += nb) {
            int cnt = Math.min(nb, s.n() - b0), cols = cnt * p;
            boolean direct = cnt == 1 && pointwise(s); // the column matrix is dx itself
            float[] col = direct ? null : temp(k * cols);
            for (int g = 0; g < s.groups(); g++) {
                Gemm.ASource wt_ = Gemm.matrixA(true, wtA, wOff + g * ocg * k, k);
                Gemm.BSource dyg = planeRows(dyA, dyOff, s.oc(), p, b0, g * ocg);
                int xo = dxOff + (b0 * s.c() + g * s.cg()) * p;
                if (direct) {
                    Gemm.sgemm(k, cols, ocg, 1f, wt_, dyg, 0f, dxA, xo, p);
                    continue;
                }
                Gemm.sgemm(k, cols, ocg, 1f, wt_, dyg, 0f, col, 0, cols);
                for (int b = 0; b < cnt; b++) {
                    int xb = dxOff + ((b0 + b) * s.c() + g * s.cg()) * s.h() * s.w();
                    if (pointwise(s))
                        for (int r = 0; r < k; r++) System.arraycopy(col, r * cols + b * p, dxA, xb + r * p, p);
                    else col2im(s, col, b * p, cols, dxA, xb);
                }
            }
        }
    }

    /**
     * For stride 1 and padding at most dilation*(k-1): the conv whose forward is this conv's
     * backward-data, dx (n, c, h, w) = dy (n, oc, oh, ow) conv {@link #flipped} weights with
     * padding dilation*(k-1) - padding; else null.
     */
    static Conv2dGeom transposed(Conv2dGeom s) {
        int ph = s.dh() * (s.kh() - 1) - s.ph(), pw = s.dw() * (s.kw() - 1) - s.pw();
        if (s.sh() != 1 || s.sw() != 1 || ph < 0 || pw < 0) return null;
        return new Conv2dGeom(
                s.n(), s.oc(), s.oh(), s.ow(), s.c(), s.kh(), s.kw(), 1, 1, ph, pw, s.dh(), s.dw(), s.groups());
    }

    /**
     * wt (oc, c/g, kh, kw) read as the weights (c, oc/g, kh, kw) of the {@link #transposed} conv:
     * group by group, in and out channels swapped, each kernel rotated by 180 degrees. Row ci,
     * column (o, ky, kx) of a group is wt[(o * cg + ci) * kh*kw + kh*kw - 1 - (ky*kw + kx)].
     */
    static ConvGemm.WeightView flipped(Conv2dGeom s) {
        int kk = s.kh() * s.kw(), k = s.ocg() * kk;
        int[] col = new int[k];
        for (int p = 0; p < k; p++) col[p] = p / kk * s.cg() * kk + kk - 1 - p % kk;
        return new ConvGemm.WeightView(kk, col);
    }

    // x: (n, c, h, w), dy: (n, oc, oh, ow) -> dw: (oc, c/g, kh, kw), dbias: (oc) or null
    public static void backwardWeight(Conv2dGeom s, Buf.F32 x, Buf.F32 dy, Buf.F32 dw, Buf.F32 dbias) {
        float[] xA = Buf.arr(x), dyA = Buf.arr(dy), dwA = Buf.arr(dw), dbiasA = Buf.arr(dbias);
        int xOff = Buf.off(x), dyOff = Buf.off(dy), dwOff = Buf.off(dw), dbOff = Buf.off(dbias);
        int p = s.oh() * s.ow(), k = s.kdim(), ocg = s.ocg();
        if (ConvWeightGrad.suits(s)) ConvWeightGrad.backwardWeight(s, xA, xOff, dyA, dyOff, dwA, dwOff);
        else
            for (int g = 0; g < s.groups(); g++)
                Gemm.sgemm(
                        ocg,
                        k,
                        s.n() * p,
                        1f,
                        outputColumns(s, dyA, dyOff, g),
                        im2colT(s, xA, xOff, g),
                        0f,
                        dwA,
                        dwOff + g * ocg * k,
                        k);
        if (dbiasA != null) {
            Parallel.range(s.oc(), 8, (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    double acc = 0;
                    for (int b = 0; b < s.n(); b++) acc += Norm.sum(dyA, dyOff + (b * s.oc() + o) * p, p);
                    dbiasA[dbOff + o] = (float) acc;
                }
            });
        }
    }

    // ---- packing sources ----

    /**
     * col^T (n*P, K) of group g over the whole batch as a GEMM B source: row = (image, oy, ox),
     * column = (ci, ky, kx). The rows of a strip are walked in runs along one output row (one
     * image plane for a pointwise conv), each column of the strip copied along the run with the
     * out-of-image part zero-filled: no per-element bounds test.
     */
    static Gemm.BSource im2colT(Conv2dGeom s, float[] x, int xOff, int g) {
        int p = s.oh() * s.ow(), ow = s.ow(), kk = s.kh() * s.kw(), hw = s.h() * s.w(), sw = s.sw();
        int nr = Gemm.nr();
        boolean pw = pointwise(s);
        return (p0, kc, j0, w, dst, off) -> {
            int[] seg = new int[3 * nr]; // per column: plane offset of ci, ky*dh, kx*dw
            for (int xq = 0; xq < w; xq++) {
                int r = j0 + xq;
                seg[3 * xq] = (r / kk) * hw;
                seg[3 * xq + 1] = ((r % kk) / s.kw()) * s.dh();
                seg[3 * xq + 2] = (r % s.kw()) * s.dw();
            }
            for (int q = 0; q < kc; ) {
                int j = p0 + q, b = j / p, pix = j - b * p, oy = pix / ow, ox = pix - oy * ow;
                int len = Math.min(kc - q, pw ? p - pix : ow - ox);
                int base = xOff + (b * s.c() + g * s.cg()) * hw, d0 = off + q * nr;
                for (int xq = 0; xq < w; xq++) {
                    int d = d0 + xq;
                    if (pw) {
                        int src = base + seg[3 * xq] + pix;
                        for (int e = 0; e < len; e++) dst[d + e * nr] = x[src + e];
                        continue;
                    }
                    int iy = oy * s.sh() - s.ph() + seg[3 * xq + 1];
                    int ixs = ox * sw - s.pw() + seg[3 * xq + 2]; // ix of the run's first row
                    int lo = 0, hi = 0; // valid e in [lo, hi): 0 <= ixs + e*sw < w
                    if (iy >= 0 && iy < s.h()) {
                        lo = ixs >= 0 ? 0 : Math.min(len, (-ixs + sw - 1) / sw);
                        hi = s.w() - 1 - ixs < 0 ? lo : Math.max(lo, Math.min(len, (s.w() - 1 - ixs) / sw + 1));
                    }
                    int src = base + seg[3 * xq] + iy * s.w() + ixs;
                    for (int e = 0; e < lo; e++) dst[d + e * nr] = 0f;
                    for (int e = lo; e < hi; e++) dst[d + e * nr] = x[src + e * sw];
                    for (int e = hi; e < len; e++) dst[d + e * nr] = 0f;
                }
                if (w < nr) for (int e = 0; e < len; e++) Arrays.fill(dst, d0 + e * nr + w, d0 + (e + 1) * nr, 0f);
                q += len;
            }
        };
    }

    /**
     * Planes c0.. of images b0.. of a (n, planes, P) tensor as a B source (rows = plane, columns =
     * (image, pixel)): dY_g for backward-data, the input of a pointwise conv (col = x). Each strip
     * row is copied in runs that stay inside one image.
     */
    static Gemm.BSource planeRows(float[] a, int aOff, int planes, int p, int b0, int c0) {
        int nr = Gemm.nr();
        return (p0, kc, j0, w, dst, off) -> {
            for (int q = 0; q < kc; q++) {
                int d = off + q * nr, o = c0 + p0 + q;
                for (int xq = 0; xq < w; ) {
                    int j = j0 + xq, b = j / p, pix = j - b * p, len = Math.min(w - xq, p - pix);
                    System.arraycopy(a, aOff + ((b0 + b) * planes + o) * p + pix, dst, d + xq, len);
                    xq += len;
                }
                if (w < nr) Arrays.fill(dst, d + w, d + nr, 0f);
            }
        };
    }

    /** dY_g of the whole batch as an A source (ocg, n*P): row o, column (image, pixel). */
    static Gemm.ASource outputColumns(Conv2dGeom s, float[] dy, int dyOff, int g) {
        int p = s.oh() * s.ow(), mr = Gemm.mr();
        return (i0, h, p0, kc, alpha, dst, off) -> {
            for (int r = 0; r < mr; r++) {
                if (r >= h) {
                    for (int q = 0; q < kc; q++) dst[off + q * mr + r] = 0f;
                    continue;
                }
                int o = g * s.ocg() + i0 + r;
                for (int q = 0; q < kc; ) {
                    int j = p0 + q, b = j / p, pix = j % p, len = Math.min(kc - q, p - pix);
                    int src = dyOff + (b * s.oc() + o) * p + pix;
                    for (int e = 0; e < len; e++) dst[off + (q + e) * mr + r] = alpha * dy[src + e];
                    q += len;
                }
            }
        };
    }

    /**
     * dx of one image's group (overwritten) = sum of the col entries (K rows, columns
     * colOff..colOff+P of a buffer with row length ld) landing on each pixel; channels in parallel.
     */
    static void col2im(Conv2dGeom s, float[] col, int colOff, int ld, float[] dx, int xo) {
        int oh = s.oh(), ow = s.ow(), kh = s.kh(), kw = s.kw(), hw = s.h() * s.w();
        Parallel.range(s.cg(), Math.max(1, 16384 / Math.max(1, oh * ow * kh * kw)), (c0, c1) -> {
            for (int ci = c0; ci < c1; ci++) {
                int plane = xo + ci * hw;
                Arrays.fill(dx, plane, plane + hw, 0f);
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++) {
                        int r = (ci * kh + ky) * kw + kx;
                        int xs = kx * s.dw() - s.pw();
                        int ox0 = xs >= 0 ? 0 : Math.min(ow, (-xs + s.sw() - 1) / s.sw());
                        int ox1 = s.w() - 1 - xs < 0 ? ox0 : Math.max(ox0, Math.min(ow, (s.w() - 1 - xs) / s.sw() + 1));
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * s.sh() - s.ph() + ky * s.dh();
                            if (iy < 0 || iy >= s.h()) continue;
                            int src = r * ld + colOff + oy * ow, dst = plane + iy * s.w() + xs;
                            if (s.sw() == 1) {
                                for (int ox = ox0; ox < ox1; ox++) dx[dst + ox] += col[src + ox];
                            } else {
                                for (int ox = ox0; ox < ox1; ox++) dx[dst + ox * s.sw()] += col[src + ox];
                            }
                        }
                    }
            }
        });
    }

    /** 1x1, stride 1, no padding: the column matrix of an image is its (c, h*w) planes as they are. */
    static boolean pointwise(Conv2dGeom s) {
        return s.kh() == 1 && s.kw() == 1 && s.sh() == 1 && s.sw() == 1 && s.ph() == 0 && s.pw() == 0;
    }

    private static float[] temp(int size) {
        return Gemm.buffer(TEMP, size);
    }
}
