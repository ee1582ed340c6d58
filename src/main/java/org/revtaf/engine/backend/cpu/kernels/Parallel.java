package org.revtaf.engine.backend.cpu.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The one thread pool of the cpu kernels: a {@link ForkJoinPool} sized to the cores, or to the
 * system property {@code revtaf.threads} when set ({@code -Drevtaf.threads=1} runs every kernel
 * serially). Helpers split an index range into at most {@link #threads()} chunks of at least
 * {@code grain} items, so tiny work stays on the calling thread. Calls from inside a pool worker
 * (nested parallelism) run serially.
 */
public final class Parallel {
    private static volatile int threads = Math.max(
            1, Integer.getInteger("revtaf.threads", Runtime.getRuntime().availableProcessors()));
    private static volatile ForkJoinPool pool = newPool(threads);

    /** Body of a parallel loop over the half-open index range [start, end). */
    @FunctionalInterface
    public interface Range {
        void run(int start, int end);
    }

    /** Body of one task among {@code count}, given its index. */
    @FunctionalInterface
    public interface Task {
        void run(int index);
    }

    private Parallel() {}

    /** Number of worker threads the kernels use (1 = serial). */
    public static int threads() {
        return threads;
    }

    /**
     * Changes the number of threads (e.g. {@code revtaf bench --threads}); kernels started after
     * this call use the new pool. Not meant to be called while kernels run.
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = newPool(n);
        threads = n;
        if (old != null) old.shutdown();
    }

    private static ForkJoinPool newPool(int n) {
        if (n <= 1) return null;
        return new ForkJoinPool(
                n,
                p -> {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                    t.setName("revtaf-cpu-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                },
                null,
                false);
    }

    /** True when a parallel call now would really run in parallel (pool exists, not nested). */
    public static boolean available() {
        return pool != null && !ForkJoinTask.inForkJoinPool();
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks of at
     * least {@code grain} items each (serial when n < 2 * grain).
     */
    public static void range(int n, int grain, Range body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(threads, Math.max(1, n / (long) Math.max(1, grain)));
        if (chunks <= 1 || !available()) {
            body.run(0, n);
            return;
        }
        int base = n / chunks, rem = n % chunks;
        int[] starts = new int[chunks + 1];
        for (int i = 0; i < chunks; i++) starts[i + 1] = starts[i] + base + (i < rem ? 1 : 0);
        tasks(chunks, i -> body.run(starts[i], starts[i + 1]));
    }

    /** Runs {@code count} independent tasks, in parallel when possible; waits for all. */
    public static void tasks(int count, Task task) {
        if (count <= 0) return;
        if (count == 1 || !available()) {
            for (int i = 0; i < count; i++) task.run(i);
            return;
        }
        ForkJoinPool p = pool;
        if (p == null) {
            for (int i = 0; i < count; i++) task.run(i);
            return;
        }
        p.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                List<RecursiveAction> parts = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    int idx = i;
                    parts.add(new RecursiveAction() {
                        @Override
                        protected void compute() {
                            task.run(idx);
                        }
                    });
                }
                invokeAll(parts);
            }
        });
    }
}
