package org.revtaf.backend.cpu.kernels;

/**
 * Scalar oracle of {@link Pool}: max pool (index of the max within its input plane, first max
 * wins, NaN wins), avg pool (PyTorch divisor rules), adaptive avg pool. Outputs overwritten.
 */
public final class PoolRef {
    private PoolRef() {}

    public static void maxForward(PoolShape s, float[] x, int xOff, float[] y, int yOff, int[] idx, int iOff) {
        int oh = s.oh(), ow = s.ow();
        for (int p = 0; p < s.planes(); p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int arg = -1;
                    for (int ky = 0; ky < s.kh(); ky++)
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.ph() + ky, ix = ox * s.sw() - s.pw() + kx;
                            if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                            float v = x[xOff + (p * s.h() + iy) * s.w() + ix];
                            if (arg < 0 || v > best || (Float.isNaN(v) && !Float.isNaN(best))) {
                                best = v;
                                arg = iy * s.w() + ix;
                            }
                        }
                    int o = (p * oh + oy) * ow + ox;
                    y[yOff + o] = best;
                    idx[iOff + o] = arg;
                }
    }

    public static void maxBackward(PoolShape s, float[] dy, int dyOff, int[] idx, int iOff, float[] dx, int dxOff) {
        int hw = s.h() * s.w(), ohw = s.oh() * s.ow();
        java.util.Arrays.fill(dx, dxOff, dxOff + s.planes() * hw, 0f);
        for (int p = 0; p < s.planes(); p++)
            for (int o = 0; o < ohw; o++) dx[dxOff + p * hw + idx[iOff + p * ohw + o]] += dy[dyOff + p * ohw + o];
    }

    /** PyTorch divisor: window clipped to the padded input; with !countIncludePad also to the input. */
    static int divisor(PoolShape s, int oy, int ox, boolean countIncludePad) {
        int y0 = oy * s.sh() - s.ph(), x0 = ox * s.sw() - s.pw();
        int y1 = Math.min(y0 + s.kh(), s.h() + s.ph()), x1 = Math.min(x0 + s.kw(), s.w() + s.pw());
        if (countIncludePad) return (y1 - y0) * (x1 - x0);
        return (Math.min(y1, s.h()) - Math.max(y0, 0)) * (Math.min(x1, s.w()) - Math.max(x0, 0));
    }

    public static void avgForward(PoolShape s, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff) {
        int oh = s.oh(), ow = s.ow();
        for (int p = 0; p < s.planes(); p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double acc = 0;
                    for (int ky = 0; ky < s.kh(); ky++)
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.ph() + ky, ix = ox * s.sw() - s.pw() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w())
                                acc += x[xOff + (p * s.h() + iy) * s.w() + ix];
                        }
                    y[yOff + (p * oh + oy) * ow + ox] = (float) (acc / divisor(s, oy, ox, countIncludePad));
                }
    }

    public static void avgBackward(PoolShape s, boolean countIncludePad, float[] dy, int dyOff, float[] dx, int dxOff) {
        int oh = s.oh(), ow = s.ow();
        java.util.Arrays.fill(dx, dxOff, dxOff + s.planes() * s.h() * s.w(), 0f);
        for (int p = 0; p < s.planes(); p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    float g = dy[dyOff + (p * oh + oy) * ow + ox] / divisor(s, oy, ox, countIncludePad);
                    for (int ky = 0; ky < s.kh(); ky++)
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.ph() + ky, ix = ox * s.sw() - s.pw() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w())
                                dx[dxOff + (p * s.h() + iy) * s.w() + ix] += g;
                        }
                }
    }

    // x: (planes, h, w) -> y: (planes, oh, ow); bin [floor(o*h/oh), ceil((o+1)*h/oh))
    public static void adaptiveAvgForward(
            int planes, int h, int w, int oh, int ow, float[] x, int xOff, float[] y, int yOff) {
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                    int x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                    double acc = 0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) acc += x[xOff + (p * h + iy) * w + ix];
                    y[yOff + (p * oh + oy) * ow + ox] = (float) (acc / ((y1 - y0) * (x1 - x0)));
                }
    }

    public static void adaptiveAvgBackward(
            int planes, int h, int w, int oh, int ow, float[] dy, int dyOff, float[] dx, int dxOff) {
        java.util.Arrays.fill(dx, dxOff, dxOff + planes * h * w, 0f);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                    int x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                    float g = dy[dyOff + (p * oh + oy) * ow + ox] / ((y1 - y0) * (x1 - x0));
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) dx[dxOff + (p * h + iy) * w + ix] += g;
                }
    }
}
