package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/** Normalisation layers on contiguous tensors. */
public interface NormKernels {
    /**
     * out (rows, d) = (x - mean) * rstd * w + b per row; writes mean and rstd (rows) for backward.
     * w and b may be null (no affine).
     */
    void layerNorm(Tensor out, Tensor mean, Tensor rstd, Tensor x, Tensor w, Tensor b, int rows, int d, double eps);

    /** Gradients of layerNorm; dw and db (may be null) are overwritten. */
    void layerNormBackward(
            Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Tensor mean, Tensor rstd, int rows, int d);

    /**
     * Batch norm over x (n, c, hw) per channel. Training: batch statistics (biased variance),
     * saved as mean/invstd (c), and running stats updated in place with momentum (unbiased
     * variance), when not null. Eval: running statistics. w and b may be null.
     */
    void batchNorm(
            Tensor out,
            Tensor saveMean,
            Tensor saveInvStd,
            Tensor runMean,
            Tensor runVar,
            Tensor x,
            Tensor w,
            Tensor b,
            BatchNormGeom geom);

    /**
     * {@link #batchNorm} with residual (same shape as x) added to the normalised output, before the
     * ReLU when geom.relu(): out = relu?(norm(x) + residual), a residual block's tail in one pass.
     * Returns false, having done nothing, when this backend has no such kernel (the op then adds
     * and rectifies with elementwise kernels).
     */
    default boolean batchNormResidual(
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
        return false;
    }

    /** Gradients of batchNorm (training: through the batch statistics); dw/db may be null. */
    void batchNormBackward(
            Tensor dx,
            Tensor dw,
            Tensor db,
            Tensor dy,
            Tensor x,
            Tensor w,
            Tensor saveMean,
            Tensor saveInvStd,
            BatchNormGeom geom);
}
