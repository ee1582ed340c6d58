package org.revtaf.engine.backend.cpu.kernels;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The packed B panels of one parallel GEMM call whose tasks split the rows of C: every task needs
 * every (jc, pc) panel, so instead of each packing the whole panel, the panel's NR strips are cut
 * into one chunk per task and each chunk is packed once, by whichever task claims it first (a task
 * starts with its own chunk), into one of two buffers (step parity) that all tasks then read. This
 * is OpenBLAS's scheme for its threads (they share the packed B of a step); here it halves the
 * packing of B per thread on 2 threads.
 *
 * <p>No barrier: a task waits only (1) for a chunk another task has claimed and is packing, and (2)
 * before packing into a buffer, for the tasks that have started to be done with the step that buffer
 * held two steps ago. A task that starts late (the team ran the tasks one after another, or the OS
 * held a worker back) may find a buffer already holding a later step: it then packs that panel into
 * its own buffer. Claims, progress and readiness are volatile (the Dekker order: a claimer writes its
 * claim, then reads progress; a starting task writes its progress, then reads the claims), so a buffer
 * is never overwritten while a started task reads it, and a panel is read only after it was written.
 */
final class SharedPanels {
    private static final int NOT_STARTED = Integer.MIN_VALUE, FINISHED = Integer.MAX_VALUE;
    /** Spins on a wait before yielding the core (a waited-on thread may be descheduled). */
    private static final int SPINS = 2000;

    /** The caller's two panel buffers, kept between its calls (sized to the largest panel seen). */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][]);

    private final int parts;
    private final float[][] bufs;
    /** Per (parity, chunk): 0 = never used, 1 + 2 * step = claimed for step, 2 + 2 * step = ready. */
    private final AtomicIntegerArray chunk;
    /** Per task: the last step it finished with (NOT_STARTED, ..., FINISHED). */
    private final AtomicIntegerArray done;

    /** For {@code parts} tasks and panels of at most {@code panelFloats} floats; on the calling thread. */
    SharedPanels(int parts, int panelFloats) {
        this.parts = parts;
        float[][] b = BUFFERS.get();
        for (int i = 0; i < 2; i++) if (b[i] == null || b[i].length < panelFloats) b[i] = new float[panelFloats];
        this.bufs = b;
        this.chunk = new AtomicIntegerArray(2 * parts);
        this.done = new AtomicIntegerArray(parts);
        for (int t = 0; t < parts; t++) done.set(t, NOT_STARTED);
    }

    /** Task {@code t} starts (before its first {@link #panel}). */
    void start(int t) {
        done.set(t, -1);
    }

    /** Task {@code t} is done with step {@code step}'s panel. */
    void finished(int t, int step) {
        done.set(t, step);
    }

    /** Task {@code t} returns (also on failure, so that no task waits for it). */
    void stop(int t) {
        done.set(t, FINISHED);
    }

    /** One chunk's packing: strips [s0, s1) of the step's panel into {@code dst}. */
    @FunctionalInterface
    interface Packer {
        void pack(int s0, int s1, float[] dst);
    }

    /**
     * Task {@code t}'s panel for {@code step} (of {@code strips} NR strips), packed by the tasks
     * together: the shared buffer, or null when this task is too late for it (pack it alone).
     */
    float[] panel(int t, int step, int strips, Packer packer) {
        int slot = step & 1;
        float[] buf = bufs[slot];
        int claimed = 1 + 2 * step, ready = claimed + 1;
        for (int i = 0; i < parts; i++) {
            int q = (t + i) % parts, idx = slot * parts + q;
            int cur = chunk.get(idx);
            if (cur >= claimed) {
                if (cur > ready) return null; // a later step already
                continue; // another task packs it, or did
            }
            if (!chunk.compareAndSet(idx, cur, claimed)) {
                if (chunk.get(idx) > ready) return null;
                continue;
            }
            try {
                awaitDone(t, step - 2); // the buffer's previous step (step - 2) is read no more
                packer.pack(strips * q / parts, strips * (q + 1) / parts, buf);
            } finally {
                chunk.set(idx, ready); // also when packing failed: the call rethrows, no task waits forever
            }
        }
        for (int q = 0; q < parts; q++) {
            int idx = slot * parts + q;
            for (int spin = 0; ; spin++) {
                int cur = chunk.get(idx);
                if (cur == ready) break;
                if (cur > ready) return null;
                pause(spin);
            }
        }
        return buf;
    }

    /** Waits until every started task other than {@code t} has finished step {@code step}. */
    private void awaitDone(int t, int step) {
        if (step < 0) return;
        for (int u = 0; u < parts; u++) {
            if (u == t) continue;
            for (int spin = 0; ; spin++) {
                int d = done.get(u);
                if (d == NOT_STARTED || d >= step) break;
                pause(spin);
            }
        }
    }

    private static void pause(int spin) {
        if (spin < SPINS) Thread.onSpinWait();
        else Thread.yield();
    }
}
