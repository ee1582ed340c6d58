package org.revtaf.engine.backend;

import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Tensor;

/** The integer targets of a host cross-entropy kernel: int32 or int64, read in place, range-checked. */
public record CrossEntropyTargets(Object array, int offset, int c, long ignore) {
    /** The targets of a contiguous host tensor (int32 or int64) for c classes. */
    public static CrossEntropyTargets of(Tensor target, int c, long ignoreIndex) {
        return new CrossEntropyTargets(target.heap().array(), target.offset(), c, ignoreIndex);
    }

    /** The target of row r, or -1 when it is ignoreIndex; an error when out of range. */
    public int at(int r) {
        long t = array instanceof int[] a ? a[offset + r] : ((long[]) array)[offset + r];
        if (t == ignore) return -1;
        if (t < 0 || t >= c)
            throw new RevtafException("cross_entropy: target " + t + " out of range [0, " + c + ") at row " + r);
        return (int) t;
    }
}
