package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

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
        return copyOf(kernels, MemorySegment.ofArray(host));
    }

    public static DeviceBuffer of(RevtafKernels kernels, byte[] host) {
        return copyOf(kernels, MemorySegment.ofArray(host));
    }

    public static DeviceBuffer of(RevtafKernels kernels, int[] host) {
        return copyOf(kernels, MemorySegment.ofArray(host));
    }

    /** A device copy of 16-bit elements (e.g. bfloat16 bit patterns). */
    public static DeviceBuffer of(RevtafKernels kernels, short[] host) {
        return copyOf(kernels, MemorySegment.ofArray(host));
    }

    /** A device copy of host memory (staged off-heap: native code cannot read the Java heap). */
    private static DeviceBuffer copyOf(RevtafKernels kernels, MemorySegment heap) {
        DeviceBuffer b = new DeviceBuffer(kernels, heap.byteSize());
        try (Arena a = Arena.ofConfined()) {
            kernels.memcpyH2d(b.ptr, a.allocate(heap.byteSize(), 16).copyFrom(heap), b.bytes);
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
            return toHost(a).toArray(JAVA_FLOAT);
        }
    }

    public int[] toInts() {
        try (Arena a = Arena.ofConfined()) {
            return toHost(a).toArray(JAVA_INT);
        }
    }

    /** The buffer as 16-bit elements (e.g. bfloat16 bit patterns). */
    public short[] toShorts() {
        try (Arena a = Arena.ofConfined()) {
            return toHost(a).toArray(JAVA_SHORT);
        }
    }

    private MemorySegment toHost(Arena a) {
        MemorySegment host = a.allocate(bytes, 16);
        kernels.memcpyD2h(host, ptr(), bytes);
        return host;
    }

    @Override
    public void close() {
        if (ptr != null) {
            kernels.free(ptr);
            ptr = null;
        }
    }
}
