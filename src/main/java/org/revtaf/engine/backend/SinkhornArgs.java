package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/**
 * The operands of one log-domain Sinkhorn call ({@link FusedKernels#sinkhorn}), kept by the op for
 * its backward: plan and cost (b, p, t); uHist ((maxIter+1) b p) and vHist ((maxIter+1) b t), the
 * potentials of every iteration, written by the forward; iters, int32 (1): the number of iterations
 * the forward ran, written by the forward and read by the backward where they run (on a device it
 * never goes through the host); pixelMask (b, p) and tokenMask (b, t), float32 nonzero = valid, or
 * null. Contiguous tensors.
 */
public record SinkhornArgs(
        Tensor plan,
        Tensor uHist,
        Tensor vHist,
        Tensor iters,
        Tensor cost,
        Tensor pixelMask,
        Tensor tokenMask,
        SinkhornGeom geom) {
    /** The iteration count of a host forward (the backends on the heap). */
    public int hostIters() {
        return ((int[]) iters.heap().array())[iters.offset()];
    }

    /** Records the iteration count of a host forward. */
    public void setHostIters(int k) {
        ((int[]) iters.heap().array())[iters.offset()] = k;
    }
}
