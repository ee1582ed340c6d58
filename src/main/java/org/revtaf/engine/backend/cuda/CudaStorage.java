package org.revtaf.engine.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Allocator;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.DeviceStorage;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.SizedStorage;
import org.revtaf.engine.tensor.Tensor;

/**
 * Device memory of one tensor storage on {@code cuda} or {@code cuda-emu}: a block of the backend's
 * caching allocator ({@link CudaDevice}), given back on {@link #release} or, for a tensor that
 * escaped its Scope, when the storage becomes unreachable. Host code reaches it only through
 * {@link #toHost()}, an explicit synchronisation point (which also raises bad indices the kernels
 * recorded), and {@link #copyFromHost}, queued on the stream through pinned staging without a wait
 * ({@link PinnedStaging}). Both are counted ({@link HostCopies}).
 */
final class CudaStorage extends SizedStorage implements DeviceStorage {
    private final CudaDevice dev;
    private final Block block;
    private final Cleaner.Cleanable cleanable;

    /** The allocation, shared with the cleaner (which must not reach the storage itself). */
    private static final class Block implements Runnable {
        private final CudaDevice dev;
        private final long bytes;
        private volatile MemorySegment ptr;

        Block(CudaDevice dev, long bytes) {
            this.dev = dev;
            this.bytes = bytes;
            this.ptr = dev.allocate(bytes);
        }

        @Override
        public synchronized void run() {
            if (ptr != null) {
                dev.release(ptr, bytes);
                ptr = null;
            }
        }
    }

    CudaStorage(CudaDevice dev, DType dtype, int length, boolean zero) {
        super(dtype, length);
        this.dev = dev;
        long bytes = Math.max(1L, (long) length * dtype.byteSize());
        this.block = new Block(dev, bytes);
        this.cleanable = CudaDevice.onUnreachable(this, block);
        if (zero) {
            dev.k.memsetAsync(block.ptr, 0, bytes, dev.stream);
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
        return MemorySegment.ofAddress(live().address() + (long) offset * dtype().byteSize());
    }

    private MemorySegment live() {
        MemorySegment p = block.ptr;
        if (p == null) {
            throw new RevtafException("device " + dev.device.cliName() + ": tensor storage used after release");
        }
        return p;
    }

    @Override
    public Device device() {
        return dev.device;
    }

    @Override
    public HeapStorage toHost() {
        HeapStorage h = Allocator.allocate(dtype(), length(), false);
        long bytes = byteSize();
        HostCopies.read();
        if (bytes > 0) {
            dev.staging.read(
                    bytes,
                    staging -> dev.k.memcpyD2hAsync(staging, live(), bytes, dev.stream),
                    staging -> MemorySegment.copy(staging, 0, heapSegment(h), 0, bytes));
        }
        dev.checkErrors();
        return h;
    }

    @Override
    public void copyFromHost(HeapStorage src) {
        if (src.dtype() != dtype() || src.length() < length()) {
            throw new IllegalArgumentException(
                    "copyFromHost: " + src.dtype() + "[" + src.length() + "] into " + dtype() + "[" + length() + "]");
        }
        long bytes = byteSize();
        HostCopies.write();
        if (bytes > 0) {
            dev.staging.write(
                    bytes,
                    staging -> { // queued: no wait (PinnedStaging keeps the bytes)
                        MemorySegment.copy(heapSegment(src), 0, staging, 0, bytes);
                        dev.k.memcpyH2dAsync(live(), staging, bytes, dev.stream);
                    });
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
    public void release() {
        cleanable.clean();
    }

    @Override
    public boolean isReleased() {
        return block.ptr == null;
    }
}
