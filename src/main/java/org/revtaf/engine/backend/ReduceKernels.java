package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/** Reductions and softmax along the middle axis of a contiguous (outer, n, inner) layout. */
public interface ReduceKernels {
    /** out (outer, inner) = op over axis n of x (outer, n, inner). */
    void reduce(Tensor out, Tensor x, int outer, int n, int inner, ReduceOp op);

    /** out = softmax (or log_softmax) of x over axis n; both (outer, n, inner). */
    void softmax(Tensor out, Tensor x, int outer, int n, int inner, boolean log);

    /** dx from dy and the forward output y (softmax or log_softmax). */
    void softmaxBackward(Tensor dx, Tensor dy, Tensor y, int outer, int n, int inner, boolean log);
}
