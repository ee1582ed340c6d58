package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.VERSION;
import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.NormKernels;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.Tensor;

/** Layer norm and batch norm of the cuda backend (kernels/norm/norm.cu), contiguous float32. */
final class CudaNorm implements NormKernels {
    private final CudaDevice d;
    private final NormKernels host = HostFallback.of(NormKernels.class, Backend::norm);

    CudaNorm(CudaDevice d) {
        this.d = d;
    }

    @Override
    public void layerNorm(
            Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int dim, double eps) {
        if (!dense(out, mean, rstd, x, w, b)) {
            host.layerNorm(out, mean, rstd, x, w, b, rows, dim, eps);
            return;
        }
        d.k.layerNormFwd(d.stream, at(out), at(mean), at(rstd), at(x), at(w), at(b), rows, dim, (float) eps, VERSION);
    }

    @Override
    public void layerNormBackward(
            Tensor dx,
            Tensor dw,
            Tensor db,
            Tensor dy,
            Tensor x,
            Tensor w,
            Tensor mean,
            Tensor rstd,
            int rows,
            int dim) {
        if (!dense(dx, dw, db, dy, x, w, mean, rstd)) {
            host.layerNormBackward(dx, dw, db, dy, x, w, mean, rstd, rows, dim);
            return;
        }
        d.k.layerNormBwd(
                d.stream, at(dx), at(dw), at(db), at(dy), at(x), at(w), at(mean), at(rstd), rows, dim, VERSION);
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
            BatchNormGeom g) {
        if (!dense(out, saveMean, saveInvStd, runMean, runVar, x, w, b)
                || (!g.training() && (runMean == null || runVar == null))) {
            host.batchNorm(out, saveMean, saveInvStd, runMean, runVar, x, w, b, g);
            return;
        }
        d.k.batchNormFwd(
                d.stream,
                at(out),
                at(saveMean),
                at(saveInvStd),
                at(runMean),
                at(runVar),
                at(x),
                at(w),
                at(b),
                g.n(),
                g.c(),
                g.hw(),
                g.training() ? 1 : 0,
                (float) g.momentum(),
                (float) g.eps(),
                VERSION);
        // the fused ReLU as a second pass (the batch-norm kernel has no ReLU epilogue yet)
        if (g.relu())
            d.k.unaryFwd(d.stream, at(out), at(out), g.n() * g.c() * g.hw(), UnaryOp.RELU.ordinal(), 0f, 0f, VERSION);
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
            BatchNormGeom g) {
        if (!dense(dx, dw, db, dy, x, w, saveMean, saveInvStd)) {
            host.batchNormBackward(dx, dw, db, dy, x, w, saveMean, saveInvStd, g);
            return;
        }
        d.k.batchNormBwd(
                d.stream,
                at(dx),
                at(dw),
                at(db),
                at(dy),
                at(x),
                at(w),
                at(saveMean),
                at(saveInvStd),
                g.n(),
                g.c(),
                g.hw(),
                g.training() ? 1 : 0,
                VERSION);
    }
}
