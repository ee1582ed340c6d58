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

    /**
     * Mean cross-entropy of a.logits (rows, c) against a.target (rows): a.loss = [sum / max(count, 1),
     * count] over the rows whose target is not a.ignoreIndex, each row contributing (1-s) (lse - x_t) +
     * s (lse - mean_j x_j) (label smoothing s); writes a.lse for backward. A counted target outside [0,
     * c) is an error naming the target and the row; on a device it is raised at the next host read (the
     * kernel stays in bounds).
     */
    void crossEntropy(CrossEntropyArgs a);

    /**
     * dlogits (rows, c) = dloss[0] / max(count, 1) (softmax(x) - (1-s) onehot(t) - s/c) on counted
     * rows, 0 on ignored ones, from the forward a.
     */
    void crossEntropyBackward(Tensor dlogits, Tensor dloss, CrossEntropyArgs a);
}
