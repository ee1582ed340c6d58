package org.revtaf.engine.backend.reference;

import static org.revtaf.engine.backend.reference.Staging.run;

import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.Buf;
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
    public void layerNorm(
            Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int d, double eps) {
        run(s -> layerNormForward(s.in(x), s.in(w), s.in(b), s.out(out), s.out(mean), s.out(rstd), rows, d, eps));
    }

    @Override
    public void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int rows, int d) {
        run(s -> layerNormBackward(
                s.in(dy), s.in(x), s.in(mean), s.in(rstd), s.in(w), s.out(dx), s.out(dw), s.out(db), rows, d));
    }

    @Override
    public void batchNorm(
            Tensor out,
            Tensor saveMean,
            Tensor saveInvStd,
            Tensor runMean,
            Tensor runVar,
            Tensor x,
            Tensor w,
            Tensor b,
            BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        boolean training = geom.training();
        double momentum = geom.momentum(), eps = geom.eps();
        run(s -> {
            Buf.F64 y = s.out(out);
            if (training)
                batchNormForwardTrain(
                        s.in(x),
                        s.in(w),
                        s.in(b),
                        y,
                        s.out(runMean),
                        s.out(runVar),
                        s.out(saveMean),
                        s.out(saveInvStd),
                        n,
                        c,
                        hw,
                        eps,
                        momentum);
            else
                batchNormForwardEval(
                        s.in(x),
                        s.in(w),
                        s.in(b),
                        y,
                        s.in(runMean),
                        s.in(runVar),
                        s.out(saveMean),
                        s.out(saveInvStd),
                        n,
                        c,
                        hw,
                        eps);
            if (geom.relu()) relu(y, n * c * hw);
        });
    }

    /** The ReLU op of this backend over y's first n values, in place (a fused batch norm's ReLU). */
    private static void relu(Buf.F64 y, int n) {
        double[] a = y.a();
        for (int i = y.off(); i < y.off() + n; i++) a[i] = ScalarMath.apply(UnaryOp.RELU, a[i], 0, 0);
    }

    @Override
    public void batchNormBackward(
            Tensor dx,
            Tensor dw,
            Tensor db,
            Tensor dy,
            Tensor x,
            Tensor w,
            Tensor saveMean,
            Tensor saveInvStd,
            BatchNormGeom geom) {
        run(s -> batchNormBackward(
                s.in(dy), s.in(x), s.in(saveMean), s.in(saveInvStd), s.in(w), s.out(dx), s.out(dw), s.out(db), geom));
    }

    public static void layerNormForward(
            Buf.F64 x,
            Buf.F64 gamma,
            Buf.F64 beta,
            Buf.F64 y,
            Buf.F64 mean,
            Buf.F64 rstd,
            int rows,
            int d,
            double eps) {
        double[] xA = Buf.arr(x), gammaA = Buf.arr(gamma), betaA = Buf.arr(beta), yA = Buf.arr(y);
        double[] meanA = Buf.arr(mean), rstdA = Buf.arr(rstd);
        int xOff = Buf.off(x), gOff = Buf.off(gamma), bOff = Buf.off(beta), yOff = Buf.off(y);
        int meanOff = Buf.off(mean), rstdOff = Buf.off(rstd);
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

    public static void layerNormBackward(
            Buf.F64 dy,
            Buf.F64 x,
            Buf.F64 mean,
            Buf.F64 rstd,
            Buf.F64 gamma,
            Buf.F64 dx,
            Buf.F64 dgamma,
            Buf.F64 dbeta,
            int rows,
            int d) {
        double[] dyA = Buf.arr(dy), xA = Buf.arr(x), meanA = Buf.arr(mean), rstdA = Buf.arr(rstd);
        double[] gammaA = Buf.arr(gamma), dxA = Buf.arr(dx), dgammaA = Buf.arr(dgamma), dbetaA = Buf.arr(dbeta);
        int dyOff = Buf.off(dy), xOff = Buf.off(x), meanOff = Buf.off(mean), rstdOff = Buf.off(rstd);
        int gOff = Buf.off(gamma), dxOff = Buf.off(dx), dgOff = Buf.off(dgamma), dbOff = Buf.off(dbeta);
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

    public static void batchNormForwardTrain(
            Buf.F64 x,
            Buf.F64 gamma,
            Buf.F64 beta,
            Buf.F64 y,
            Buf.F64 runMean,
            Buf.F64 runVar,
            Buf.F64 saveMean,
            Buf.F64 saveRstd,
            int n,
            int c,
            int hw,
            double eps,
            double momentum) {
        double[] xA = Buf.arr(x), gammaA = Buf.arr(gamma), betaA = Buf.arr(beta), yA = Buf.arr(y);
        double[] runMeanA = Buf.arr(runMean), runVarA = Buf.arr(runVar), saveMeanA = Buf.arr(saveMean);
        double[] saveRstdA = Buf.arr(saveRstd);
        int xOff = Buf.off(x), gOff = Buf.off(gamma), bOff = Buf.off(beta), yOff = Buf.off(y);
        int rmOff = Buf.off(runMean), rvOff = Buf.off(runVar), smOff = Buf.off(saveMean);
        int srOff = Buf.off(saveRstd);
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

    public static void batchNormForwardEval(
            Buf.F64 x,
            Buf.F64 gamma,
            Buf.F64 beta,
            Buf.F64 y,
            Buf.F64 runMean,
            Buf.F64 runVar,
            Buf.F64 saveMean,
            Buf.F64 saveRstd,
            int n,
            int c,
            int hw,
            double eps) {
        double[] xA = Buf.arr(x), gammaA = Buf.arr(gamma), betaA = Buf.arr(beta), yA = Buf.arr(y);
        double[] runMeanA = Buf.arr(runMean), runVarA = Buf.arr(runVar);
        int xOff = Buf.off(x), gOff = Buf.off(gamma), bOff = Buf.off(beta), yOff = Buf.off(y);
        int rmOff = Buf.off(runMean), rvOff = Buf.off(runVar);
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
            Buf.F64 dy,
            Buf.F64 x,
            Buf.F64 saveMean,
            Buf.F64 saveRstd,
            Buf.F64 gamma,
            Buf.F64 dx,
            Buf.F64 dgamma,
            Buf.F64 dbeta,
            BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        boolean training = geom.training();
        double[] dyA = Buf.arr(dy), xA = Buf.arr(x), saveMeanA = Buf.arr(saveMean);
        double[] saveRstdA = Buf.arr(saveRstd), gammaA = Buf.arr(gamma), dxA = Buf.arr(dx);
        double[] dgammaA = Buf.arr(dgamma), dbetaA = Buf.arr(dbeta);
        int dyOff = Buf.off(dy), xOff = Buf.off(x), smOff = Buf.off(saveMean), srOff = Buf.off(saveRstd);
        int gOff = Buf.off(gamma), dxOff = Buf.off(dx), dgOff = Buf.off(dgamma), dbOff = Buf.off(dbeta);
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
