package org.revtaf.engine.backend.cpu.kernels;

import org.revtaf.engine.backend.Buf;

/**
 * Entry checks of the fused kernels: sizes, array spans and scalars, failing with an
 * IllegalArgumentException that names the op and the argument (a caller bug, never user input:
 * the autograd ops validate tensors and report RevtafException before calling down here).
 */
final class Args {
    private Args() {}

    /** Every size is >= 0. names and dims pair up: ("n", n, "d", d, ...). */
    static void sizes(String op, Object... nameValue) {
        for (int i = 0; i + 1 < nameValue.length; i += 2)
            if ((Integer) nameValue[i + 1] < 0)
                throw new IllegalArgumentException(op + ": size " + nameValue[i] + " = " + nameValue[i + 1] + " < 0");
    }

    static void positive(String op, String name, double v) {
        if (!(v > 0) || Double.isInfinite(v))
            throw new IllegalArgumentException(op + ": " + name + " must be a positive finite number, got " + v);
    }

    /** a[off, off + need) exists; a may be null only when nullable. */
    static void span(String op, String name, float[] a, int off, long need, boolean nullable) {
        span(op, name, a == null ? -1 : a.length, off, need, nullable);
    }

    static void span(String op, String name, double[] a, int off, long need, boolean nullable) {
        span(op, name, a == null ? -1 : a.length, off, need, nullable);
    }

    /** b's elements [off, off + need) exist; b may be null only when nullable. */
    static void span(String op, String name, Buf.F32 b, long need, boolean nullable) {
        span(op, name, Buf.arr(b), Buf.off(b), need, nullable);
    }

    private static void span(String op, String name, int length, int off, long need, boolean nullable) {
        if (length < 0) {
            if (nullable) return;
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (off < 0 || off + need > length)
            throw new IllegalArgumentException(
                    op + ": " + name + " needs " + need + " elements from offset " + off + ", its array has " + length);
    }
}
