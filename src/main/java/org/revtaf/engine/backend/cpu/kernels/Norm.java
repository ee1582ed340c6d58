package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.LayerNormArgs;

/**
 * Layer norm over the last axis and 2-D batch norm (NCHW), forward and backward; rows / channels
 * in parallel, Vector API inner loops. Statistics are accumulated in double. Gradients are
 * overwritten (not accumulated). gamma / beta / their gradients may be null (no affine).
 * Oracle: {@code reference/RefNorm}; the operands of each norm are one {@code LayerNormArgs} or
 * {@code BatchNormArgs}.
 */
public final class Norm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** Most row chunks of a parameter-gradient reduction (a constant: see layerNormBackward). */
    private static final int PARTIAL_CHUNKS = 16;

    private Norm() {}

    // ---- layer norm ----

    // a.x, a.out: (rows, d); a.w, a.b: (d) or null; a.mean, a.rstd: (rows) saved for backward (may be null)
    public static void layerNormForward(LayerNormArgs<Buf.F32> a, int rows, int d, float eps) {
        float[] xA = Buf.arr(a.x()), gammaA = Buf.arr(a.w()), betaA = Buf.arr(a.b()), yA = Buf.arr(a.out());
        float[] meanA = Buf.arr(a.mean()), rstdA = Buf.arr(a.rstd());
        int xOff = Buf.off(a.x()), gOff = Buf.off(a.w()), bOff = Buf.off(a.b()), yOff = Buf.off(a.out());
        int meanOff = Buf.off(a.mean()), rstdOff = Buf.off(a.rstd());
        Parallel.range(rows, grain(d), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xo = xOff + r * d, yo = yOff + r * d;
                float mu = (float) (sum(xA, xo, d) / d);
                double var = 0;
                int j = 0;
                FloatVector acc = FloatVector.zero(S);
                for (; j + L <= d; j += L) {
                    FloatVector c = FloatVector.fromArray(S, xA, xo + j).sub(mu);
                    acc = c.fma(c, acc);
                }
                var += VecMath.sum(acc);
                for (; j < d; j++) var += (double) (xA[xo + j] - mu) * (xA[xo + j] - mu);
                float rs = (float) (1.0 / Math.sqrt(var / d + eps));
                if (meanA != null) meanA[meanOff + r] = mu;
                if (rstdA != null) rstdA[rstdOff + r] = rs;
                affine(xA, xo, mu, rs, gammaA, gOff, betaA, bOff, yA, yo, d);
            }
        });
    }

    // dy, dx: (rows, d); a.x, a.mean, a.rstd, a.w from forward; dgamma, dbeta: (d) or null
    public static void layerNormBackward(
            Buf.F32 dx, Buf.F32 dgamma, Buf.F32 dbeta, Buf.F32 dy, LayerNormArgs<Buf.F32> a, int rows, int d) {
        float[] dyA = Buf.arr(dy), xA = Buf.arr(a.x()), meanA = Buf.arr(a.mean()), rstdA = Buf.arr(a.rstd());
        float[] gammaA = Buf.arr(a.w()), dxA = Buf.arr(dx), dgammaA = Buf.arr(dgamma), dbetaA = Buf.arr(dbeta);
        int dyOff = Buf.off(dy), xOff = Buf.off(a.x()), meanOff = Buf.off(a.mean()), rstdOff = Buf.off(a.rstd());
        int gOff = Buf.off(a.w()), dxOff = Buf.off(dx), dgOff = Buf.off(dgamma), dbOff = Buf.off(dbeta);
        // dgamma/dbeta partials per chunk of rows, added in chunk order: the chunks depend on the
        // sizes only, never on the thread count, so every -Drevtaf.threads gives the same bits
        int chunks = Math.max(1, Math.min(PARTIAL_CHUNKS, rows / Math.max(1, grain(d))));
        float[][] pg = new float[chunks][dgammaA == null ? 0 : d], pb = new float[chunks][dbetaA == null ? 0 : d];
        Parallel.tasks(chunks, t -> {
            int r0 = (int) ((long) rows * t / chunks), r1 = (int) ((long) rows * (t + 1) / chunks);
            float[] g = pg[t], b = pb[t];
            for (int r = r0; r < r1; r++) {
                int go = dyOff + r * d, xo = xOff + r * d, o = dxOff + r * d;
                float mu = meanA[meanOff + r], rs = rstdA[rstdOff + r];
                // sums of g = dy*gamma and g*xhat over the row; per-column dgamma/dbeta partials
                FloatVector vsg = FloatVector.zero(S), vsgx = vsg;
                for (int j = 0; j < d; j += L) {
                    VectorMask<Float> m = S.indexInRange(j, d);
                    FloatVector dyv = FloatVector.fromArray(S, dyA, go + j, m);
                    FloatVector xh =
                            FloatVector.fromArray(S, xA, xo + j, m).sub(mu).mul(rs);
                    FloatVector gj = gammaA == null ? dyv : dyv.mul(FloatVector.fromArray(S, gammaA, gOff + j, m));
                    vsg = vsg.add(gj, m);
                    vsgx = gj.fma(xh, vsgx).blend(vsgx, m.not());
                    if (g.length > 0)
                        dyv.fma(xh, FloatVector.fromArray(S, g, j, m)).intoArray(g, j, m);
                    if (b.length > 0) dyv.add(FloatVector.fromArray(S, b, j, m)).intoArray(b, j, m);
                }
                double sg = VecMath.sum(vsg), sgx = VecMath.sum(vsgx);
                float mg = (float) (sg / d), mgx = (float) (sgx / d);
                if (dxA == null) continue;
                int j = 0;
                for (; gammaA != null && j + L <= d; j += L) {
                    FloatVector xh =
                            FloatVector.fromArray(S, xA, xo + j).sub(mu).mul(rs);
                    FloatVector gj =
                            FloatVector.fromArray(S, dyA, go + j).mul(FloatVector.fromArray(S, gammaA, gOff + j));
                    gj.sub(mg).sub(xh.mul(mgx)).mul(rs).intoArray(dxA, o + j);
                }
                for (; j < d; j++) {
                    float xh = (xA[xo + j] - mu) * rs;
                    float gj = gammaA == null ? dyA[go + j] : dyA[go + j] * gammaA[gOff + j];
                    dxA[o + j] = rs * (gj - mg - xh * mgx);
                }
            }
        });
        reduce(pg, dgammaA, dgOff, d);
        reduce(pb, dbetaA, dbOff, d);
    }

    // ---- batch norm 2-D ----

    /**
     * Forward, x (n, c, hw) -> out. Training: per-channel batch mean and biased variance normalize
     * x; saves mean and 1/sqrt(var + eps); updates the running stats (may be null) as r = (1 -
     * momentum) r + momentum s with the unbiased variance, as PyTorch. The statistics take one pass
     * over x (sums of x - K and its square, K the channel's first value, so a mean far from zero
     * does not cancel). Eval: the running statistics. residual (may be null) is added, and with
     * {@code g.relu()} the output is max(0, y), in the same pass that writes it.
     */
    // a.x, a.out, a.residual: (n, c, hw); a.w, a.b, a.runMean, a.runVar, a.saveMean, a.saveInvStd: (c)
    public static void batchNormForward(BatchNormArgs<Buf.F32> a, BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        float eps = (float) geom.eps(), momentum = (float) geom.momentum();
        boolean relu = geom.relu();
        float[] xA = Buf.arr(a.x()), gammaA = Buf.arr(a.w()), betaA = Buf.arr(a.b()), yA = Buf.arr(a.out());
        float[] resA = Buf.arr(a.residual());
        int rOff = Buf.off(a.residual());
        float[] runMeanA = Buf.arr(a.runMean()), runVarA = Buf.arr(a.runVar()), saveMeanA = Buf.arr(a.saveMean());
        float[] saveRstdA = Buf.arr(a.saveInvStd());
        int xOff = Buf.off(a.x()), gOff = Buf.off(a.w()), bOff = Buf.off(a.b()), yOff = Buf.off(a.out());
        int rmOff = Buf.off(a.runMean()), rvOff = Buf.off(a.runVar()), smOff = Buf.off(a.saveMean());
        int srOff = Buf.off(a.saveInvStd());
        if (!geom.training()) {
            for (int ch = 0; ch < c; ch++) {
                if (saveMeanA != null) saveMeanA[smOff + ch] = runMeanA[rmOff + ch];
                if (saveRstdA != null)
                    saveRstdA[srOff + ch] = (float) (1.0 / Math.sqrt(runVarA[rvOff + ch] + (double) eps));
            }
            Parallel.range(n * c, Math.max(1, 8192 / Math.max(1, hw)), (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    int ch = p % c;
                    float rs = (float) (1.0 / Math.sqrt(runVarA[rvOff + ch] + (double) eps));
                    float g = gammaA == null ? rs : gammaA[gOff + ch] * rs;
                    float sh = betaA == null ? 0f : betaA[bOff + ch];
                    scaleShift(
                            xA,
                            xOff + p * hw,
                            runMeanA[rmOff + ch],
                            g,
                            sh,
                            resA,
                            rOff + p * hw,
                            yA,
                            yOff + p * hw,
                            hw,
                            relu);
                }
            });
            return;
        }
        long count = (long) n * hw;
        Parallel.range(c, 1, (c0, c1) -> {
            double[] sums = new double[2];
            for (int ch = c0; ch < c1; ch++) {
                float shift = xA[xOff + ch * hw];
                double s1 = 0, s2 = 0;
                for (int b = 0; b < n; b++) {
                    shiftedSums(xA, xOff + (b * c + ch) * hw, shift, hw, sums);
                    s1 += sums[0];
                    s2 += sums[1];
                }
                double m1 = s1 / count, var = Math.max(0, s2 / count - m1 * m1);
                float mu = (float) (shift + m1);
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                if (saveMeanA != null) saveMeanA[smOff + ch] = mu;
                if (saveRstdA != null) saveRstdA[srOff + ch] = rs;
                if (runMeanA != null) runMeanA[rmOff + ch] = (1 - momentum) * runMeanA[rmOff + ch] + momentum * mu;
                if (runVarA != null)
                    runVarA[rvOff + ch] = (float) ((1 - momentum) * runVarA[rvOff + ch]
                            + momentum * (count > 1 ? var * count / (count - 1) : var));
                float g = gammaA == null ? rs : gammaA[gOff + ch] * rs, sh = betaA == null ? 0f : betaA[bOff + ch];
                for (int b = 0; b < n; b++) {
                    int o = (b * c + ch) * hw;
                    scaleShift(xA, xOff + o, mu, g, sh, resA, rOff + o, yA, yOff + o, hw, relu);
                }
            }
        });
    }

    /**
     * Backward: training through the batch statistics, dx = g rstd (dy - mean(dy) - xhat mean(dy xhat)); eval
     * with constant statistics, dx = g rstd dy. dgamma = sum dy xhat, dbeta = sum dy; dx, dgamma, dbeta may be null.
     */
    public static void batchNormBackward(
            Buf.F32 dx, Buf.F32 dgamma, Buf.F32 dbeta, Buf.F32 dy, BatchNormArgs<Buf.F32> a, BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        boolean training = geom.training();
        float[] dyA = Buf.arr(dy), xA = Buf.arr(a.x()), saveMeanA = Buf.arr(a.saveMean());
        float[] saveRstdA = Buf.arr(a.saveInvStd()), gammaA = Buf.arr(a.w()), dxA = Buf.arr(dx);
        float[] dgammaA = Buf.arr(dgamma), dbetaA = Buf.arr(dbeta);
        int dyOff = Buf.off(dy), xOff = Buf.off(a.x()), smOff = Buf.off(a.saveMean()), srOff = Buf.off(a.saveInvStd());
        int gOff = Buf.off(a.w()), dxOff = Buf.off(dx), dgOff = Buf.off(dgamma), dbOff = Buf.off(dbeta);
        long count = (long) n * hw;
        Parallel.range(c, 1, (c0, c1) -> {
            double[] sums = new double[2];
            for (int ch = c0; ch < c1; ch++) {
                float mu = saveMeanA[smOff + ch], rs = saveRstdA[srOff + ch];
                double sdy = 0, sdyx = 0;
                for (int b = 0; b < n; b++) {
                    int o = (b * c + ch) * hw;
                    sumAndDot(dyA, dyOff + o, xA, xOff + o, mu, hw, sums);
                    sdy += sums[0];
                    sdyx += sums[1];
                }
                sdyx *= rs;
                if (dgammaA != null) dgammaA[dgOff + ch] = (float) sdyx;
                if (dbetaA != null) dbetaA[dbOff + ch] = (float) sdy;
                if (dxA == null) continue;
                float k = (gammaA == null ? 1f : gammaA[gOff + ch]) * rs;
                // eval: the statistics are constants, dx = dy * gamma * rstd
                float mdy = training ? (float) (sdy / count) : 0f, mdyx = training ? (float) (sdyx / count) : 0f;
                for (int b = 0; b < n; b++) {
                    int o = (b * c + ch) * hw;
                    int i = 0;
                    for (; i + L <= hw; i += L) {
                        FloatVector xh = FloatVector.fromArray(S, xA, xOff + o + i)
                                .sub(mu)
                                .mul(rs);
                        FloatVector.fromArray(S, dyA, dyOff + o + i)
                                .sub(mdy)
                                .sub(xh.mul(mdyx))
                                .mul(k)
                                .intoArray(dxA, dxOff + o + i);
                    }
                    for (; i < hw; i++) {
                        float xh = (xA[xOff + o + i] - mu) * rs;
                        dxA[dxOff + o + i] = k * (dyA[dyOff + o + i] - mdy - xh * mdyx);
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
            float part = VecMath.sum(acc);
            for (; j < e; j++) part += a[o + j];
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

    /**
     * y = (x - mu) * g + sh (+ r when r != null) over n elements (centered first: no cancellation
     * for mean >> std); max(0, y) with {@code relu} (lane-wise max as the cpu ReLU op: a NaN stays
     * NaN). One loop per case, so each stays a plain vector loop.
     */
    private static void scaleShift(
            float[] x, int xo, float mu, float g, float sh, float[] r, int ro, float[] y, int yo, int n, boolean relu) {
        int i = 0;
        FloatVector vg = FloatVector.broadcast(S, g), vs = FloatVector.broadcast(S, sh);
        if (r != null && relu) {
            for (; i + L <= n; i += L)
                FloatVector.fromArray(S, x, xo + i)
                        .sub(mu)
                        .fma(vg, vs)
                        .add(FloatVector.fromArray(S, r, ro + i))
                        .max(0f)
                        .intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] = Math.max((x[xo + i] - mu) * g + sh + r[ro + i], 0f);
        } else if (r != null) {
            for (; i + L <= n; i += L)
                FloatVector.fromArray(S, x, xo + i)
                        .sub(mu)
                        .fma(vg, vs)
                        .add(FloatVector.fromArray(S, r, ro + i))
                        .intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] = (x[xo + i] - mu) * g + sh + r[ro + i];
        } else if (relu) {
            for (; i + L <= n; i += L)
                FloatVector.fromArray(S, x, xo + i).sub(mu).fma(vg, vs).max(0f).intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] = Math.max((x[xo + i] - mu) * g + sh, 0f);
        } else {
            for (; i + L <= n; i += L)
                FloatVector.fromArray(S, x, xo + i).sub(mu).fma(vg, vs).intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] = (x[xo + i] - mu) * g + sh;
        }
    }

    /**
     * out[0] = sum of dy, out[1] = sum of dy * (x - mu) over n elements, one pass, in double
     * (vector partial sums in float over blocks of 1024).
     */
    static void sumAndDot(float[] dy, int dyo, float[] x, int xo, float mu, int n, double[] out) {
        double t1 = 0, t2 = 0;
        for (int b = 0; b < n; b += 1024) {
            int e = Math.min(n, b + 1024), j = b;
            FloatVector acc1 = FloatVector.zero(S), acc2 = acc1;
            for (; j + L <= e; j += L) {
                FloatVector g = FloatVector.fromArray(S, dy, dyo + j);
                acc1 = acc1.add(g);
                acc2 = FloatVector.fromArray(S, x, xo + j).sub(mu).fma(g, acc2);
            }
            float p1 = VecMath.sum(acc1), p2 = VecMath.sum(acc2);
            for (; j < e; j++) {
                p1 += dy[dyo + j];
                p2 += dy[dyo + j] * (x[xo + j] - mu);
            }
            t1 += p1;
            t2 += p2;
        }
        out[0] = t1;
        out[1] = t2;
    }

    /**
     * out[0] = sum of (a[i] - k), out[1] = sum of (a[i] - k)^2 over a[o .. o+n), in double
     * (vector partial sums in float over blocks of 1024).
     */
    static void shiftedSums(float[] a, int o, float k, int n, double[] out) {
        double t1 = 0, t2 = 0;
        for (int b = 0; b < n; b += 1024) {
            int e = Math.min(n, b + 1024), j = b;
            FloatVector acc1 = FloatVector.zero(S), acc2 = acc1;
            for (; j + L <= e; j += L) {
                FloatVector v = FloatVector.fromArray(S, a, o + j).sub(k);
                acc1 = acc1.add(v);
                acc2 = v.fma(v, acc2);
            }
            float p1 = VecMath.sum(acc1), p2 = VecMath.sum(acc2);
            for (; j < e; j++) {
                float v = a[o + j] - k;
                p1 += v;
                p2 += v * v;
            }
            t1 += p1;
            t2 += p2;
        }
        out[0] = t1;
        out[1] = t2;
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
