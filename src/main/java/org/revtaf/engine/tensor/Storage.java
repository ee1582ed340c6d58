package org.revtaf.engine.tensor;

/**
 * The memory behind one or more tensors (views share it). Host devices (reference, cpu) use
 * {@link HeapStorage}: plain Java arrays, which the Vector API reads fastest. Device memory (the
 * cuda backend, added later in {@code backend/cuda}) implements {@link DeviceStorage}.
 */
public sealed interface Storage permits HeapStorage, DeviceStorage {
    DType dtype();

    /** Number of elements. */
    int length();

    /** Returns the memory to its allocator; any later access fails with a clear error. */
    void release();

    boolean isReleased();

    default long byteSize() {
        return (long) length() * dtype().byteSize();
    }
}
