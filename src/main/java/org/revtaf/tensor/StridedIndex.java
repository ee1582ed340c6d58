package org.revtaf.tensor;

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
}
