package org.revtaf.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer norm over the last axis and 2-D batch norm (NCHW), forward and backward; rows / channels
 * in parallel, Vector API inner loops. Statistics are accumulated in double. Gradients are
 * overwritten (not accumulated). gamma / beta / their gradients may be null (no affine).
 * Oracle: {@link NormRef}.
 */
public final class Norm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Norm() {}

    // ---- layer norm ----

    // x, y: (rows, d); gamma, beta: (d) or null; mean, rstd: (rows) saved for backward (may be null)
    public static void layerNormForward(
            float[] x,
            int xOff,
            float[] gamma,
            int gOff,
            float[] beta,
            int bOff,
            float[] y,
            int yOff,
            float[] mean,
            int meanOff,
            float[] rstd,
            int rstdOff,
            int rows,
            int d,
            float eps) {
        Parallel.range(rows, grain(d), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xo = xOff + r * d, yo = yOff + r * d;
                float mu = (float) (sum(x, xo, d) / d);
                double var = 0;
                int j = 0;
                FloatVector acc = FloatVector.zero(S);
                for (; j + L <= d; j += L) {
                    FloatVector c = FloatVector.fromArray(S, x, xo + j).sub(mu);
                    acc = c.fma(c, acc);
                }
                var += acc.reduceLanes(VectorOperators.ADD);
                for (; j < d; j++) var += (double) (x[xo + j] - mu) * (x[xo + j] - mu);
                float rs = (float) (1.0 / Math.sqrt(var / d + eps));
                if (mean != null) mean[meanOff + r] = mu;
                if (rstd != null) rstd[rstdOff + r] = rs;
                affine(x, xo, mu, rs, gamma, gOff, beta, bOff, y, yo, d);
            }
        });
    }

    // dy, x, dx: (rows, d); mean, rstd: (rows) from forward; gamma (d) or null; dgamma, dbeta: (d) or null
    public static void layerNormBackward(
            float[] dy,
            int dyOff,
            float[] x,
            int xOff,
            float[] mean,
            int meanOff,
            float[] rstd,
            int rstdOff,
            float[] gamma,
            int gOff,
            float[] dx,
            int dxOff,
            float[] dgamma,
            int dgOff,
            float[] dbeta,
            int dbOff,
            int rows,
            int d) {
        int chunks = Math.max(1, Math.min(Parallel.threads(), rows / Math.max(1, grain(d))));
        float[][] pg = new float[chunks][dgamma == null ? 0 : d], pb = new float[chunks][dbeta == null ? 0 : d];
        Parallel.tasks(chunks, t -> {
            int r0 = (int) ((long) rows * t / chunks), r1 = (int) ((long) rows * (t + 1) / chunks);
            float[] g = pg[t], b = pb[t];
            for (int r = r0; r < r1; r++) {
                int go = dyOff + r * d, xo = xOff + r * d, o = dxOff + r * d;
                float mu = mean[meanOff + r], rs = rstd[rstdOff + r];
                // sums of g = dy*gamma and g*xhat over the row; per-column dgamma/dbeta partials
                FloatVector vsg = FloatVector.zero(S), vsgx = vsg;
                for (int j = 0; j < d; j += L) {
                    VectorMask<Float> m = S.indexInRange(j, d);
                    FloatVector dyv = FloatVector.fromArray(S, dy, go + j, m);
                    FloatVector xh =
                            FloatVector.fromArray(S, x, xo + j, m).sub(mu).mul(rs);
                    FloatVector gj = gamma == null ? dyv : dyv.mul(FloatVector.fromArray(S, gamma, gOff + j, m));
                    vsg = vsg.add(gj, m);
                    vsgx = gj.fma(xh, vsgx).blend(vsgx, m.not());
                    if (g.length > 0)
                        dyv.fma(xh, FloatVector.fromArray(S, g, j, m)).intoArray(g, j, m);
                    if (b.length > 0) dyv.add(FloatVector.fromArray(S, b, j, m)).intoArray(b, j, m);
                }
                double sg = vsg.reduceLanes(VectorOperators.ADD), sgx = vsgx.reduceLanes(VectorOperators.ADD);
                float mg = (float) (sg / d), mgx = (float) (sgx / d);
                if (dx == null) continue;
                int j = 0;
                for (; gamma != null && j + L <= d; j += L) {
                    FloatVector xh = FloatVector.fromArray(S, x, xo + j).sub(mu).mul(rs);
                    FloatVector gj =
                            FloatVector.fromArray(S, dy, go + j).mul(FloatVector.fromArray(S, gamma, gOff + j));
                    gj.sub(mg).sub(xh.mul(mgx)).mul(rs).intoArray(dx, o + j);
                }
                for (; j < d; j++) {
                    float xh = (x[xo + j] - mu) * rs;
                    float gj = gamma == null ? dy[go + j] : dy[go + j] * gamma[gOff + j];
                    dx[o + j] = rs * (gj - mg - xh * mgx);
                }
            }
        });
        reduce(pg, dgamma, dgOff, d);
        reduce(pb, dbeta, dbOff, d);
    }

    // ---- batch norm 2-D ----

    /**
     * Training forward: per-channel batch mean and biased variance normalize x; saves mean and
     * 1/sqrt(var + eps); updates running stats (may be null) as r = (1 - momentum) r + momentum s
     * with the unbiased variance, as PyTorch.
     */
    // x, y: (n, c, hw); gamma, beta, runMean, runVar, saveMean, saveRstd: (c)
    public static void batchNormForwardTrain(
            float[] x,
            int xOff,
            float[] gamma,
            int gOff,
            float[] beta,
            int bOff,
            float[] y,
            int yOff,
            float[] runMean,
            int rmOff,
            float[] runVar,
            int rvOff,
            float[] saveMean,
            int smOff,
            float[] saveRstd,
            int srOff,
            int n,
            int c,
            int hw,
            float eps,
            float momentum) {
        long count = (long) n * hw;
        Parallel.range(c, 1, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double s = 0;
                for (int b = 0; b < n; b++) s += sum(x, xOff + (b * c + ch) * hw, hw);
                float mu = (float) (s / count);
                double v = 0;
                for (int b = 0; b < n; b++) {
                    int o = xOff + (b * c + ch) * hw;
                    v += dotCentered(x, o, mu, x, o, mu, hw);
                }
                double var = v / count;
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                if (saveMean != null) saveMean[smOff + ch] = mu;
                if (saveRstd != null) saveRstd[srOff + ch] = rs;
                if (runMean != null) runMean[rmOff + ch] = (1 - momentum) * runMean[rmOff + ch] + momentum * mu;
                if (runVar != null)
                    runVar[rvOff + ch] = (float)
                            ((1 - momentum) * runVar[rvOff + ch] + momentum * (count > 1 ? v / (count - 1) : var));
                float g = gamma == null ? rs : gamma[gOff + ch] * rs, sh = beta == null ? 0f : beta[bOff + ch];
                for (int b = 0; b < n; b++)
                    scaleShift(x, xOff + (b * c + ch) * hw, mu, g, sh, y, yOff + (b * c + ch) * hw, hw);
            }
        });
    }

    /** Inference forward with the running statistics. */
    public static void batchNormForwardEval(
            float[] x,
            int xOff,
            float[] gamma,
            int gOff,
            float[] beta,
            int bOff,
            float[] y,
            int yOff,
            float[] runMean,
            int rmOff,
            float[] runVar,
            int rvOff,
            int n,
            int c,
            int hw,
            float eps) {
        Parallel.range(n * c, Math.max(1, 8192 / Math.max(1, hw)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ch = p % c;
                float rs = (float) (1.0 / Math.sqrt(runVar[rvOff + ch] + (double) eps));
                float g = gamma == null ? rs : gamma[gOff + ch] * rs;
                float sh = beta == null ? 0f : beta[bOff + ch];
                scaleShift(x, xOff + p * hw, runMean[rmOff + ch], g, sh, y, yOff + p * hw, hw);
            }
        });
    }

    /**
     * Training backward (batch statistics): dx = g rstd (dy - mean(dy) - xhat mean(dy xhat)),
     * dgamma = sum dy xhat, dbeta = sum dy. dx, dgamma, dbeta may each be null.
     */
    public static void batchNormBackward(
            float[] dy,
            int dyOff,
            float[] x,
            int xOff,
            float[] saveMean,
            int smOff,
            float[] saveRstd,
            int srOff,
            float[] gamma,
            int gOff,
            float[] dx,
            int dxOff,
            float[] dgamma,
            int dgOff,
            float[] dbeta,
            int dbOff,
            int n,
            int c,
            int hw) {
        long count = (long) n * hw;
        Parallel.range(c, 1, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                float mu = saveMean[smOff + ch], rs = saveRstd[srOff + ch];
                double sdy = 0, sdyx = 0;
                for (int b = 0; b < n; b++) {
                    int o = (b * c + ch) * hw;
                    sdy += sum(dy, dyOff + o, hw);
                    sdyx += dotCentered(dy, dyOff + o, 0f, x, xOff + o, mu, hw);
                }
                sdyx *= rs;
                if (dgamma != null) dgamma[dgOff + ch] = (float) sdyx;
                if (dbeta != null) dbeta[dbOff + ch] = (float) sdy;
                if (dx == null) continue;
                float k = (gamma == null ? 1f : gamma[gOff + ch]) * rs;
                float mdy = (float) (sdy / count), mdyx = (float) (sdyx / count);
                for (int b = 0; b < n; b++) {
                    int o = (b * c + ch) * hw;
                    int i = 0;
                    for (; i + L <= hw; i += L) {
                        FloatVector xh = FloatVector.fromArray(S, x, xOff + o + i)
                                .sub(mu)
                                .mul(rs);
                        FloatVector.fromArray(S, dy, dyOff + o + i)
                                .sub(mdy)
                                .sub(xh.mul(mdyx))
                                .mul(k)
                                .intoArray(dx, dxOff + o + i);
                    }
                    for (; i < hw; i++) {
                        float xh = (x[xOff + o + i] - mu) * rs;
                        dx[dxOff + o + i] = k * (dy[dyOff + o + i] - mdy - xh * mdyx);
                    }
                }
            }
        });
    }

    // ---- helpers ----

    private static int grain(int d) {
        return Math.max(1, 8192 / Math.max(1, d));
    }

    /** Sum of a[o .. o+n) in double (vector partial sums in float over blocks of 1024). */
    static double sum(float[] a, int o, int n) {
        double total = 0;
        for (int b = 0; b < n; b += 1024) {
            int e = Math.min(n, b + 1024), j = b;
            FloatVector acc = FloatVector.zero(S);
            for (; j + L <= e; j += L) acc = acc.add(FloatVector.fromArray(S, a, o + j));
            float part = acc.reduceLanes(VectorOperators.ADD);
            for (; j < e; j++) part += a[o + j];
            total += part;
        }
        return total;
    }

    /** sum of (a[i] - ma) * (x[i] - mu) over n elements, in double (vector partial sums over blocks of 1024). */
    static double dotCentered(float[] a, int ao, float ma, float[] x, int xo, float mu, int n) {
        double total = 0;
        for (int b = 0; b < n; b += 1024) {
            int e = Math.min(n, b + 1024), j = b;
            FloatVector acc = FloatVector.zero(S);
            for (; j + L <= e; j += L)
                acc = FloatVector.fromArray(S, x, xo + j)
                        .sub(mu)
                        .fma(FloatVector.fromArray(S, a, ao + j).sub(ma), acc);
            float part = acc.reduceLanes(VectorOperators.ADD);
            for (; j < e; j++) part += (a[ao + j] - ma) * (x[xo + j] - mu);
            total += part;
        }
        return total;
    }

    /** y = (x - mu) * rs * gamma + beta over one row. */
    private static void affine(
            float[] x,
            int xo,
            float mu,
            float rs,
            float[] gamma,
            int gOff,
            float[] beta,
            int bOff,
            float[] y,
            int yo,
            int d) {
        int j = 0;
        for (; j + L <= d; j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + j).sub(mu).mul(rs);
            if (gamma != null) v = v.mul(FloatVector.fromArray(S, gamma, gOff + j));
            if (beta != null) v = v.add(FloatVector.fromArray(S, beta, bOff + j));
            v.intoArray(y, yo + j);
        }
        for (; j < d; j++) {
            float v = (x[xo + j] - mu) * rs;
            if (gamma != null) v *= gamma[gOff + j];
            if (beta != null) v += beta[bOff + j];
            y[yo + j] = v;
        }
    }

    /** y = (x - mu) * g + sh over n elements (centered first: no cancellation for mean >> std). */
    private static void scaleShift(float[] x, int xo, float mu, float g, float sh, float[] y, int yo, int n) {
        int i = 0;
        FloatVector vg = FloatVector.broadcast(S, g), vs = FloatVector.broadcast(S, sh);
        for (; i + L <= n; i += L)
            FloatVector.fromArray(S, x, xo + i).sub(mu).fma(vg, vs).intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] = (x[xo + i] - mu) * g + sh;
    }

    private static void reduce(float[][] parts, float[] out, int off, int d) {
        if (out == null) return;
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (float[] p : parts) s += p[j];
            out[off + j] = (float) s;
        }
    }
}
