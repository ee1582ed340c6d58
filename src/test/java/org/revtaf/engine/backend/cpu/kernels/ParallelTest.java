package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void rangeCoversEveryIndexOnceAndRespectsGrain() {
        int t = Parallel.threads();
        try {
            Parallel.setThreads(3);
            for (int n : new int[] {0, 1, 7, 100, 1001}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, n));
                AtomicInteger chunks = new AtomicInteger();
                Parallel.range(n, 10, (s, e) -> {
                    chunks.incrementAndGet();
                    assertTrue(e - s >= Math.min(n, 10), "chunk smaller than grain");
                    for (int i = s; i < e; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n);
                assertTrue(chunks.get() <= 3);
                if (n == 7) assertEquals(1, chunks.get(), "tiny work must stay serial");
            }
        } finally {
            Parallel.setThreads(t);
        }
    }

    @Test
    void nestedCallsRunAndExceptionsPropagate() {
        int t = Parallel.threads();
        try {
            Parallel.setThreads(2);
            AtomicInteger sum = new AtomicInteger();
            Parallel.tasks(4, i -> Parallel.range(100, 1, (s, e) -> sum.addAndGet(e - s)));
            assertEquals(400, sum.get());
            assertThrows(
                    IllegalStateException.class,
                    () -> Parallel.tasks(3, i -> {
                        if (i == 1) throw new IllegalStateException("boom");
                    }));
            assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        } finally {
            Parallel.setThreads(t);
        }
    }
}
