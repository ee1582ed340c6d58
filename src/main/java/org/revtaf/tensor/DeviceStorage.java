package org.revtaf.tensor;

/**
 * Slot for memory that is not a Java array: the cuda backend's device buffers (a device pointer,
 * a stream, a caching allocator) implement this interface in {@code org.revtaf.backend.cuda}.
 * Host code never reads it directly; it copies to a {@link HeapStorage} first.
 */
public non-sealed interface DeviceStorage extends Storage {
    /** The device this memory is on. */
    Device device();

    /** Copies {@code length()} elements into a fresh host storage. */
    HeapStorage toHost();

    /** Copies all of {@code src} (same dtype and length) into this storage. */
    void copyFromHost(HeapStorage src);
}
