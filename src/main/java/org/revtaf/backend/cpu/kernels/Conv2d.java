package org.revtaf.backend.cpu.kernels;

import java.util.Arrays;

/**
 * Fast 2-D convolution, NCHW, via im2col / col2im and {@link Gemm}, one image at a time (so the
 * column buffer is cg*kh*kw x oh*ow floats, never the whole batch). 1x1 convolutions with stride
 * 1 and no padding skip im2col. Oracle: {@link Conv2dRef}. Outputs are overwritten.
 *
 * <p>Per image b and group g, with K = cg*kh*kw, P = oh*ow:
 * forward y_g (ocg, P) = W_g (ocg, K) * col (K, P) + bias; backward-data dcol (K, P) = W_g^T *
 * dy_g, then col2im into dx; backward-weight dW_g (ocg, K) += dy_g (ocg, P) * col^T.
 */
public final class Conv2d {
    private static final ThreadLocal<float[]> COL = new ThreadLocal<>();

    private Conv2d() {}

    static boolean pointwise(ConvShape s) {
        return s.kh() == 1 && s.kw() == 1 && s.sh() == 1 && s.sw() == 1 && s.ph() == 0 && s.pw() == 0;
    }

    // x: (n, c, h, w), wt: (oc, c/g, kh, kw), bias: (oc) or null -> y: (n, oc, oh, ow)
    public static void forward(
            ConvShape s, float[] x, int xOff, float[] wt, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        int p = s.oh() * s.ow(), k = s.kdim(), ocg = s.ocg(), cg = s.cg();
        boolean direct = pointwise(s);
        float[] col = direct ? null : buffer(k * p);
        for (int b = 0; b < s.n(); b++) {
            for (int g = 0; g < s.groups(); g++) {
                int xo = xOff + (b * s.c() + g * cg) * s.h() * s.w();
                int yo = yOff + (b * s.oc() + g * ocg) * p;
                float[] src = x;
                int srcOff = xo;
                if (!direct) {
                    im2col(s, x, xo, col);
                    src = col;
                    srcOff = 0;
                }
                Gemm.sgemm(false, false, ocg, p, k, 1f, wt, wOff + g * ocg * k, k, src, srcOff, p, 0f, y, yo, p);
            }
            if (bias != null) {
                int yb = yOff + b * s.oc() * p;
                for (int o = 0; o < s.oc(); o++) {
                    float bv = bias[bOff + o];
                    int r = yb + o * p;
                    for (int i = 0; i < p; i++) y[r + i] += bv;
                }
            }
        }
    }

    // dy: (n, oc, oh, ow), wt: (oc, c/g, kh, kw) -> dx: (n, c, h, w)
    public static void backwardData(ConvShape s, float[] dy, int dyOff, float[] wt, int wOff, float[] dx, int dxOff) {
        int p = s.oh() * s.ow(), k = s.kdim(), ocg = s.ocg(), cg = s.cg();
        boolean direct = pointwise(s);
        float[] col = direct ? null : buffer(k * p);
        for (int b = 0; b < s.n(); b++) {
            for (int g = 0; g < s.groups(); g++) {
                int xo = dxOff + (b * s.c() + g * cg) * s.h() * s.w();
                int yo = dyOff + (b * s.oc() + g * ocg) * p;
                if (direct) {
                    Gemm.sgemm(true, false, k, p, ocg, 1f, wt, wOff + g * ocg * k, k, dy, yo, p, 0f, dx, xo, p);
                } else {
                    Gemm.sgemm(true, false, k, p, ocg, 1f, wt, wOff + g * ocg * k, k, dy, yo, p, 0f, col, 0, p);
                    col2im(s, col, dx, xo);
                }
            }
        }
    }

    // x: (n, c, h, w), dy: (n, oc, oh, ow) -> dw: (oc, c/g, kh, kw), dbias: (oc) or null
    public static void backwardWeight(
            ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, float[] dbias, int dbOff) {
        int p = s.oh() * s.ow(), k = s.kdim(), ocg = s.ocg(), cg = s.cg();
        boolean direct = pointwise(s);
        float[] col = direct ? null : buffer(k * p);
        if (s.n() == 0) Arrays.fill(dw, dwOff, dwOff + (int) s.wSize(), 0f);
        for (int b = 0; b < s.n(); b++) {
            for (int g = 0; g < s.groups(); g++) {
                int xo = xOff + (b * s.c() + g * cg) * s.h() * s.w();
                int yo = dyOff + (b * s.oc() + g * ocg) * p;
                float[] src = x;
                int srcOff = xo;
                if (!direct) {
                    im2col(s, x, xo, col);
                    src = col;
                    srcOff = 0;
                }
                Gemm.sgemm(
                        false,
                        true,
                        ocg,
                        k,
                        p,
                        1f,
                        dy,
                        yo,
                        p,
                        src,
                        srcOff,
                        p,
                        b == 0 ? 0f : 1f,
                        dw,
                        dwOff + g * ocg * k,
                        k);
            }
        }
        if (dbias != null) {
            Parallel.range(s.oc(), 8, (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    double acc = 0;
                    for (int b = 0; b < s.n(); b++) {
                        int r = dyOff + (b * s.oc() + o) * p;
                        float part = 0;
                        for (int i = 0; i < p; i++) part += dy[r + i];
                        acc += part;
                    }
                    dbias[dbOff + o] = (float) acc;
                }
            });
        }
    }

    /** col (K, P): col[(ci*kh + ky)*kw + kx][oy*ow + ox] = x[ci][iy][ix] or 0 outside; x = one image's group. */
    static void im2col(ConvShape s, float[] x, int xo, float[] col) {
        int oh = s.oh(), ow = s.ow(), p = oh * ow, kk = s.kh() * s.kw();
        Parallel.range(s.kdim(), Math.max(1, 16384 / Math.max(1, p)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ci = r / kk, ky = (r % kk) / s.kw(), kx = r % s.kw();
                int plane = xo + ci * s.h() * s.w();
                int xs = kx * s.dw() - s.pw();
                // valid ox: 0 <= ox*sw + xs < w
                int ox0 = xs >= 0 ? 0 : (-xs + s.sw() - 1) / s.sw();
                int ox1 = Math.max(ox0, Math.min(ow, (s.w() - 1 - xs) / s.sw() + 1));
                if (s.w() - 1 - xs < 0) ox1 = ox0;
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * s.sh() - s.ph() + ky * s.dh();
                    int dst = r * p + oy * ow;
                    if (iy < 0 || iy >= s.h()) {
                        Arrays.fill(col, dst, dst + ow, 0f);
                        continue;
                    }
                    int src = plane + iy * s.w() + xs;
                    if (ox0 > 0) Arrays.fill(col, dst, dst + ox0, 0f);
                    if (s.sw() == 1) {
                        System.arraycopy(x, src + ox0, col, dst + ox0, ox1 - ox0);
                    } else {
                        for (int ox = ox0; ox < ox1; ox++) col[dst + ox] = x[src + ox * s.sw()];
                    }
                    if (ox1 < ow) Arrays.fill(col, dst + ox1, dst + ow, 0f);
                }
            }
        });
    }

    /** dx (one image's group, overwritten) = sum of col entries landing on each pixel. */
    static void col2im(ConvShape s, float[] col, float[] dx, int xo) {
        int oh = s.oh(), ow = s.ow(), p = oh * ow, kh = s.kh(), kw = s.kw(), hw = s.h() * s.w();
        // channels are independent: parallel over ci
        Parallel.range(s.cg(), Math.max(1, 16384 / Math.max(1, p * kh * kw)), (c0, c1) -> {
            for (int ci = c0; ci < c1; ci++) {
                int plane = xo + ci * hw;
                Arrays.fill(dx, plane, plane + hw, 0f);
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++) {
                        int r = (ci * kh + ky) * kw + kx;
                        int xs = kx * s.dw() - s.pw();
                        int ox0 = xs >= 0 ? 0 : (-xs + s.sw() - 1) / s.sw();
                        int ox1 = s.w() - 1 - xs < 0 ? ox0 : Math.max(ox0, Math.min(ow, (s.w() - 1 - xs) / s.sw() + 1));
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * s.sh() - s.ph() + ky * s.dh();
                            if (iy < 0 || iy >= s.h()) continue;
                            int src = r * p + oy * ow, dst = plane + iy * s.w() + xs;
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

    private static float[] buffer(int size) {
        float[] b = COL.get();
        if (b == null || b.length < size) {
            b = new float[size];
            COL.set(b);
        }
        return b;
    }
}
