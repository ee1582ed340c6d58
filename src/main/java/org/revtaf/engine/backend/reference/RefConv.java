package org.revtaf.engine.backend.reference;

import static org.revtaf.engine.backend.reference.Staging.run;

import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.ConvKernels;
import org.revtaf.engine.backend.Lerp;
import org.revtaf.engine.backend.Pool2dGeom;
import org.revtaf.engine.tensor.Tensor;

/**
 * Convolution, pooling and bilinear resize (NCHW): the double oracles (static, direct loops, the
 * signatures of the cpu kernels {@code Conv2d} and {@code Pool}) and the reference backend's kernels
 * on them. Outputs are overwritten, never accumulated.
 */
public final class RefConv implements ConvKernels {
    @Override
    public void conv2d(Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dGeom g) {
        run(s -> forward(g, s.in(x), s.in(w), s.in(bias), s.out(out)));
    }

    @Override
    public void conv2dBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Conv2dGeom g) {
        run(s -> {
            if (dx != null) backwardData(g, s.in(dy), s.in(w), s.out(dx));
            if (dw != null || db != null) backwardWeight(g, s.in(x), s.in(dy), s.out(dw), s.out(db));
        });
    }

    @Override
    public void maxPool2d(Tensor out, Tensor argmax, Tensor x, Pool2dGeom g) {
        run(s -> maxForward(g, s.in(x), s.out(out), new Buf.I32(argmax.heap().i32(), argmax.offset())));
    }

    @Override
    public void maxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor x, Tensor out, Pool2dGeom g) {
        run(s -> maxBackward(g, s.in(dy), new Buf.I32(argmax.heap().i32(), argmax.offset()), s.out(dx)));
    }

    @Override
    public void avgPool2d(Tensor out, Tensor x, Pool2dGeom g, boolean countIncludePad) {
        run(s -> avgForward(g, countIncludePad, s.in(x), s.out(out)));
    }

    @Override
    public void avgPool2dBackward(Tensor dx, Tensor dy, Tensor x, Tensor out, Pool2dGeom g, boolean countIncludePad) {
        run(s -> avgBackward(g, countIncludePad, s.in(dy), s.out(dx)));
    }

    @Override
    public void adaptiveAvgPool2d(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow) {
        run(s -> adaptiveAvgForward(n * c, h, w, oh, ow, s.in(x), s.out(out)));
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow) {
        run(s -> adaptiveAvgBackward(n * c, h, w, oh, ow, s.in(dy), s.out(dx)));
    }

    /** One output of a bilinear resize: its index, the offset of its input plane and its row and column taps. */
    private interface Taps {
        void at(int o, int plane, Lerp ly, Lerp lx);
    }

    /** Every output of a bilinear resize of (planes, h, w) to (planes, oh, ow), in order. */
    private static void bilinearTaps(int planes, int h, int w, int oh, int ow, boolean alignCorners, Taps f) {
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++) {
                Lerp ly = Lerp.of(oy, h, oh, alignCorners);
                for (int ox = 0; ox < ow; ox++)
                    f.at((p * oh + oy) * ow + ox, p * h * w, ly, Lerp.of(ox, w, ow, alignCorners));
            }
    }

    @Override
    public void bilinear(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        double[] xv = x.toDoubles();
        double[] ov = new double[n * c * oh * ow];
        bilinearTaps(
                n * c,
                h,
                w,
                oh,
                ow,
                alignCorners,
                (o, b, ly, lx) -> ov[o] = ly.w0()
                                * (lx.w0() * xv[b + ly.i0() * w + lx.i0()] + lx.w1() * xv[b + ly.i0() * w + lx.i1()])
                        + ly.w1()
                                * (lx.w0() * xv[b + ly.i1() * w + lx.i0()] + lx.w1() * xv[b + ly.i1() * w + lx.i1()]));
        out.setDoubles(ov);
    }

    @Override
    public void bilinearBackward(
            Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        double[] gv = dy.toDoubles();
        double[] d = new double[n * c * h * w];
        bilinearTaps(n * c, h, w, oh, ow, alignCorners, (o, b, ly, lx) -> {
            double v = gv[o];
            d[b + ly.i0() * w + lx.i0()] += v * ly.w0() * lx.w0();
            d[b + ly.i0() * w + lx.i1()] += v * ly.w0() * lx.w1();
            d[b + ly.i1() * w + lx.i0()] += v * ly.w1() * lx.w0();
            d[b + ly.i1() * w + lx.i1()] += v * ly.w1() * lx.w1();
        });
        dx.setDoubles(d);
    }

    /** One tap of a convolution output: the input element xi times the weight element wi. */
    @FunctionalInterface
    private interface Tap {
        void at(int xi, int wi);
    }

    /**
     * The taps of output (b, o, oy, ox) inside the padded input, in (ci, ky, kx) order: xi indexes x (n, c,
     * h, w), wi indexes wt (oc, c/g, kh, kw), both from element 0.
     */
    private static void taps(Conv2dGeom s, int b, int o, int oy, int ox, Tap tap) {
        int cg = s.cg(), g = o / s.ocg();
        for (int ci = 0; ci < cg; ci++)
            for (int ky = 0; ky < s.kh(); ky++) {
                int iy = oy * s.sh() - s.ph() + ky * s.dh();
                if (iy < 0 || iy >= s.h()) continue;
                for (int kx = 0; kx < s.kw(); kx++) {
                    int ix = ox * s.sw() - s.pw() + kx * s.dw();
                    if (ix < 0 || ix >= s.w()) continue;
                    tap.at(
                            ((b * s.c() + g * cg + ci) * s.h() + iy) * s.w() + ix,
                            ((o * cg + ci) * s.kh() + ky) * s.kw() + kx);
                }
            }
    }

    // x: (n, c, h, w), wt: (oc, c/g, kh, kw), bias: (oc) or null, y: (n, oc, oh, ow)
    public static void forward(Conv2dGeom s, Buf.F64 x, Buf.F64 wt, Buf.F64 bias, Buf.F64 y) {
        double[] xA = Buf.arr(x), wtA = Buf.arr(wt), biasA = Buf.arr(bias), yA = Buf.arr(y);
        int xOff = Buf.off(x), wOff = Buf.off(wt), bOff = Buf.off(bias), yOff = Buf.off(y);
        int oh = s.oh(), ow = s.ow();
        for (int b = 0; b < s.n(); b++)
            for (int o = 0; o < s.oc(); o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double[] acc = {biasA == null ? 0 : biasA[bOff + o]};
                        taps(s, b, o, oy, ox, (xi, wi) -> acc[0] += xA[xOff + xi] * wtA[wOff + wi]);
                        yA[yOff + ((b * s.oc() + o) * oh + oy) * ow + ox] = acc[0];
                    }
    }

    // dy: (n, oc, oh, ow), wt: (oc, c/g, kh, kw) -> dx: (n, c, h, w)
    public static void backwardData(Conv2dGeom s, Buf.F64 dy, Buf.F64 wt, Buf.F64 dx) {
        double[] dyA = Buf.arr(dy), wtA = Buf.arr(wt), dxA = Buf.arr(dx);
        int dyOff = Buf.off(dy), wOff = Buf.off(wt), dxOff = Buf.off(dx);
        int oh = s.oh(), ow = s.ow();
        double[] acc = new double[(int) s.xSize()];
        for (int b = 0; b < s.n(); b++)
            for (int o = 0; o < s.oc(); o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double d = dyA[dyOff + ((b * s.oc() + o) * oh + oy) * ow + ox];
                        taps(s, b, o, oy, ox, (xi, wi) -> acc[xi] += d * wtA[wOff + wi]);
                    }
        for (int i = 0; i < acc.length; i++) dxA[dxOff + i] = acc[i];
    }

    // x: (n, c, h, w), dy: (n, oc, oh, ow) -> dw: (oc, c/g, kh, kw), dbias: (oc) or null
    public static void backwardWeight(Conv2dGeom s, Buf.F64 x, Buf.F64 dy, Buf.F64 dw, Buf.F64 dbias) {
        double[] xA = Buf.arr(x), dyA = Buf.arr(dy), dwA = Buf.arr(dw), dbiasA = Buf.arr(dbias);
        int xOff = Buf.off(x), dyOff = Buf.off(dy), dwOff = Buf.off(dw), dbOff = Buf.off(dbias);
        int oh = s.oh(), ow = s.ow(), cg = s.cg(), ocg = s.ocg();
        for (int o = 0; o < s.oc(); o++) {
            int g = o / ocg;
            double bsum = 0;
            for (int b = 0; b < s.n(); b++)
                for (int p = 0; p < oh * ow; p++) bsum += dyA[dyOff + (b * s.oc() + o) * oh * ow + p];
            if (dbiasA != null) dbiasA[dbOff + o] = bsum;
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
                                    acc += dyA[dyOff + ((b * s.oc() + o) * oh + oy) * ow + ox]
                                            * xA[xOff + ((b * s.c() + g * cg + ci) * s.h() + iy) * s.w() + ix];
                                }
                            }
                        dwA[dwOff + ((o * cg + ci) * s.kh() + ky) * s.kw() + kx] = acc;
                    }
        }
    }

    public static void maxForward(Pool2dGeom s, Buf.F64 x, Buf.F64 y, Buf.I32 idx) {
        double[] xA = Buf.arr(x), yA = Buf.arr(y);
        int[] idxA = Buf.arr(idx);
        int xOff = Buf.off(x), yOff = Buf.off(y), iOff = Buf.off(idx);
        int oh = s.oh(), ow = s.ow();
        for (int p = 0; p < s.planes(); p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int arg = -1;
                    for (int ky = 0; ky < s.kh(); ky++)
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.ph() + ky, ix = ox * s.sw() - s.pw() + kx;
                            if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                            double v = xA[xOff + (p * s.h() + iy) * s.w() + ix];
                            if (arg < 0 || v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                                best = v;
                                arg = iy * s.w() + ix;
                            }
                        }
                    int o = (p * oh + oy) * ow + ox;
                    yA[yOff + o] = best;
                    idxA[iOff + o] = arg;
                }
    }

    public static void maxBackward(Pool2dGeom s, Buf.F64 dy, Buf.I32 idx, Buf.F64 dx) {
        double[] dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int[] idxA = Buf.arr(idx);
        int dyOff = Buf.off(dy), iOff = Buf.off(idx), dxOff = Buf.off(dx);
        int hw = s.h() * s.w(), ohw = s.oh() * s.ow();
        java.util.Arrays.fill(dxA, dxOff, dxOff + s.planes() * hw, 0f);
        for (int p = 0; p < s.planes(); p++)
            for (int o = 0; o < ohw; o++) dxA[dxOff + p * hw + idxA[iOff + p * ohw + o]] += dyA[dyOff + p * ohw + o];
    }

    public static void avgForward(Pool2dGeom s, boolean countIncludePad, Buf.F64 x, Buf.F64 y) {
        double[] xA = Buf.arr(x), yA = Buf.arr(y);
        int xOff = Buf.off(x), yOff = Buf.off(y);
        int oh = s.oh(), ow = s.ow();
        for (int p = 0; p < s.planes(); p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double acc = 0;
                    for (int ky = 0; ky < s.kh(); ky++)
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.ph() + ky, ix = ox * s.sw() - s.pw() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w())
                                acc += xA[xOff + (p * s.h() + iy) * s.w() + ix];
                        }
                    yA[yOff + (p * oh + oy) * ow + ox] = (acc / s.divisor(oy, ox, countIncludePad));
                }
    }

    public static void avgBackward(Pool2dGeom s, boolean countIncludePad, Buf.F64 dy, Buf.F64 dx) {
        double[] dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int dyOff = Buf.off(dy), dxOff = Buf.off(dx);
        int oh = s.oh(), ow = s.ow();
        java.util.Arrays.fill(dxA, dxOff, dxOff + s.planes() * s.h() * s.w(), 0f);
        for (int p = 0; p < s.planes(); p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double g = dyA[dyOff + (p * oh + oy) * ow + ox] / s.divisor(oy, ox, countIncludePad);
                    for (int ky = 0; ky < s.kh(); ky++)
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.ph() + ky, ix = ox * s.sw() - s.pw() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w())
                                dxA[dxOff + (p * s.h() + iy) * s.w() + ix] += g;
                        }
                }
    }

    // x: (planes, h, w) -> y: (planes, oh, ow); bin [floor(o*h/oh), ceil((o+1)*h/oh))
    public static void adaptiveAvgForward(int planes, int h, int w, int oh, int ow, Buf.F64 x, Buf.F64 y) {
        double[] xA = Buf.arr(x), yA = Buf.arr(y);
        int xOff = Buf.off(x), yOff = Buf.off(y);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                    int x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                    double acc = 0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) acc += xA[xOff + (p * h + iy) * w + ix];
                    yA[yOff + (p * oh + oy) * ow + ox] = (acc / ((y1 - y0) * (x1 - x0)));
                }
    }

    public static void adaptiveAvgBackward(int planes, int h, int w, int oh, int ow, Buf.F64 dy, Buf.F64 dx) {
        double[] dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int dyOff = Buf.off(dy), dxOff = Buf.off(dx);
        java.util.Arrays.fill(dxA, dxOff, dxOff + planes * h * w, 0f);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                    int x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                    double g = dyA[dyOff + (p * oh + oy) * ow + ox] / ((y1 - y0) * (x1 - x0));
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) dxA[dxOff + (p * h + iy) * w + ix] += g;
                }
    }
}
