package org.revtaf.backend.cpu.kernels;

/**
 * Direct-loop 2-D convolution (NCHW), the oracle of {@link Conv2d}. Accumulates in double.
 * Outputs are overwritten (not accumulated).
 */
public final class Conv2dRef {
    private Conv2dRef() {}

    // x: (n, c, h, w), wt: (oc, c/g, kh, kw), bias: (oc) or null, y: (n, oc, oh, ow)
    public static void forward(
            ConvShape s, float[] x, int xOff, float[] wt, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        int oh = s.oh(), ow = s.ow(), cg = s.cg(), ocg = s.ocg();
        for (int b = 0; b < s.n(); b++)
            for (int o = 0; o < s.oc(); o++) {
                int g = o / ocg;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias[bOff + o];
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < s.kh(); ky++) {
                                int iy = oy * s.sh() - s.ph() + ky * s.dh();
                                if (iy < 0 || iy >= s.h()) continue;
                                for (int kx = 0; kx < s.kw(); kx++) {
                                    int ix = ox * s.sw() - s.pw() + kx * s.dw();
                                    if (ix < 0 || ix >= s.w()) continue;
                                    acc += (double) x[xOff + ((b * s.c() + g * cg + ci) * s.h() + iy) * s.w() + ix]
                                            * wt[wOff + ((o * cg + ci) * s.kh() + ky) * s.kw() + kx];
                                }
                            }
                        y[yOff + ((b * s.oc() + o) * oh + oy) * ow + ox] = (float) acc;
                    }
            }
    }

    // dy: (n, oc, oh, ow), wt: (oc, c/g, kh, kw) -> dx: (n, c, h, w)
    public static void backwardData(ConvShape s, float[] dy, int dyOff, float[] wt, int wOff, float[] dx, int dxOff) {
        int oh = s.oh(), ow = s.ow(), cg = s.cg(), ocg = s.ocg();
        double[] acc = new double[(int) s.xSize()];
        for (int b = 0; b < s.n(); b++)
            for (int o = 0; o < s.oc(); o++) {
                int g = o / ocg;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double d = dy[dyOff + ((b * s.oc() + o) * oh + oy) * ow + ox];
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < s.kh(); ky++) {
                                int iy = oy * s.sh() - s.ph() + ky * s.dh();
                                if (iy < 0 || iy >= s.h()) continue;
                                for (int kx = 0; kx < s.kw(); kx++) {
                                    int ix = ox * s.sw() - s.pw() + kx * s.dw();
                                    if (ix < 0 || ix >= s.w()) continue;
                                    acc[((b * s.c() + g * cg + ci) * s.h() + iy) * s.w() + ix] +=
                                            d * wt[wOff + ((o * cg + ci) * s.kh() + ky) * s.kw() + kx];
                                }
                            }
                    }
            }
        for (int i = 0; i < acc.length; i++) dx[dxOff + i] = (float) acc[i];
    }

    // x: (n, c, h, w), dy: (n, oc, oh, ow) -> dw: (oc, c/g, kh, kw), dbias: (oc) or null
    public static void backwardWeight(
            ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, float[] dbias, int dbOff) {
        int oh = s.oh(), ow = s.ow(), cg = s.cg(), ocg = s.ocg();
        for (int o = 0; o < s.oc(); o++) {
            int g = o / ocg;
            double bsum = 0;
            for (int b = 0; b < s.n(); b++)
                for (int p = 0; p < oh * ow; p++) bsum += dy[dyOff + (b * s.oc() + o) * oh * ow + p];
            if (dbias != null) dbias[dbOff + o] = (float) bsum;
            for (int ci = 0; ci < cg; ci++)
                for (int ky = 0; ky < s.kh(); ky++)
                    for (int kx = 0; kx < s.kw(); kx++) {
                        double acc = 0;
                        for (int b = 0; b < s.n(); b++)
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * s.sh() - s.ph() + ky * s.dh();
                                if (iy < 0 || iy >= s.h()) continue;
                                for (int ox = 0; ox < ow; ox++) {
                                    int ix = ox * s.sw() - s.pw() + kx * s.dw();
                                    if (ix < 0 || ix >= s.w()) continue;
                                    acc += (double) dy[dyOff + ((b * s.oc() + o) * oh + oy) * ow + ox]
                                            * x[xOff + ((b * s.c() + g * cg + ci) * s.h() + iy) * s.w() + ix];
                                }
                            }
                        dw[dwOff + ((o * cg + ci) * s.kh() + ky) * s.kw() + kx] = (float) acc;
                    }
        }
    }
}
