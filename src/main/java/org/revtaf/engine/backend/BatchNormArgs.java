package org.revtaf.engine.backend;

import java.util.function.Function;

/**
 * The operands of one batch norm over x (n, c, hw) per channel, kept by the op for its backward:
 * out and x (n, c, hw); w and b (c), or null for no affine; saveMean and saveInvStd (c), the
 * statistics used, written by the forward (may be null at the array kernels: not saved); runMean
 * and runVar (c), the running statistics, updated in place in training, read in eval (may be null
 * in training); residual like x, added before the ReLU, or null. T is {@code Tensor} at {@link
 * NormKernels}, {@code Buf.F32} at the cpu kernel and {@code Buf.F64} at the oracle.
 */
public record BatchNormArgs<T>(T out, T saveMean, T saveInvStd, T runMean, T runVar, T x, T w, T b, T residual) {
    /** Every operand through {@code f}. */
    public <R> BatchNormArgs<R> map(Function<? super T, ? extends R> f) {
        return map(f, f);
    }

    /**
     * The inputs through {@code in}, what the forward writes (out, saveMean, saveInvStd and the
     * running statistics, updated in place in training) through {@code out}.
     */
    public <R> BatchNormArgs<R> map(Function<? super T, ? extends R> in, Function<? super T, ? extends R> out) {
        return new BatchNormArgs<>(
                out.apply(this.out),
                out.apply(saveMean),
                out.apply(saveInvStd),
                out.apply(runMean),
                out.apply(runVar),
                in.apply(x),
                in.apply(w),
                in.apply(b),
                in.apply(residual));
    }

    /** The same operands without the residual (the unfused path adds it afterwards). */
    public BatchNormArgs<T> withoutResidual() {
        return new BatchNormArgs<>(out, saveMean, saveInvStd, runMean, runVar, x, w, b, null);
    }
}
