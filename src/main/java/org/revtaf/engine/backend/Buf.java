package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/**
 * A kernel argument at array level: one Java array and the offset of element 0 (contiguous,
 * row-major from there). The array kernels ({@code backend/reference}, {@code backend/cpu/kernels})
 * take these instead of {@code (x, xOff)} pairs; null stands for an absent optional argument.
 */
public sealed interface Buf {
    int off();

    /** float32 elements (the cpu kernels). */
    record F32(float[] a, int off) implements Buf {
        /** The float32 host data of a tensor (null for null). */
        public static F32 of(Tensor t) {
            return t == null ? null : new F32(t.f32(), t.offset());
        }

        public static F32 of(float[] a) {
            return a == null ? null : new F32(a, 0);
        }
    }

    /** float64 elements (the reference oracles). */
    record F64(double[] a, int off) implements Buf {
        public static F64 of(double[] a) {
            return a == null ? null : new F64(a, 0);
        }
    }

    /** int32 elements (pooling argmax). */
    record I32(int[] a, int off) implements Buf {
        public static I32 of(int[] a) {
            return a == null ? null : new I32(a, 0);
        }
    }

    /** a from element 0 (null stays null). */
    static F32 of(float[] a) {
        return a == null ? null : new F32(a, 0);
    }

    static F64 of(double[] a) {
        return a == null ? null : new F64(a, 0);
    }

    static I32 of(int[] a) {
        return a == null ? null : new I32(a, 0);
    }

    static F32 of(float[] a, int off) {
        return new F32(a, off);
    }

    static F64 of(double[] a, int off) {
        return new F64(a, off);
    }

    static I32 of(int[] a, int off) {
        return new I32(a, off);
    }

    static float[] arr(F32 b) {
        return b == null ? null : b.a();
    }

    static double[] arr(F64 b) {
        return b == null ? null : b.a();
    }

    static int[] arr(I32 b) {
        return b == null ? null : b.a();
    }

    /** The offset of b, 0 when absent. */
    static int off(Buf b) {
        return b == null ? 0 : b.off();
    }
}
