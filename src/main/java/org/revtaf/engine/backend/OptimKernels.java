package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/** Optimizer updates, in place on contiguous tensors of n elements (no autograd). */
public interface OptimKernels {
    /**
     * One AdamW step (PyTorch semantics, decoupled weight decay): p -= lr*wd*p; m = b1 m + (1-b1) g;
     * v = b2 v + (1-b2) g^2; p -= lr * (m / (1-b1^step)) / (sqrt(v / (1-b2^step)) + eps). param, m
     * and v are updated in place; step counts from 1.
     */
    void adamw(Tensor param, Tensor m, Tensor v, Tensor grad, int n, AdamWStep geom);
}
