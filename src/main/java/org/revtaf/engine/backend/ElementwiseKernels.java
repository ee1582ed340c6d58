package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/**
 * Elementwise kernels. Unary kernels take contiguous out/x of n elements; binary kernels take a
 * contiguous out and input views already broadcast to out's shape (strides may be 0).
 */
public interface ElementwiseKernels {
    /** out[i] = op(x[i]; a, b). */
    void unary(Tensor out, Tensor x, int n, UnaryOp op, double a, double b);

    /** dx[i] = dy[i] * op'(x[i]) (y = op(x) is passed for ops whose derivative uses it). */
    void unaryBackward(Tensor dx, Tensor dy, Tensor x, Tensor y, int n, UnaryOp op, double a, double b);

    /** out = a op b elementwise. */
    void binary(Tensor out, Tensor a, Tensor b, BinaryOp op);

    /** out = cond != 0 ? a : b elementwise. */
    void where(Tensor out, Tensor cond, Tensor a, Tensor b);

    /**
     * Inverted dropout: out[i] = x[i] * mask.factor(i) (kept: 1/(1-p), dropped: exactly 0) for
     * contiguous out and x of n elements, i the flat index. Backward is the same call on dy.
     */
    void dropout(Tensor out, Tensor x, int n, DropoutMask mask);

    /** out[i] = value for every element of a contiguous out. */
    void fill(Tensor out, double value);

    /** out = x for any strides of both (and any dtypes: converts). */
    void copy(Tensor out, Tensor x);
}
