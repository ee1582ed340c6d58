package org.revtaf.engine.tensor;

/**
 * Slot for memory that is not a Java array: the cuda backend's device buffers (one rt_malloc'ed
 * allocation each, {@code org.revtaf.engine.backend.cuda.CudaStorage}) implement this interface. Host
 * code never reads it directly; it copies to a {@link HeapStorage} first.
 */
public non-sealed interface DeviceStorage extends Storage {
    /** The device this memory is on. */
    Device device();

    /** Copies {@code length()} elements into a fresh host storage. */
    HeapStorage toHost();

    /** Copies all of {@code src} (same dtype and length) into this storage. */
    void copyFromHost(HeapStorage src);
}
