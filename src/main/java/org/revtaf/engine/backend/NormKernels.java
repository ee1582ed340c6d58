package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/** Normalisation layers on contiguous tensors; the operands of each norm are one record. */
public interface NormKernels {
    /**
     * a.out (rows, d) = (a.x - mean) * rstd * a.w + a.b per row; writes a.mean and a.rstd (rows) for
     * backward. w and b may be null (no affine).
     */
    void layerNorm(LayerNormArgs<Tensor> a, int rows, int d, double eps);

    /** Gradients of the layer norm a (reads x, w, mean, rstd); dx, dw and db (each may be null) are overwritten. */
    void layerNormBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, LayerNormArgs<Tensor> a, int rows, int d);

    /**
     * Batch norm of a.x (n, c, hw) per channel. Training: batch statistics (biased variance), saved
     * as saveMean/saveInvStd (c), and the running statistics updated in place with momentum
     * (unbiased variance), when not null. Eval: the running statistics. w and b may be null. With
     * a.residual (same shape as x) the output is relu?(norm(x) + residual), a residual block's tail
     * in one pass; returns false, having done nothing, when this backend has no such kernel (the op
     * then adds and rectifies with elementwise kernels). True otherwise.
     */
    boolean batchNorm(BatchNormArgs<Tensor> a, BatchNormGeom geom);

    /** Gradients of the batch norm a (training: through the batch statistics); dx, dw, db may be null. */
    void batchNormBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, BatchNormArgs<Tensor> a, BatchNormGeom geom);
}
