package org.revtaf.bindings;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One device allocation of a kernel library (rt_malloc/rt_free) with host copies in and out through
 * a confined staging arena. Use with try-with-resources.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final RevtafKernels kernels;
    private final long bytes;
    private MemorySegment ptr;

    private DeviceBuffer(RevtafKernels kernels, long bytes) {
        this.kernels = kernels;
        this.bytes = bytes;
        this.ptr = kernels.malloc(bytes);
    }

    public static DeviceBuffer allocate(RevtafKernels kernels, long bytes) {
        return new DeviceBuffer(kernels, bytes);
    }

    /** A zero-filled buffer of {@code n} floats. */
    public static DeviceBuffer zeros(RevtafKernels kernels, long n) {
        DeviceBuffer b = new DeviceBuffer(kernels, n * Float.BYTES);
        kernels.memset(b.ptr, 0, b.bytes);
        return b;
    }

    public static DeviceBuffer of(RevtafKernels kernels, float[] host) {
        DeviceBuffer b = new DeviceBuffer(kernels, (long) host.length * Float.BYTES);
        try (Arena a = Arena.ofConfined()) {
            kernels.memcpyH2d(b.ptr, a.allocateFrom(JAVA_FLOAT, host), b.bytes);
        }
        return b;
    }

    public static DeviceBuffer of(RevtafKernels kernels, byte[] host) {
        DeviceBuffer b = new DeviceBuffer(kernels, host.length);
        try (Arena a = Arena.ofConfined()) {
            kernels.memcpyH2d(b.ptr, a.allocateFrom(JAVA_BYTE, host), b.bytes);
        }
        return b;
    }

    /** The device address (pass to kernels). */
    public MemorySegment ptr() {
        if (ptr == null) {
            throw new IllegalStateException("device buffer already freed");
        }
        return ptr;
    }

    public long bytes() {
        return bytes;
    }

    public float[] toFloats() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(bytes, 16);
            kernels.memcpyD2h(host, ptr(), bytes);
            return host.toArray(JAVA_FLOAT);
        }
    }

    public int[] toInts() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(bytes, 16);
            kernels.memcpyD2h(host, ptr(), bytes);
            return host.toArray(JAVA_INT);
        }
    }

    @Override
    public void close() {
        if (ptr != null) {
            kernels.free(ptr);
            ptr = null;
        }
    }
}
