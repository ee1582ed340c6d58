package org.revtaf.engine.tensor;

import java.util.Arrays;
import org.revtaf.RevtafException;

/** Shape arithmetic: element counts, C-order strides, broadcasting, axis normalisation. */
public final class Shapes {
    private Shapes() {}

    public static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
            if (n > Integer.MAX_VALUE)
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31 elements");
        }
        return (int) n;
    }

    /** C-order (row-major) strides for a shape. */
    public static int[] contiguousStrides(int... shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    /** NumPy broadcast of two shapes; the error names the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new RevtafException(
                        op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Axis in [-rank, rank) to [0, rank); the error names the op. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new RevtafException(op + ": axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** Normalised, sorted, de-duplicated axes; an empty array means all axes. */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = axis(op, axes[i], rank);
        int[] s = Arrays.stream(a).sorted().distinct().toArray();
        if (s.length != a.length) throw new RevtafException(op + ": repeated axis in " + Arrays.toString(axes));
        return s;
    }

    /** Product of shape[from..to). */
    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    public static String str(int... shape) {
        return Arrays.toString(shape);
    }
}
