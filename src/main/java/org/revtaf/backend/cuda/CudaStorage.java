package org.revtaf.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.revtaf.RevtafException;
import org.revtaf.bindings.RevtafKernels;
import org.revtaf.tensor.Allocator;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Device;
import org.revtaf.tensor.DeviceStorage;
import org.revtaf.tensor.HeapStorage;
import org.revtaf.tensor.Tensor;

/**
 * Device memory of one tensor storage on {@code cuda} or {@code cuda-emu}: one rt_malloc'ed
 * allocation. Host code reaches it only through {@link #toHost()} / {@link #copyFromHost}.
 */
final class CudaStorage implements DeviceStorage {
    private final RevtafKernels k;
    private final Device device;
    private final DType dtype;
    private final int length;
    private MemorySegment ptr;

    CudaStorage(RevtafKernels k, Device device, DType dtype, int length, boolean zero) {
        this.k = k;
        this.device = device;
        this.dtype = dtype;
        this.length = length;
        long bytes = Math.max(1L, (long) length * dtype.byteSize());
        this.ptr = k.malloc(bytes);
        if (zero) {
            k.memset(ptr, 0, bytes);
        }
    }

    /** Device address of a device tensor's first element (an error for a tensor on another device). */
    static MemorySegment at(Tensor t) {
        if (!(t.storage() instanceof CudaStorage cs))
            throw new RevtafException(
                    "tensor on " + t.device() + " where device memory is needed; move it with .to(cuda) first");
        return cs.at(t.offset());
    }

    /** Device address of element {@code offset}. */
    MemorySegment at(int offset) {
        return MemorySegment.ofAddress(live().address() + (long) offset * dtype.byteSize());
    }

    private MemorySegment live() {
        if (ptr == null) {
            throw new RevtafException("device " + device.cliName() + ": tensor storage used after release");
        }
        return ptr;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public HeapStorage toHost() {
        HeapStorage h = Allocator.allocate(dtype, length, false);
        long bytes = byteSize();
        if (bytes > 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment staging = a.allocate(bytes, 16);
                k.memcpyD2h(staging, live(), bytes);
                MemorySegment.copy(staging, 0, heapSegment(h), 0, bytes);
            }
        }
        return h;
    }

    @Override
    public void copyFromHost(HeapStorage src) {
        if (src.dtype() != dtype || src.length() < length) {
            throw new IllegalArgumentException(
                    "copyFromHost: " + src.dtype() + "[" + src.length() + "] into " + dtype + "[" + length + "]");
        }
        long bytes = byteSize();
        if (bytes > 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment staging = a.allocate(bytes, 16);
                MemorySegment.copy(heapSegment(src), 0, staging, 0, bytes);
                k.memcpyH2d(live(), staging, bytes);
            }
        }
    }

    /** The host array of a heap storage as a memory segment (float, double, int, long or byte). */
    private static MemorySegment heapSegment(HeapStorage h) {
        return switch (h.array()) {
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case byte[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            default ->
                throw new IllegalArgumentException(
                        "unsupported host array " + h.array().getClass());
        };
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void release() {
        if (ptr != null) {
            k.free(ptr);
            ptr = null;
        }
    }

    @Override
    public boolean isReleased() {
        return ptr == null;
    }
}
