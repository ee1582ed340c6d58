package org.revtaf.backend.fused;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Fork-join over index ranges for the fused cpu kernels, on a private pool (not the common pool).
 * Threads: {@code -Drevtaf.threads=N}, default the number of available processors.
 * TODO: switch to org.revtaf.backend.cpu.kernels.Parallel once that lands in main.
 */
final class FusedParallel {
    private FusedParallel() {}

    static final int THREADS =
            Integer.getInteger("revtaf.threads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS));

    /** body(from, to) over [0, n). */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs body over [0, n) in chunks of at least {@code grain} indices, at most 4 chunks per
     * thread; inline when one chunk suffices or when only one thread is configured.
     */
    static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(Math.max(1, n / Math.max(1, grain)), THREADS * 4);
        if (chunks <= 1 || THREADS <= 1) {
            body.run(0, n);
            return;
        }
        List<RecursiveAction> tasks = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            tasks.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(from, to);
                }
            });
        }
        if (ForkJoinTask.inForkJoinPool()) ForkJoinTask.invokeAll(tasks);
        else
            POOL.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
    }
}
