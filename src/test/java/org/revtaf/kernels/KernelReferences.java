package org.revtaf.kernels;

/**
 * Double-precision references for the CUDA kernels, written straight from the formulas in
 * kernels/include/revtaf_kernels.h (same clamps and epsilons), used as the oracle by the kernel
 * parity tests. Row-major arrays; shapes in the comments.
 */
final class KernelReferences {
    static final double MIN_NORM = 1e-15;
    static final double ARTANH_CLAMP = 1 - 1e-7;

    private KernelReferences() {}

    static double dot(double[] a, int ao, double[] b, int bo, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += a[ao + k] * b[bo + k];
        }
        return s;
    }

    static double artanh(double z) {
        return 0.5 * Math.log((1 + z) / (1 - z));
    }

    /** x, y: (n, d) -> (n, d). */
    static double[] mobiusAdd(double[] x, double[] y, int n, int d, double c) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            double xy = dot(x, i * d, y, i * d, d);
            double x2 = dot(x, i * d, x, i * d, d);
            double y2 = dot(y, i * d, y, i * d, d);
            double a = 1 + 2 * c * xy + c * y2;
            double b = 1 - c * x2;
            double den = Math.max(1 + 2 * c * xy + c * c * x2 * y2, 1e-15);
            for (int k = 0; k < d; k++) {
                out[i * d + k] = (a * x[i * d + k] + b * y[i * d + k]) / den;
            }
        }
        return out;
    }

    /** op 0 expmap0, 1 logmap0, 2 proj; x: (n, d) -> (n, d). */
    static double[] map(int op, double[] x, int n, int d, double c) {
        double sc = Math.sqrt(c);
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            double nrm = Math.max(Math.sqrt(dot(x, i * d, x, i * d, d)), MIN_NORM);
            double f = switch (op) {
                case 0 -> Math.tanh(Math.min(sc * nrm, 15)) / (sc * nrm);
                case 1 -> artanh(Math.min(sc * nrm, ARTANH_CLAMP)) / (sc * nrm);
                default -> {
                    double maxNorm = (1 - 4e-3) / sc;
                    yield nrm > maxNorm ? maxNorm / nrm : 1.0;
                }
            };
            for (int k = 0; k < d; k++) {
                out[i * d + k] = f * x[i * d + k];
            }
        }
        return out;
    }

    /** m: (r, d), x: (n, d) -> (n, r). */
    static double[] matvec(double[] m, double[] x, int n, int r, int d, double c) {
        double sc = Math.sqrt(c);
        double[] out = new double[n * r];
        for (int i = 0; i < n; i++) {
            double xn = Math.max(Math.sqrt(dot(x, i * d, x, i * d, d)), MIN_NORM);
            double[] mx = new double[r];
            double m2 = 0;
            for (int j = 0; j < r; j++) {
                mx[j] = dot(m, j * d, x, i * d, d);
                m2 += mx[j] * mx[j];
            }
            if (m2 == 0) {
                continue;
            }
            double mn = Math.max(Math.sqrt(m2), MIN_NORM);
            double t = mn / xn * artanh(Math.min(sc * xn, ARTANH_CLAMP));
            double h = Math.tanh(Math.min(t, 15)) / (mn * sc);
            for (int j = 0; j < r; j++) {
                out[i * r + j] = h * mx[j];
            }
        }
        return out;
    }

    /** x: (n, d), y: (m, d) -> (n, m): (2/sc) artanh(min(sc |(-x) (+) y|, 1-1e-5)), denominator + 1e-5. */
    static double[] dist(double[] x, double[] y, int n, int m, int d, double c) {
        double sc = Math.sqrt(c);
        double[] out = new double[n * m];
        double[] num = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double xy = -dot(x, i * d, y, j * d, d); // <-x, y>
                double x2 = dot(x, i * d, x, i * d, d);
                double y2 = dot(y, j * d, y, j * d, d);
                double a = 1 + 2 * c * xy + c * y2;
                double b = 1 - c * x2;
                double den = 1 + 2 * c * xy + c * c * x2 * y2 + 1e-5;
                double nn = 0;
                for (int k = 0; k < d; k++) {
                    num[k] = (a * -x[i * d + k] + b * y[j * d + k]) / den;
                    nn += num[k] * num[k];
                }
                out[i * m + j] = 2 / sc * artanh(Math.min(sc * Math.sqrt(nn), 1 - 1e-5));
            }
        }
        return out;
    }

    /** Result of {@link #sinkhorn}: plan (b, p, t) and iterations per item. */
    record Sinkhorn(double[] plan, int[] iters) {}

    /** Log-domain Sinkhorn, uniform marginals over valid rows/cols; cost (b, p, t); masks (b, p), (b, t) or null. */
    static Sinkhorn sinkhorn(
            double[] cost, byte[] rowMask, byte[] colMask, int b, int p, int t, double eps, int maxIter, double tol) {
        double[] plan = new double[b * p * t];
        int[] iters = new int[b];
        for (int bi = 0; bi < b; bi++) {
            boolean[] rv = new boolean[p];
            boolean[] cv = new boolean[t];
            int nr = 0;
            int nc = 0;
            for (int i = 0; i < p; i++) {
                rv[i] = rowMask == null || rowMask[bi * p + i] != 0;
                nr += rv[i] ? 1 : 0;
            }
            for (int j = 0; j < t; j++) {
                cv[j] = colMask == null || colMask[bi * t + j] != 0;
                nc += cv[j] ? 1 : 0;
            }
            if (nr == 0 || nc == 0) {
                continue;
            }
            double logMu = Math.log(1.0 / nr + 1e-8);
            double logNu = Math.log(1.0 / nc + 1e-8);
            double[] u = new double[p];
            double[] v = new double[t];
            int off = bi * p * t;
            int k = 0;
            for (k = 1; k <= maxIter; k++) {
                double err = 0;
                for (int i = 0; i < p; i++) {
                    if (!rv[i]) {
                        continue;
                    }
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        if (cv[j]) {
                            mx = Math.max(mx, (-cost[off + i * t + j] + v[j]) / eps);
                        }
                    }
                    double s = 0;
                    for (int j = 0; j < t; j++) {
                        if (cv[j]) {
                            s += Math.exp((-cost[off + i * t + j] + v[j]) / eps - mx);
                        }
                    }
                    double un = eps * (logMu - (mx + Math.log(s)));
                    err += Math.abs(un - u[i]);
                    u[i] = un;
                }
                for (int j = 0; j < t; j++) {
                    if (!cv[j]) {
                        continue;
                    }
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < p; i++) {
                        if (rv[i]) {
                            mx = Math.max(mx, (-cost[off + i * t + j] + u[i]) / eps);
                        }
                    }
                    double s = 0;
                    for (int i = 0; i < p; i++) {
                        if (rv[i]) {
                            s += Math.exp((-cost[off + i * t + j] + u[i]) / eps - mx);
                        }
                    }
                    v[j] = eps * (logNu - (mx + Math.log(s)));
                }
                if (err / nr < tol) {
                    break;
                }
            }
            iters[bi] = Math.min(k, maxIter);
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < t; j++) {
                    plan[off + i * t + j] = rv[i] && cv[j] ? Math.exp((-cost[off + i * t + j] + u[i] + v[j]) / eps) : 0;
                }
            }
        }
        return new Sinkhorn(plan, iters);
    }

    /** a: (b, n, p), g: (b, m, p) -> (b, n, m): sum min / (sum max + 1e-8). */
    static double[] softIou(double[] a, double[] g, int b, int n, int m, int p) {
        double[] out = new double[b * n * m];
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double inter = 0;
                    double union = 0;
                    for (int k = 0; k < p; k++) {
                        double x = a[(bi * n + i) * p + k];
                        double y = g[(bi * m + j) * p + k];
                        inter += Math.min(x, y);
                        union += Math.max(x, y);
                    }
                    out[(bi * n + i) * m + j] = inter / (union + 1e-8);
                }
            }
        }
        return out;
    }

    /** Attention output (b, h, n, d) and lse (b, h, n). */
    record Attention(double[] out, double[] lse) {}

    /** q: (b, h, n, d); k, v: (b, h, s, d); keyMask: (b, s) or null; causal: j <= i. */
    static Attention attention(
            double[] q,
            double[] k,
            double[] v,
            byte[] keyMask,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal) {
        double[] out = new double[b * h * n * d];
        double[] lse = new double[b * h * n];
        double[] sc = new double[s];
        for (int bh = 0; bh < b * h; bh++) {
            int bi = bh / h;
            for (int i = 0; i < n; i++) {
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    boolean vis = (keyMask == null || keyMask[bi * s + j] != 0) && (!causal || j <= i);
                    sc[j] = vis ? scale * dot(q, (bh * n + i) * d, k, (bh * s + j) * d, d) : Double.NEGATIVE_INFINITY;
                    mx = Math.max(mx, sc[j]);
                }
                if (mx == Double.NEGATIVE_INFINITY) {
                    lse[bh * n + i] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    sum += Math.exp(sc[j] - mx);
                }
                for (int j = 0; j < s; j++) {
                    double pj = Math.exp(sc[j] - mx) / sum;
                    for (int e = 0; e < d; e++) {
                        out[(bh * n + i) * d + e] += pj * v[(bh * s + j) * d + e];
                    }
                }
                lse[bh * n + i] = mx + Math.log(sum);
            }
        }
        return new Attention(out, lse);
    }
}
