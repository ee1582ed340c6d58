package org.revtaf.engine.tensor;

/**
 * Walks the storage offsets of a strided view in C order of its shape (the last axis fastest).
 * Used by the scalar kernels; fast kernels special-case contiguous inner rows.
 */
public final class StridedIndex {
    private final int[] shape;
    private final int[] strides;
    private final int[] counter;
    private int offset;

    public StridedIndex(int[] shape, int[] strides, int offset) {
        this.shape = shape;
        this.strides = strides;
        this.counter = new int[shape.length];
        this.offset = offset;
    }

    public StridedIndex(Tensor t) {
        this(t.shapeRef(), t.stridesRef(), t.offset());
    }

    /** The current offset; then advances to the next element. */
    public int next() {
        int cur = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++counter[d] < shape[d]) {
                offset += strides[d];
                return cur;
            }
            offset -= strides[d] * (shape[d] - 1);
            counter[d] = 0;
        }
        return cur;
    }

    /**
     * dst = src element by element for host tensors of one shape, any strides and any dtypes
     * (converted through double; int64 to int64 exactly).
     */
    public static void copy(Tensor dst, Tensor src) {
        HeapStorage s = src.heap(), d = dst.heap();
        StridedIndex si = new StridedIndex(src), di = new StridedIndex(dst);
        int n = src.numel();
        if (s.array() instanceof long[] sa && d.array() instanceof long[] da) {
            for (int i = 0; i < n; i++) da[di.next()] = sa[si.next()];
        } else {
            for (int i = 0; i < n; i++) d.set(di.next(), s.get(si.next()));
        }
    }
}
