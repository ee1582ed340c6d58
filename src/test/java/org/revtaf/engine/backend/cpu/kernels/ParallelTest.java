package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
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

    @Test
    void theCallerAndAWorkerRunTasksAtTheSameTime() throws Exception {
        int t = Parallel.threads();
        try {
            Parallel.setThreads(2);
            for (int round = 0; round < 20; round++) { // the worker may be parked or spinning: both paths
                CountDownLatch bothStarted = new CountDownLatch(2);
                Set<String> ran = ConcurrentHashMap.newKeySet();
                AtomicInteger met = new AtomicInteger();
                Parallel.tasks(2, i -> {
                    ran.add(Thread.currentThread().getName());
                    bothStarted.countDown();
                    try { // a serial pool never gets past this
                        if (bothStarted.await(20, TimeUnit.SECONDS)) met.incrementAndGet();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals(2, met.get(), "both tasks saw each other running, round " + round);
                assertTrue(ran.contains(Thread.currentThread().getName()), "the caller ran a task: " + ran);
                assertEquals(2, ran.size(), "two distinct threads: " + ran);
                if (round % 4 == 3) Thread.sleep(5); // long enough for the worker to stop spinning and park
            }
        } finally {
            Parallel.setThreads(t);
        }
    }

    @Test
    void twoCallingThreadsAtOnceEachGetEveryTaskOnce() throws Exception {
        int t = Parallel.threads();
        try {
            Parallel.setThreads(3);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Runnable caller = () -> {
                try {
                    for (int call = 0; call < 300; call++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(37);
                        Parallel.tasks(37, i -> {
                            hits.incrementAndGet(i);
                            Parallel.range(50, 1, (s, e) -> {}); // nested: serial, must not wait for the team
                        });
                        for (int i = 0; i < 37; i++)
                            if (hits.get(i) != 1)
                                throw new AssertionError("call " + call + " task " + i + ": " + hits.get(i));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            };
            Thread a = new Thread(caller), b = new Thread(caller);
            a.start();
            b.start();
            a.join(60_000);
            b.join(60_000);
            assertTrue(!a.isAlive() && !b.isAlive(), "a caller hung");
            assertEquals(null, failure.get());
        } finally {
            Parallel.setThreads(t);
        }
    }
}
