package org.revtaf.backend.reference;

import org.revtaf.backend.Conv2dGeom;
import org.revtaf.backend.ConvKernels;
import org.revtaf.backend.Pool2dGeom;
import org.revtaf.tensor.Tensor;

/** Direct-loop convolution, pooling and bilinear resize (NCHW, double accumulation). */
public final class RefConv implements ConvKernels {
    @Override
    public void conv2d(Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dGeom g) {
        double[] xv = x.toDoubles(), wv = w.toDoubles(), bv = bias == null ? null : bias.toDoubles();
        double[] ov = new double[g.n() * g.oc() * g.oh() * g.ow()];
        int cg = g.c() / g.groups(), ocg = g.oc() / g.groups();
        for (int n = 0; n < g.n(); n++)
            for (int oc = 0; oc < g.oc(); oc++) {
                int c0 = (oc / ocg) * cg;
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double s = bv == null ? 0 : bv[oc];
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.sh() - g.ph() + ky * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.sw() - g.pw() + kx * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    s += xv[((n * g.c() + c0 + ci) * g.h() + iy) * g.w() + ix]
                                            * wv[((oc * cg + ci) * g.kh() + ky) * g.kw() + kx];
                                }
                            }
                        ov[((n * g.oc() + oc) * g.oh() + oy) * g.ow() + ox] = s;
                    }
            }
        out.setDoubles(ov);
    }

    @Override
    public void conv2dBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Conv2dGeom g) {
        double[] xv = x.toDoubles(), wv = w.toDoubles(), gv = dy.toDoubles();
        double[] dxv = new double[xv.length], dwv = new double[wv.length], dbv = new double[g.oc()];
        int cg = g.c() / g.groups(), ocg = g.oc() / g.groups();
        for (int n = 0; n < g.n(); n++)
            for (int oc = 0; oc < g.oc(); oc++) {
                int c0 = (oc / ocg) * cg;
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double go = gv[((n * g.oc() + oc) * g.oh() + oy) * g.ow() + ox];
                        dbv[oc] += go;
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.sh() - g.ph() + ky * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.sw() - g.pw() + kx * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    int xi = ((n * g.c() + c0 + ci) * g.h() + iy) * g.w() + ix;
                                    int wi = ((oc * cg + ci) * g.kh() + ky) * g.kw() + kx;
                                    dxv[xi] += go * wv[wi];
                                    dwv[wi] += go * xv[xi];
                                }
                            }
                    }
            }
        if (dx != null) dx.setDoubles(dxv);
        if (dw != null) dw.setDoubles(dwv);
        if (db != null) db.setDoubles(dbv);
    }

    @Override
    public void maxPool2d(Tensor out, Tensor argmax, Tensor x, Pool2dGeom g) {
        double[] xv = x.toDoubles();
        int planes = g.n() * g.c(), osz = g.oh() * g.ow();
        double[] ov = new double[planes * osz], iv = new double[planes * osz];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++) {
                    double m = Double.NEGATIVE_INFINITY;
                    int best = -1;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = oy * g.sh() - g.ph() + ky;
                        if (iy < 0 || iy >= g.h()) continue;
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ix = ox * g.sw() - g.pw() + kx;
                            if (ix < 0 || ix >= g.w()) continue;
                            double v = xv[(p * g.h() + iy) * g.w() + ix];
                            if (v > m || best < 0 || Double.isNaN(v)) {
                                m = v;
                                best = iy * g.w() + ix;
                            }
                        }
                    }
                    ov[p * osz + oy * g.ow() + ox] = m;
                    iv[p * osz + oy * g.ow() + ox] = best;
                }
        out.setDoubles(ov);
        argmax.setDoubles(iv);
    }

    @Override
    public void maxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax, Pool2dGeom g) {
        double[] gv = dy.toDoubles();
        long[] idx = argmax.toLongs();
        int planes = g.n() * g.c(), osz = g.oh() * g.ow(), isz = g.h() * g.w();
        double[] d = new double[planes * isz];
        for (int p = 0; p < planes; p++)
            for (int o = 0; o < osz; o++) d[p * isz + (int) idx[p * osz + o]] += gv[p * osz + o];
        dx.setDoubles(d);
    }

    @Override
    public void avgPool2d(Tensor out, Tensor x, Pool2dGeom g) {
        double[] xv = x.toDoubles();
        int planes = g.n() * g.c();
        double[] ov = new double[planes * g.oh() * g.ow()];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++) {
                    int[] win = avgWindow(g, oy, ox);
                    double s = 0;
                    for (int iy = win[0]; iy < win[1]; iy++)
                        for (int ix = win[2]; ix < win[3]; ix++) s += xv[(p * g.h() + iy) * g.w() + ix];
                    ov[(p * g.oh() + oy) * g.ow() + ox] = s / win[4];
                }
        out.setDoubles(ov);
    }

    @Override
    public void avgPool2dBackward(Tensor dx, Tensor dy, Pool2dGeom g) {
        double[] gv = dy.toDoubles();
        int planes = g.n() * g.c();
        double[] d = new double[planes * g.h() * g.w()];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++) {
                    int[] win = avgWindow(g, oy, ox);
                    double v = gv[(p * g.oh() + oy) * g.ow() + ox] / win[4];
                    for (int iy = win[0]; iy < win[1]; iy++)
                        for (int ix = win[2]; ix < win[3]; ix++) d[(p * g.h() + iy) * g.w() + ix] += v;
                }
        dx.setDoubles(d);
    }

    /** {y0, y1, x0, x1, divisor} of one avg-pool window (PyTorch's rule for the divisor). */
    static int[] avgWindow(Pool2dGeom g, int oy, int ox) {
        int y0 = oy * g.sh() - g.ph(), x0 = ox * g.sw() - g.pw();
        int y1 = Math.min(y0 + g.kh(), g.h() + g.ph()), x1 = Math.min(x0 + g.kw(), g.w() + g.pw());
        int padded = (y1 - y0) * (x1 - x0);
        y0 = Math.max(y0, 0);
        x0 = Math.max(x0, 0);
        y1 = Math.min(y1, g.h());
        x1 = Math.min(x1, g.w());
        int div = g.countIncludePad() ? padded : (y1 - y0) * (x1 - x0);
        return new int[] {y0, y1, x0, x1, Math.max(div, 1)};
    }

    @Override
    public void adaptiveAvgPool2d(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow) {
        double[] xv = x.toDoubles();
        double[] ov = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * h / oh, y1 = ceilDiv((oy + 1) * h, oh);
                    int x0 = ox * w / ow, x1 = ceilDiv((ox + 1) * w, ow);
                    double s = 0;
                    for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) s += xv[(p * h + iy) * w + ix];
                    ov[(p * oh + oy) * ow + ox] = s / ((y1 - y0) * (x1 - x0));
                }
        out.setDoubles(ov);
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow) {
        double[] gv = dy.toDoubles();
        double[] d = new double[n * c * h * w];
        for (int p = 0; p < n * c; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * h / oh, y1 = ceilDiv((oy + 1) * h, oh);
                    int x0 = ox * w / ow, x1 = ceilDiv((ox + 1) * w, ow);
                    double v = gv[(p * oh + oy) * ow + ox] / ((y1 - y0) * (x1 - x0));
                    for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) d[(p * h + iy) * w + ix] += v;
                }
        dx.setDoubles(d);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public void bilinear(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        double[] xv = x.toDoubles();
        double[] ov = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++)
            for (int oy = 0; oy < oh; oy++) {
                Lerp ly = Lerp.of(oy, h, oh, alignCorners);
                for (int ox = 0; ox < ow; ox++) {
                    Lerp lx = Lerp.of(ox, w, ow, alignCorners);
                    int b = p * h * w;
                    ov[(p * oh + oy) * ow + ox] =
                            ly.w0 * (lx.w0 * xv[b + ly.i0 * w + lx.i0] + lx.w1 * xv[b + ly.i0 * w + lx.i1])
                                    + ly.w1 * (lx.w0 * xv[b + ly.i1 * w + lx.i0] + lx.w1 * xv[b + ly.i1 * w + lx.i1]);
                }
            }
        out.setDoubles(ov);
    }

    @Override
    public void bilinearBackward(
            Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        double[] gv = dy.toDoubles();
        double[] d = new double[n * c * h * w];
        for (int p = 0; p < n * c; p++)
            for (int oy = 0; oy < oh; oy++) {
                Lerp ly = Lerp.of(oy, h, oh, alignCorners);
                for (int ox = 0; ox < ow; ox++) {
                    Lerp lx = Lerp.of(ox, w, ow, alignCorners);
                    double v = gv[(p * oh + oy) * ow + ox];
                    int b = p * h * w;
                    d[b + ly.i0 * w + lx.i0] += v * ly.w0 * lx.w0;
                    d[b + ly.i0 * w + lx.i1] += v * ly.w0 * lx.w1;
                    d[b + ly.i1 * w + lx.i0] += v * ly.w1 * lx.w0;
                    d[b + ly.i1 * w + lx.i1] += v * ly.w1 * lx.w1;
                }
            }
        dx.setDoubles(d);
    }

    /** Source taps of one output coordinate (PyTorch upsample_bilinear2d). */
    public record Lerp(int i0, int i1, double w0, double w1) {
        public static Lerp of(int dst, int in, int out, boolean alignCorners) {
            double src;
            if (alignCorners) src = out > 1 ? dst * (double) (in - 1) / (out - 1) : 0;
            else src = Math.max((dst + 0.5) * in / out - 0.5, 0);
            int i0 = Math.min((int) src, in - 1);
            int i1 = i0 < in - 1 ? i0 + 1 : i0;
            double l1 = src - i0;
            return new Lerp(i0, i1, 1 - l1, l1);
        }
    }
}
