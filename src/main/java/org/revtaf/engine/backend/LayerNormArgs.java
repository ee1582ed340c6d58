package org.revtaf.engine.backend;

import java.util.function.Function;

/**
 * The operands of one layer norm over the last axis, kept by the op for its backward: out and x
 * (rows, d); w and b (d), or null for no affine; mean and rstd (rows), written by the forward (null
 * at the array kernels: not saved). T is {@code Tensor} at {@link NormKernels}, {@code Buf.F32} at
 * the cpu kernel and {@code Buf.F64} at the oracle.
 */
public record LayerNormArgs<T>(T out, T mean, T rstd, T x, T w, T b) {
    /** Every operand through {@code f} (null stays null when f keeps it). */
    public <R> LayerNormArgs<R> map(Function<? super T, ? extends R> f) {
        return map(f, f);
    }

    /** The inputs through {@code in}, the outputs of the forward (out, mean, rstd) through {@code out}. */
    public <R> LayerNormArgs<R> map(Function<? super T, ? extends R> in, Function<? super T, ? extends R> out) {
        return new LayerNormArgs<>(
                out.apply(this.out), out.apply(mean), out.apply(rstd), in.apply(x), in.apply(w), in.apply(b));
    }
}
