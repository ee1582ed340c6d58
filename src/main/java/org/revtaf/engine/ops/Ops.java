package org.revtaf.engine.ops;

import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * Checks and small helpers shared by the op classes; {@link #backend} and {@link #on} are where
 * every op meets the dispatcher (and the profiler, {@link Profiler#op}).
 */
final class Ops {
    private Ops() {}

    /**
     * The backend for a floating-point op: every non-null input on one device with one floating
     * dtype; the error names the op and the offending shapes.
     */
    static Backend backend(String op, Tensor... ts) {
        Tensor first = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (first == null) {
                first = t;
                if (!t.dtype().isFloating())
                    throw new RevtafException(op + ": expected a floating-point tensor, got " + t.dtype() + " "
                            + Shapes.str(t.shapeRef()));
                continue;
            }
            if (t.device() != first.device())
                throw new RevtafException(op + ": tensors on different devices: " + Shapes.str(first.shapeRef())
                        + " on " + first.device() + " and " + Shapes.str(t.shapeRef()) + " on " + t.device());
            if (t.dtype() != first.dtype())
                throw new RevtafException(op + ": dtype mismatch: " + Shapes.str(first.shapeRef()) + " " + first.dtype()
                        + " and " + Shapes.str(t.shapeRef()) + " " + t.dtype());
        }
        if (first == null) throw new IllegalArgumentException(op + ": no tensor input");
        return Profiler.op(op, Backends.of(first.device(), first.dtype()));
    }

    /**
     * The backend for one call of op on t without checks (any dtype): t's device and dtype (the
     * dispatcher decides).
     */
    static Backend on(String op, Tensor t) {
        return Profiler.op(op, Backends.of(t.device(), t.dtype()));
    }

    /**
     * The backend for kernels on t inside the op that runs now (a helper's kernels, no call of
     * its own), without checks.
     */
    static Backend on(Tensor t) {
        return Profiler.current(Backends.of(t.device(), t.dtype()));
    }

    /** Checks that an index tensor is integer-typed and on the same device as x. */
    static void indexTensor(String op, Tensor x, Tensor idx) {
        if (idx.dtype() != DType.INT64 && idx.dtype() != DType.INT32)
            throw new RevtafException(
                    op + ": indices must be int32 or int64, got " + idx.dtype() + " " + Shapes.str(idx.shapeRef()));
        if (idx.device() != x.device())
            throw new RevtafException(op + ": indices on " + idx.device() + " but input " + Shapes.str(x.shapeRef())
                    + " on " + x.device());
    }

    static void rank(String op, Tensor t, int rank, String what) {
        if (t.rank() != rank)
            throw new RevtafException(
                    op + ": " + what + " must have rank " + rank + ", got shape " + Shapes.str(t.shapeRef()));
    }

    static Tensor emptyLike(Tensor t) {
        return Tensor.empty(t.device(), t.dtype(), t.shapeRef());
    }

    static Tensor zerosLike(Tensor t) {
        return Tensor.zeros(t.device(), t.dtype(), t.shapeRef());
    }

    /** An uninitialised tensor like t (device, dtype) with its last dimension resized to {@code last}: (..., last). */
    static Tensor emptyLastDim(Tensor t, int last) {
        int[] shape = t.shape();
        shape[shape.length - 1] = last;
        return Tensor.empty(t.device(), t.dtype(), shape);
    }

    /** x itself when contiguous, else a contiguous copy (no autograd: for kernel inputs). */
    static Tensor dense(Tensor x) {
        if (x.isContiguous()) return x;
        Tensor out = emptyLike(x);
        on(x).elementwise().copy(out, x);
        return out;
    }

    /** A stride-0 view of t broadcast to shape (no autograd). */
    static Tensor broadcastView(Tensor t, int[] shape) {
        int r = shape.length, off = r - t.rank();
        int[] st = new int[r];
        int[] ts = t.shapeRef(), tst = t.stridesRef();
        for (int i = 0; i < r; i++) {
            if (i < off) continue;
            int d = ts[i - off];
            if (d == shape[i]) st[i] = tst[i - off];
            else if (d == 1) st[i] = 0;
            else throw new RevtafException("expand: cannot expand " + Shapes.str(ts) + " to " + Shapes.str(shape));
        }
        return t.asStrided(shape.clone(), st, t.offset());
    }

    /** Sums a broadcast gradient back to the shape of the input it came from. */
    static Tensor reduceTo(Tensor g, int[] shape) {
        int[] gs = g.shapeRef();
        if (java.util.Arrays.equals(gs, shape)) return g;
        int off = gs.length - shape.length;
        int[] axes = java.util.stream.IntStream.range(0, gs.length)
                .filter(i -> i < off || (shape[i - off] == 1 && gs[i] != 1))
                .toArray();
        Tensor s = axes.length == 0 ? g : Reductions.sum(g, true, axes);
        return Views.reshape(s, shape);
    }
}
