package org.revtaf.engine.backend.reference;

import static org.revtaf.engine.backend.reference.Staging.run;

import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.LayerNormArgs;
import org.revtaf.engine.backend.NormKernels;
import org.revtaf.engine.backend.ScalarMath;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.Tensor;

/**
 * Layer norm and batch norm: the double oracles (static, at array level, the same signatures as
 * the cpu kernels of {@code backend/cpu/kernels/Norm}) and the reference backend's kernels on them.
 * Optional arguments (gamma, beta, saved statistics, gradients) may be null.
 */
public final class RefNorm implements NormKernels {
    @Override
    public void layerNorm(LayerNormArgs<Tensor> a, int rows, int d, double eps) {
        run(s -> layerNormForward(a.map(s::in, s::out), rows, d, eps));
    }

    @Override
    public void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, LayerNormArgs<Tensor> a, int rows, int d) {
        run(s -> layerNormBackward(s.out(dx), s.out(dw), s.out(db), s.in(dy), a.map(s::in), rows, d));
    }

    /** Without a residual kernel: false when a.residual() is set (the op adds it). */
    @Override
    public boolean batchNorm(BatchNormArgs<Tensor> a, BatchNormGeom geom) {
        if (a.residual() != null) return false;
        run(s -> {
            BatchNormArgs<Buf.F64> f = a.map(s::in, s::out);
            if (geom.training()) batchNormForwardTrain(f, geom);
            else batchNormForwardEval(f, geom);
            if (geom.relu()) relu(f.out(), geom.n() * geom.c() * geom.hw());
        });
        return true;
    }

    /** The ReLU op of this backend over y's first n values, in place (a fused batch norm's ReLU). */
    private static void relu(Buf.F64 y, int n) {
        double[] a = y.a();
        for (int i = y.off(); i < y.off() + n; i++) a[i] = ScalarMath.apply(UnaryOp.RELU, a[i], 0, 0);
    }

    @Override
    public void batchNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, BatchNormArgs<Tensor> a, BatchNormGeom geom) {
        run(s -> batchNormBackward(s.out(dx), s.out(dw), s.out(db), s.in(dy), a.map(s::in), geom));
    }

    // a.x, a.out: (rows, d); a.w, a.b: (d) or null; a.mean, a.rstd: (rows) or null
    public static void layerNormForward(LayerNormArgs<Buf.F64> a, int rows, int d, double eps) {
        double[] xA = Buf.arr(a.x()), gammaA = Buf.arr(a.w()), betaA = Buf.arr(a.b()), yA = Buf.arr(a.out());
        double[] meanA = Buf.arr(a.mean()), rstdA = Buf.arr(a.rstd());
        int xOff = Buf.off(a.x()), gOff = Buf.off(a.w()), bOff = Buf.off(a.b()), yOff = Buf.off(a.out());
        int meanOff = Buf.off(a.mean()), rstdOff = Buf.off(a.rstd());
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double mu = 0, var = 0;
            for (int j = 0; j < d; j++) mu += xA[xOff + o + j];
            mu /= d;
            for (int j = 0; j < d; j++) var += (xA[xOff + o + j] - mu) * (xA[xOff + o + j] - mu);
            double rs = 1 / Math.sqrt(var / d + eps);
            if (meanA != null) meanA[meanOff + r] = mu;
            if (rstdA != null) rstdA[rstdOff + r] = rs;
            for (int j = 0; j < d; j++) {
                double v = (xA[xOff + o + j] - mu) * rs;
                if (gammaA != null) v *= gammaA[gOff + j];
                if (betaA != null) v += betaA[bOff + j];
                yA[yOff + o + j] = v;
            }
        }
    }

    // dy, dx: (rows, d); a.x, a.w, a.mean, a.rstd of the forward; dgamma, dbeta: (d) or null
    public static void layerNormBackward(
            Buf.F64 dx, Buf.F64 dgamma, Buf.F64 dbeta, Buf.F64 dy, LayerNormArgs<Buf.F64> a, int rows, int d) {
        double[] dyA = Buf.arr(dy), xA = Buf.arr(a.x()), meanA = Buf.arr(a.mean()), rstdA = Buf.arr(a.rstd());
        double[] gammaA = Buf.arr(a.w()), dxA = Buf.arr(dx), dgammaA = Buf.arr(dgamma), dbetaA = Buf.arr(dbeta);
        int dyOff = Buf.off(dy), xOff = Buf.off(a.x()), meanOff = Buf.off(a.mean()), rstdOff = Buf.off(a.rstd());
        int gOff = Buf.off(a.w()), dxOff = Buf.off(dx), dgOff = Buf.off(dgamma), dbOff = Buf.off(dbeta);
        double[] dg = new double[d], db = new double[d];
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double mu = meanA[meanOff + r], rs = rstdA[rstdOff + r], sg = 0, sgx = 0;
            for (int j = 0; j < d; j++) {
                double xh = (xA[xOff + o + j] - mu) * rs,
                        g = dyA[dyOff + o + j] * (gammaA == null ? 1 : gammaA[gOff + j]);
                sg += g;
                sgx += g * xh;
                dg[j] += dyA[dyOff + o + j] * xh;
                db[j] += dyA[dyOff + o + j];
            }
            if (dxA == null) continue;
            for (int j = 0; j < d; j++) {
                double xh = (xA[xOff + o + j] - mu) * rs,
                        g = dyA[dyOff + o + j] * (gammaA == null ? 1 : gammaA[gOff + j]);
                dxA[dxOff + o + j] = (rs * (g - sg / d - xh * sgx / d));
            }
        }
        for (int j = 0; j < d; j++) {
            if (dgammaA != null) dgammaA[dgOff + j] = dg[j];
            if (dbetaA != null) dbetaA[dbOff + j] = db[j];
        }
    }

    // a.x, a.out: (n, c, hw); the rest (c); running statistics updated in place (may be null)
    public static void batchNormForwardTrain(BatchNormArgs<Buf.F64> a, BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        double eps = geom.eps(), momentum = geom.momentum();
        double[] xA = Buf.arr(a.x()), gammaA = Buf.arr(a.w()), betaA = Buf.arr(a.b()), yA = Buf.arr(a.out());
        double[] runMeanA = Buf.arr(a.runMean()), runVarA = Buf.arr(a.runVar()), saveMeanA = Buf.arr(a.saveMean());
        double[] saveRstdA = Buf.arr(a.saveInvStd());
        int xOff = Buf.off(a.x()), gOff = Buf.off(a.w()), bOff = Buf.off(a.b()), yOff = Buf.off(a.out());
        int rmOff = Buf.off(a.runMean()), rvOff = Buf.off(a.runVar()), smOff = Buf.off(a.saveMean());
        int srOff = Buf.off(a.saveInvStd());
        long count = (long) n * hw;
        for (int ch = 0; ch < c; ch++) {
            double mu = 0, v = 0;
            for (int b = 0; b < n; b++) for (int i = 0; i < hw; i++) mu += xA[xOff + (b * c + ch) * hw + i];
            mu /= count;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    double dd = xA[xOff + (b * c + ch) * hw + i] - mu;
                    v += dd * dd;
                }
            double rs = 1 / Math.sqrt(v / count + eps);
            if (saveMeanA != null) saveMeanA[smOff + ch] = mu;
            if (saveRstdA != null) saveRstdA[srOff + ch] = rs;
            if (runMeanA != null) runMeanA[rmOff + ch] = ((1 - momentum) * runMeanA[rmOff + ch] + momentum * mu);
            if (runVarA != null)
                runVarA[rvOff + ch] =
                        ((1 - momentum) * runVarA[rvOff + ch] + momentum * (count > 1 ? v / (count - 1) : v / count));
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    double val = (xA[xOff + o] - mu) * rs;
                    if (gammaA != null) val *= gammaA[gOff + ch];
                    if (betaA != null) val += betaA[bOff + ch];
                    yA[yOff + o] = val;
                }
        }
    }

    // the same with the running statistics (read), saved as the statistics used when not null
    public static void batchNormForwardEval(BatchNormArgs<Buf.F64> a, BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        double eps = geom.eps();
        double[] xA = Buf.arr(a.x()), gammaA = Buf.arr(a.w()), betaA = Buf.arr(a.b()), yA = Buf.arr(a.out());
        double[] runMeanA = Buf.arr(a.runMean()), runVarA = Buf.arr(a.runVar());
        int xOff = Buf.off(a.x()), gOff = Buf.off(a.w()), bOff = Buf.off(a.b()), yOff = Buf.off(a.out());
        int rmOff = Buf.off(a.runMean()), rvOff = Buf.off(a.runVar());
        Buf.F64 saveMean = a.saveMean(), saveRstd = a.saveInvStd();
        for (int ch = 0; ch < c; ch++) {
            if (saveMean != null) saveMean.a()[saveMean.off() + ch] = runMeanA[rmOff + ch];
            if (saveRstd != null) saveRstd.a()[saveRstd.off() + ch] = 1.0 / Math.sqrt(runVarA[rvOff + ch] + eps);
        }
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    double val = (xA[xOff + o] - runMeanA[rmOff + ch]) / Math.sqrt(runVarA[rvOff + ch] + eps);
                    if (gammaA != null) val *= gammaA[gOff + ch];
                    if (betaA != null) val += betaA[bOff + ch];
                    yA[yOff + o] = val;
                }
    }

    public static void batchNormBackward(
            Buf.F64 dx, Buf.F64 dgamma, Buf.F64 dbeta, Buf.F64 dy, BatchNormArgs<Buf.F64> a, BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        boolean training = geom.training();
        double[] dyA = Buf.arr(dy), xA = Buf.arr(a.x()), saveMeanA = Buf.arr(a.saveMean());
        double[] saveRstdA = Buf.arr(a.saveInvStd()), gammaA = Buf.arr(a.w()), dxA = Buf.arr(dx);
        double[] dgammaA = Buf.arr(dgamma), dbetaA = Buf.arr(dbeta);
        int dyOff = Buf.off(dy), xOff = Buf.off(a.x()), smOff = Buf.off(a.saveMean()), srOff = Buf.off(a.saveInvStd());
        int gOff = Buf.off(a.w()), dxOff = Buf.off(dx), dgOff = Buf.off(dgamma), dbOff = Buf.off(dbeta);
        long count = (long) n * hw;
        for (int ch = 0; ch < c; ch++) {
            double mu = saveMeanA[smOff + ch], rs = saveRstdA[srOff + ch], sdy = 0, sdyx = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    sdy += dyA[dyOff + o];
                    sdyx += dyA[dyOff + o] * (xA[xOff + o] - mu) * rs;
                }
            if (dgammaA != null) dgammaA[dgOff + ch] = sdyx;
            if (dbetaA != null) dbetaA[dbOff + ch] = sdy;
            if (dxA == null) continue;
            // eval: the statistics are constants, dx = dy * gamma * rstd
            double k = (gammaA == null ? 1 : gammaA[gOff + ch]) * rs;
            double mdy = training ? sdy / count : 0, mdyx = training ? sdyx / count : 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < hw; i++) {
                    int o = (b * c + ch) * hw + i;
                    double xh = (xA[xOff + o] - mu) * rs;
                    dxA[dxOff + o] = k * (dyA[dyOff + o] - mdy - xh * mdyx);
                }
        }
    }
}
