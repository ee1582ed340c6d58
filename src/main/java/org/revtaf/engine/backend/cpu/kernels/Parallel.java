package org.revtaf.engine.backend.cpu.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread team of the cpu kernels: the calling thread plus {@code threads - 1} workers, sized
 * to the cores or to the system property {@code revtaf.threads} ({@code -Drevtaf.threads=1} runs
 * every kernel serially). Helpers split an index range into at most {@link #threads()} chunks of at
 * least {@code grain} items, so tiny work stays on the calling thread. Calls from inside a task
 * (nested parallelism), and calls from a second thread while the team is busy, run serially.
 *
 * <p>Why not a {@code ForkJoinPool} (the team before 2026-12-07): a call there hands the root task to
 * a parked worker and parks the caller, so the caller's core idles and every call pays wake-ups; on
 * these VMs, two 2 ms tasks per call took 2.57-2.79 ms on 2 cores against 2.38-2.56 ms here (and its
 * workers were all named revtaf-cpu-0). Here the caller runs tasks itself, tasks are claimed from a
 * shared counter (a thread the OS holds back loses no work), and idle workers spin for {@code
 * revtaf.parallel.spin} microseconds (default 300) before parking, as OpenMP runtimes and OpenBLAS's
 * threads do, so back-to-back kernels find them awake. Measured in ABBA on 2 Zen 5 cores: GEMM
 * 1024^3 +2-4%, ResNet-50 training step ~+10%, decoder step ~+4%.
 */
public final class Parallel {
    private static volatile int threads = Math.max(
            1, Integer.getInteger("revtaf.threads", Runtime.getRuntime().availableProcessors()));
    private static volatile Team team = Team.of(threads);

    /** How long an idle worker (and a caller waiting for the last task) spins before parking. */
    static final long SPIN_NANOS = Math.max(0, Long.getLong("revtaf.parallel.spin", 300)) * 1000;

    /** True on a thread that is running a task of the team (workers always; the caller during a call). */
    private static final ThreadLocal<boolean[]> IN_TASK = ThreadLocal.withInitial(() -> new boolean[1]);

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

    /** Number of threads the kernels use, the caller included (1 = serial). */
    public static int threads() {
        return threads;
    }

    /**
     * Changes the number of threads (e.g. {@code revtaf bench --threads}); kernels started after
     * this call use the new team. Not meant to be called while kernels run.
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        Team old = team;
        team = Team.of(n);
        threads = n;
        if (old != null) old.shutdown();
    }

    /** True when a parallel call now would really run in parallel (a team exists, not nested). */
    public static boolean available() {
        return team != null && !IN_TASK.get()[0];
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

    /**
     * Runs {@code count} independent tasks, in parallel when possible; waits for all. The first
     * exception a task throws is rethrown here (tasks not started yet are skipped).
     */
    public static void tasks(int count, Task task) {
        if (count <= 0) return;
        boolean[] inTask = IN_TASK.get();
        Team t = team;
        if (count == 1 || t == null || inTask[0] || !t.busy.tryLock()) {
            for (int i = 0; i < count; i++) task.run(i);
            return;
        }
        Job job = new Job(++t.generation, count, task);
        inTask[0] = true;
        try {
            t.publish(job);
            job.work();
            job.awaitDone();
        } finally {
            t.job = null; // the task and what it captured are not kept until the next call
            inTask[0] = false;
            t.busy.unlock();
        }
        job.rethrow();
    }

    /** One call's tasks: claimed by index from a counter by the caller and the workers. */
    private static final class Job {
        final long generation;
        final int count;
        final Task task;
        final AtomicInteger next = new AtomicInteger(), left;
        volatile Throwable failure;
        volatile Thread waiter;

        Job(long generation, int count, Task task) {
            this.generation = generation;
            this.count = count;
            this.task = task;
            this.left = new AtomicInteger(count);
        }

        /** Claims and runs tasks until none is left to claim. */
        void work() {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    if (failure == null) task.run(i);
                } catch (Throwable e) {
                    synchronized (this) {
                        if (failure == null) failure = e;
                    }
                } finally {
                    if (left.decrementAndGet() == 0) {
                        Thread w = waiter;
                        if (w != null) LockSupport.unpark(w);
                    }
                }
            }
        }

        /** The caller, its own share done: spins, then parks, until every claimed task has finished. */
        void awaitDone() {
            long start = System.nanoTime();
            while (left.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                waiter = Thread.currentThread();
                boolean interrupted = false;
                while (left.get() > 0) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) interrupted = true; // park returns at once while the flag is set
                }
                if (interrupted) Thread.currentThread().interrupt();
            }
        }

        void rethrow() {
            Throwable e = failure;
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            if (e != null) throw new RuntimeException(e);
        }
    }

    /** The workers of a team of {@code n} threads (the caller being the n-th) and the job they share. */
    private static final class Team {
        final Worker[] workers;
        /** Held by the one thread whose call the team is running; another thread's call runs serially. */
        final ReentrantLock busy = new ReentrantLock();

        volatile Job job;
        volatile boolean shutdown;
        /** Calls so far (written under {@link #busy}). */
        long generation;

        static Team of(int n) {
            return n <= 1 ? null : new Team(n - 1);
        }

        private Team(int n) {
            workers = new Worker[n];
            for (int i = 0; i < n; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        /** Makes {@code j} the current job and wakes the workers that parked. */
        void publish(Job j) {
            job = j;
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
        }

        void shutdown() {
            shutdown = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        final Team team;
        /** Set before the worker's last look at the team's job, then park: publish() sees it or the job is seen. */
        volatile boolean parked;

        Worker(Team team, int index) {
            super("revtaf-cpu-" + index);
            this.team = team;
            setDaemon(true);
        }

        @Override
        public void run() {
            IN_TASK.get()[0] = true; // a kernel called from a task runs serially
            long seen = 0; // generation of the last job this worker looked at
            while (!team.shutdown) {
                Job j = team.job;
                if (j != null && j.generation != seen) {
                    seen = j.generation;
                    j.work();
                    continue;
                }
                long start = System.nanoTime();
                while (!newJob(seen) && !team.shutdown) {
                    if (System.nanoTime() - start < SPIN_NANOS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    parked = true;
                    if (!newJob(seen) && !team.shutdown) LockSupport.park(this);
                    parked = false;
                }
            }
        }

        private boolean newJob(long seen) {
            Job j = team.job;
            return j != null && j.generation != seen;
        }
    }
}
