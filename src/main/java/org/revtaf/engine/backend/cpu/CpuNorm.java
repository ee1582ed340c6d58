package org.revtaf.engine.backend.cpu;

import static org.revtaf.engine.backend.Buf.F32.of;

import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.NormKernels;
import org.revtaf.engine.backend.cpu.kernels.Norm;
import org.revtaf.engine.tensor.Tensor;

/** Layer norm and batch norm on the float32 Norm kernels. */
final class CpuNorm implements NormKernels {
    @Override
    public void layerNorm(
            Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int d, double eps) {
        Norm.layerNormForward(of(x), of(w), of(b), of(out), of(mean), of(rstd), rows, d, (float) eps);
    }

    @Override
    public void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int rows, int d) {
        Norm.layerNormBackward(of(dy), of(x), of(mean), of(rstd), of(w), of(dx), of(dw), of(db), rows, d);
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
        batchNormResidual(out, saveMean, saveInvStd, runMean, runVar, x, w, b, null, geom);
    }

    @Override
    public boolean batchNormResidual(
            Tensor out,
            Tensor saveMean,
            Tensor saveInvStd,
            Tensor runMean,
            Tensor runVar,
            Tensor x,
            Tensor w,
            Tensor b,
            Tensor residual,
            BatchNormGeom geom) {
        int n = geom.n(), c = geom.c(), hw = geom.hw();
        boolean training = geom.training();
        double momentum = geom.momentum(), eps = geom.eps();
        if (training)
            Norm.batchNormForwardTrain(
                    of(x),
                    of(w),
                    of(b),
                    of(out),
                    of(runMean),
                    of(runVar),
                    of(saveMean),
                    of(saveInvStd),
                    n,
                    c,
                    hw,
                    (float) eps,
                    (float) momentum,
                    of(residual),
                    geom.relu());
        else
            Norm.batchNormForwardEval(
                    of(x),
                    of(w),
                    of(b),
                    of(out),
                    of(runMean),
                    of(runVar),
                    of(saveMean),
                    of(saveInvStd),
                    n,
                    c,
                    hw,
                    (float) eps,
                    of(residual),
                    geom.relu());
        return true;
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
        Norm.batchNormBackward(of(dy), of(x), of(saveMean), of(saveInvStd), of(w), of(dx), of(dw), of(db), geom);
    }
}
