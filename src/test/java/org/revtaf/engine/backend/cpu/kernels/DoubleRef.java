package org.revtaf.engine.backend.cpu.kernels;

import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.Pool2dGeom;

/**
 * Tiny double-precision forward functions used only for central-difference gradient checks of
 * the float backward kernels (independent of the kernels under test).
 */
final class DoubleRef {
    private DoubleRef() {}

    static double[] conv2d(Conv2dGeom s, double[] x, double[] w, double[] bias) {
        int oh = s.oh(), ow = s.ow(), cg = s.cg(), ocg = s.ocg();
        double[] y = new double[(int) s.ySize()];
        for (int b = 0; b < s.n(); b++)
            for (int o = 0; o < s.oc(); o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < cg; ci++)
                            for (int ky = 0; ky < s.kh(); ky++)
                                for (int kx = 0; kx < s.kw(); kx++) {
                                    int iy = oy * s.sh() - s.ph() + ky * s.dh(),
                                            ix = ox * s.sw() - s.pw() + kx * s.dw();
                                    if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w())
                                        acc += x[((b * s.c() + o / ocg * cg + ci) * s.h() + iy) * s.w() + ix]
                                                * w[((o * cg + ci) * s.kh() + ky) * s.kw() + kx];
                                }
                        y[((b * s.oc() + o) * oh + oy) * ow + ox] = acc;
                    }
        return y;
    }

    static double[] layerNorm(double[] x, double[] g, double[] b, int rows, int d, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mu = 0, v = 0;
            for (int j = 0; j < d; j++) mu += x[r * d + j] / d;
            for (int j = 0; j < d; j++) v += (x[r * d + j] - mu) * (x[r * d + j] - mu) / d;
            for (int j = 0; j < d; j++) y[r * d + j] = (x[r * d + j] - mu) / Math.sqrt(v + eps) * g[j] + b[j];
        }
        return y;
    }

    static double[] batchNorm(double[] x, double[] g, double[] b, int n, int c, int hw, double eps) {
        double[] y = new double[x.length];
        for (int ch = 0; ch < c; ch++) {
            double mu = 0, v = 0, cnt = (double) n * hw;
            for (int i = 0; i < n; i++) for (int p = 0; p < hw; p++) mu += x[(i * c + ch) * hw + p] / cnt;
            for (int i = 0; i < n; i++)
                for (int p = 0; p < hw; p++) v += Math.pow(x[(i * c + ch) * hw + p] - mu, 2) / cnt;
            for (int i = 0; i < n; i++)
                for (int p = 0; p < hw; p++) {
                    int o = (i * c + ch) * hw + p;
                    y[o] = (x[o] - mu) / Math.sqrt(v + eps) * g[ch] + b[ch];
                }
        }
        return y;
    }

    static double[] softmax(double[] x, int rows, int cols, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
            for (int j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
            for (int j = 0; j < cols; j++) {
                double l = x[r * cols + j] - m - Math.log(s);
                y[r * cols + j] = log ? l : Math.exp(l);
            }
        }
        return y;
    }

    /** op: 0 = max, 1 = avg (count_include_pad), 2 = avg (exclude pad). */
    static double[] pool(Pool2dGeom s, double[] x, int op) {
        int oh = s.oh(), ow = s.ow();
        double[] y = new double[s.planes() * oh * ow];
        for (int p = 0; p < s.planes(); p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double acc = op == 0 ? Double.NEGATIVE_INFINITY : 0;
                    int inside = 0;
                    for (int ky = 0; ky < s.kh(); ky++)
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.sh() - s.ph() + ky, ix = ox * s.sw() - s.pw() + kx;
                            if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                            double v = x[(p * s.h() + iy) * s.w() + ix];
                            acc = op == 0 ? Math.max(acc, v) : acc + v;
                            inside++;
                        }
                    if (op == 1) {
                        int y0 = oy * s.sh() - s.ph(), x0 = ox * s.sw() - s.pw();
                        int y1 = Math.min(y0 + s.kh(), s.h() + s.ph()), x1 = Math.min(x0 + s.kw(), s.w() + s.pw());
                        acc /= (y1 - y0) * (x1 - x0);
                    } else if (op == 2) acc /= inside;
                    y[(p * oh + oy) * ow + ox] = acc;
                }
        return y;
    }

    static double[] adaptiveAvg(double[] x, int planes, int h, int w, int oh, int ow) {
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = (int) Math.floor((double) oy * h / oh), y1 = (int) Math.ceil((double) (oy + 1) * h / oh);
                    int x0 = (int) Math.floor((double) ox * w / ow), x1 = (int) Math.ceil((double) (ox + 1) * w / ow);
                    double s = 0;
                    for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) s += x[(p * h + iy) * w + ix];
                    y[(p * oh + oy) * ow + ox] = s / ((y1 - y0) * (x1 - x0));
                }
        return y;
    }
}
