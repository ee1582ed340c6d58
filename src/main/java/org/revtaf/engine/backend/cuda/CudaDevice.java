package org.revtaf.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.Device;

/**
 * The state one cuda backend shares between its kernels and its storages: the kernel library, the
 * one compute stream every kernel and copy is ordered on, a caching allocator (size classes, freed
 * blocks reused in stream order, current and peak bytes), a {@link Cleaner} that returns the memory
 * of tensors that escape a Scope, and the device error word the indexing kernels report bad indices
 * in (read at the next host synchronisation, never inside an op).
 */
final class CudaDevice {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Smallest block; requests round up to a power of two below {@link #LARGE}, to a multiple of it above. */
    private static final long MIN_BLOCK = 512, LARGE = 1L << 20;

    final RevtafKernels k;
    final Device device;
    final MemorySegment stream;
    /** The kernel version of each family ({@code -Drevtaf.cuda.kernelVersion}). */
    final KernelVersions versions;

    private final Map<Long, ArrayDeque<MemorySegment>> free = new HashMap<>();
    private long inUse, peak, cached;
    private final MemorySegment errorWord;
    /** Pinned host memory for uploads and downloads, and the waits for the stream. */
    final PinnedStaging staging;

    private volatile String errorOp;

    CudaDevice(RevtafKernels k, Device device) {
        this.versions = KernelVersions.fromSystem(); // first: a bad property fails before any allocation
        this.k = k;
        this.device = device;
        this.stream = k.streamCreate();
        this.staging = new PinnedStaging(k, stream);
        this.errorWord = k.malloc(4L * Long.BYTES);
        k.memset(errorWord, 0, 4L * Long.BYTES);
    }

    /** The size class of a request (bytes actually reserved). */
    static long sizeClass(long bytes) {
        long b = Math.max(MIN_BLOCK, bytes);
        if (b >= LARGE) return (b + LARGE - 1) / LARGE * LARGE;
        return Long.highestOneBit(b - 1) << 1;
    }

    /** A device block of at least {@code bytes}: a cached one of its class, else a new rt_malloc. */
    synchronized MemorySegment allocate(long bytes) {
        long c = sizeClass(bytes);
        ArrayDeque<MemorySegment> q = free.get(c);
        MemorySegment p = q == null ? null : q.poll();
        if (p != null) cached -= c;
        else {
            try {
                p = k.malloc(c);
            } catch (RuntimeException e) { // out of memory: give the cache back to the device and retry once
                trim();
                p = k.malloc(c);
            }
        }
        inUse += c;
        peak = Math.max(peak, inUse);
        return p;
    }

    /** Returns a block to its class (reused by later work on the same stream: no sync, no cudaFree). */
    synchronized void release(MemorySegment p, long bytes) {
        long c = sizeClass(bytes);
        free.computeIfAbsent(c, x -> new ArrayDeque<>()).push(p);
        inUse -= c;
        cached += c;
    }

    /** Frees every cached block (after a synchronisation, so no queued kernel still uses one). */
    synchronized void trim() {
        staging.sync();
        for (ArrayDeque<MemorySegment> q : free.values()) for (MemorySegment p : q) k.free(p);
        free.clear();
        cached = 0;
    }

    /** Bytes held by live tensors (rounded to size classes), the most ever, and the cache. */
    synchronized long currentBytes() {
        return inUse;
    }

    synchronized long peakBytes() {
        return peak;
    }

    synchronized long cachedBytes() {
        return cached;
    }

    /** Starts counting the peak again from the current use. */
    synchronized void resetPeak() {
        peak = inUse;
    }

    /** A scratch block of the allocator for the length of one call (try-with-resources). */
    Temp temp(long bytes) {
        return new Temp(allocate(bytes), bytes);
    }

    final class Temp implements AutoCloseable {
        private final MemorySegment ptr;
        private final long bytes;

        private Temp(MemorySegment ptr, long bytes) {
            this.ptr = ptr;
            this.bytes = bytes;
        }

        MemorySegment ptr() {
            return ptr;
        }

        @Override
        public void close() {
            release(ptr, bytes);
        }
    }

    /** Runs {@code action} when {@code owner} becomes unreachable (memory of escaped tensors). */
    static Cleaner.Cleanable onUnreachable(Object owner, Runnable action) {
        return CLEANER.register(owner, action);
    }

    /** The error word's address for an indexing kernel of op {@code op}. */
    MemorySegment errorWord(String op) {
        errorOp = op;
        return errorWord;
    }

    /**
     * At a host synchronisation: when an indexing kernel ran since the last check, reads the error
     * word and raises the first bad index it recorded (then clears it).
     */
    void checkErrors() {
        String op = errorOp;
        if (op == null) return;
        errorOp = null;
        long[] e;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(4L * Long.BYTES, 8);
            k.memcpyD2h(h, errorWord, 4L * Long.BYTES);
            e = h.toArray(JAVA_LONG);
        }
        if (e[0] != 0) {
            k.memset(errorWord, 0, 4L * Long.BYTES);
            throw new RevtafException(op + ": index " + e[2] + " out of range [0, " + e[3] + ") at position " + e[1]
                    + " (device " + device.cliName() + ")");
        }
    }
}
