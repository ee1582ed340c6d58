package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import java.lang.foreign.MemorySegment;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.LayerNormArgs;
import org.revtaf.engine.backend.NormKernels;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.Tensor;

/**
 * Layer norm and batch norm of the cuda backend (kernels/norm/norm.cu), contiguous float32. Batch
 * norm runs through cuDNN instead when {@code -Drevtaf.cuda.norm} chooses it ({@link VendorChoice}:
 * by default whenever cuDNN 9 loads on a real GPU), for affine batch norms with statistics cuDNN
 * can take ({@link CudnnOps#batchNormFits}); the backward of an eval-mode batch norm stays ours.
 */
final class CudaNorm extends CudaFamily<NormKernels> implements NormKernels {
    /** The cuDNN batch norm, or null for our kernels. */
    private final CudnnOps cudnn;

    CudaNorm(CudaDevice d) {
        this(d, VendorChoice.cudnn("revtaf.cuda.norm", d.device));
    }

    CudaNorm(CudaDevice d, VendorChoice.Impl impl) {
        super(d, NormKernels.class, Backend::norm);
        cudnn = impl == VendorChoice.Impl.VENDOR ? new CudnnOps(d, VendorChoice.Math.fromSystem()) : null;
    }

    /** "cudnn" (batch norm) or "own". */
    String path() {
        return cudnn != null ? "cudnn" : "own";
    }

    @Override
    public void layerNorm(LayerNormArgs<Tensor> a, int rows, int dim, double eps) {
        if (!dense(a.out(), a.mean(), a.rstd(), a.x(), a.w(), a.b())) {
            host.layerNorm(a, rows, dim, eps);
            return;
        }
        LayerNormArgs<MemorySegment> p = a.map(CudaArgs::at);
        k.layerNormFwd(
                stream,
                p.out(),
                p.mean(),
                p.rstd(),
                p.x(),
                p.w(),
                p.b(),
                rows,
                dim,
                (float) eps,
                version(KernelVersions.Family.NORM));
    }

    @Override
    public void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, LayerNormArgs<Tensor> a, int rows, int dim) {
        if (!dense(dx, dw, db, dy, a.x(), a.w(), a.mean(), a.rstd())) {
            host.layerNormBackward(dx, dw, db, dy, a, rows, dim);
            return;
        }
        LayerNormArgs<MemorySegment> p = a.map(CudaArgs::at);
        k.layerNormBwd(
                stream,
                at(dx),
                at(dw),
                at(db),
                at(dy),
                p.x(),
                p.w(),
                p.mean(),
                p.rstd(),
                rows,
                dim,
                version(KernelVersions.Family.NORM));
    }

    /** Without a residual kernel: false when a.residual() is set (the op adds it). */
    @Override
    public boolean batchNorm(BatchNormArgs<Tensor> a, BatchNormGeom g) {
        if (a.residual() != null) return false;
        if (!dense(a.out(), a.saveMean(), a.saveInvStd(), a.runMean(), a.runVar(), a.x(), a.w(), a.b())
                || (!g.training() && (a.runMean() == null || a.runVar() == null))) {
            return host.batchNorm(a, g);
        }
        if (cudnn != null && CudnnOps.batchNormFits(a, g)) cudnn.batchNorm(a, g);
        else
            k.batchNormFwd(
                    stream,
                    at(a.out()),
                    at(a.saveMean()),
                    at(a.saveInvStd()),
                    at(a.runMean()),
                    at(a.runVar()),
                    at(a.x()),
                    at(a.w()),
                    at(a.b()),
                    g.n(),
                    g.c(),
                    g.hw(),
                    g.training() ? 1 : 0,
                    (float) g.momentum(),
                    (float) g.eps(),
                    version(KernelVersions.Family.NORM));
        // the fused ReLU as a second pass (the batch-norm kernel has no ReLU epilogue yet)
        if (g.relu())
            k.unaryFwd(
                    stream,
                    at(a.out()),
                    at(a.out()),
                    g.n() * g.c() * g.hw(),
                    UnaryOp.RELU.ordinal(),
                    0f,
                    0f,
                    version(KernelVersions.Family.ELEMENTWISE));
        return true;
    }

    @Override
    public void batchNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, BatchNormArgs<Tensor> a, BatchNormGeom g) {
        if (!dense(dx, dw, db, dy, a.x(), a.w(), a.saveMean(), a.saveInvStd())) {
            host.batchNormBackward(dx, dw, db, dy, a, g);
            return;
        }
        if (cudnn != null && g.training() && dx != null && a.saveMean() != null && CudnnOps.batchNormFits(a, g)) {
            cudnn.batchNormBackward(dx, dw, db, dy, a, g);
            return;
        }
        k.batchNormBwd(
                stream,
                at(dx),
                at(dw),
                at(db),
                at(dy),
                at(a.x()),
                at(a.w()),
                at(a.saveMean()),
                at(a.saveInvStd()),
                g.n(),
                g.c(),
                g.hw(),
                g.training() ? 1 : 0,
                version(KernelVersions.Family.NORM));
    }
}
