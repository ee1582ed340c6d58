package org.revtaf.engine.tensor;

/**
 * What every storage knows about its memory, whatever holds it (a Java array in {@link HeapStorage},
 * device memory behind a {@link DeviceStorage}): the element type and the element count.
 */
public abstract class SizedStorage {
    private final DType dtype;
    private final int length;

    protected SizedStorage(DType dtype, int length) {
        this.dtype = dtype;
        this.length = length;
    }

    public final DType dtype() {
        return dtype;
    }

    /** Number of elements. */
    public final int length() {
        return length;
    }
}
