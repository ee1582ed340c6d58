package org.revtaf.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.revtaf.engine.bindings.RevtafKernels;

/**
 * Pinned host memory (cudaMallocHost: asynchronous DMA on a GPU) through which every copy between
 * host and device goes, used as a bump arena between synchronisations of the stream: an upload takes
 * the next free bytes, fills them and queues its copy without waiting (the bytes stay untouched
 * until the stream has passed the copy); only a full arena waits, once, for all uploads queued so
 * far. A download waits anyway (the host needs the data), which frees the whole arena. Copies above
 * 64 MiB go through a temporary off-heap buffer and wait. {@link #syncs} counts the waits.
 */
final class PinnedStaging {
    /** The smallest arena, and the largest copy through pinned memory. */
    private static final long MIN = 4L << 20, MAX_PINNED = 64L << 20;

    private final RevtafKernels k;
    private final MemorySegment stream;
    private MemorySegment pinned = MemorySegment.NULL;
    /** Bytes of the arena taken by uploads the stream may not have run yet. */
    private long used;

    private long syncs;

    /** What a host copy does with its staging bytes. */
    interface Staged {
        void run(MemorySegment staging);
    }

    PinnedStaging(RevtafKernels k, MemorySegment stream) {
        this.k = k;
        this.stream = stream;
    }

    /**
     * An upload of {@code bytes}: {@code copy} fills the staging bytes from the host and queues the
     * copy to the device; returns without waiting for it.
     */
    synchronized void write(long bytes, Staged copy) {
        if (bytes > MAX_PINNED) {
            try (Arena a = Arena.ofConfined()) {
                copy.run(a.allocate(bytes, 16));
                sync(); // the temporary buffer goes away now
            }
            return;
        }
        MemorySegment region = take(bytes);
        copy.run(region);
    }

    /**
     * A download of {@code bytes}: {@code enqueue} queues the copy from the device into the staging
     * bytes, the stream is waited for, then {@code collect} reads them to the host.
     */
    synchronized void read(long bytes, Staged enqueue, Staged collect) {
        if (bytes > MAX_PINNED) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tmp = a.allocate(bytes, 16);
                enqueue.run(tmp);
                sync();
                collect.run(tmp);
            }
            return;
        }
        if (bytes > pinned.byteSize()) {
            if (used > 0) sync(); // uploads still read the arena that grow frees
            grow(bytes);
        }
        // the start of the arena, even under queued uploads: the stream runs them before this copy
        // writes there, and the host reads it only after the wait
        MemorySegment region = pinned.asSlice(0, Math.max(bytes, 1));
        enqueue.run(region);
        sync();
        collect.run(region);
    }

    /** Waits for the stream; every staged byte is free again. */
    synchronized void sync() {
        k.streamSynchronize(stream);
        used = 0;
        syncs++;
    }

    /** Waits for the stream so far (all copies, downloads included, and explicit synchronisations). */
    synchronized long syncs() {
        return syncs;
    }

    /** The next {@code bytes} of the arena (16-aligned), after waiting when they do not fit. */
    private MemorySegment take(long bytes) {
        long at = (used + 15) & ~15L;
        if (at + bytes > pinned.byteSize()) {
            if (used > 0) sync(); // uploads still read the arena: wait for them once
            at = 0;
            if (bytes > pinned.byteSize()) grow(bytes);
        }
        used = at + bytes;
        return pinned.asSlice(at, Math.max(bytes, 1));
    }

    private void grow(long bytes) {
        if (pinned.address() != 0) k.freeHost(pinned); // nothing in flight: used was 0 or synced
        pinned = MemorySegment.NULL;
        long size = Math.max(MIN, Long.highestOneBit(Math.max(1, bytes - 1)) << 1);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            k.mallocHost(out, size);
            pinned = out.get(ADDRESS, 0).reinterpret(size);
        }
    }
}
