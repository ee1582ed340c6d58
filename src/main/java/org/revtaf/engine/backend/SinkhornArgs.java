package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/**
 * The operands of one log-domain Sinkhorn call ({@link FusedKernels#sinkhorn}), kept by the op for
 * its backward: plan and cost (b, p, t); uHist ((maxIter+1) b p) and vHist ((maxIter+1) b t), the
 * potentials of every iteration, written by the forward; pixelMask (b, p) and tokenMask (b, t),
 * float32 nonzero = valid, or null. Contiguous tensors.
 */
public record SinkhornArgs(
        Tensor plan, Tensor uHist, Tensor vHist, Tensor cost, Tensor pixelMask, Tensor tokenMask, SinkhornGeom geom) {}
