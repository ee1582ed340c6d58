package org.revtaf.engine.backend;

import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Tensor;

/**
 * The operands of one cross-entropy call ({@link ReduceKernels#crossEntropy}), kept by the op for
 * its backward: logits (rows, c) and integer targets (rows; int32 or int64), contiguous; loss (2) =
 * [mean over counted rows, count], lse (rows) saved for backward, rowLoss (rows) scratch, all
 * written by the forward. Rows whose target is ignoreIndex count for nothing; smoothing is the
 * label smoothing s.
 */
public record CrossEntropyArgs(
        Tensor loss,
        Tensor lse,
        Tensor rowLoss,
        Tensor logits,
        Tensor target,
        int rows,
        int c,
        long ignoreIndex,
        double smoothing) {
    /**
     * The target of row r of a host target tensor, or -1 when it is ignoreIndex; a target outside
     * [0, c) is an error naming it and the row.
     */
    public int hostTarget(int r) {
        Object a = target.heap().array();
        long t = a instanceof int[] i ? i[target.offset() + r] : ((long[]) a)[target.offset() + r];
        if (t == ignoreIndex) return -1;
        if (t < 0 || t >= c)
            throw new RevtafException("cross_entropy: target " + t + " out of range [0, " + c + ") at row " + r);
        return (int) t;
    }
}
