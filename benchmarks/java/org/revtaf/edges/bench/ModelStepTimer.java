package org.revtaf.edges.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Supplier;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Module;

/**
 * Times whole-model training steps (forward, scalar loss, backward, gradients cleared) and
 * forward-only passes, each inside a step {@link Scope} so activations are released every step.
 * Model steps are seconds long, so this takes a fixed number of timed iterations after one
 * warm-up instead of {@link Timer}'s time budget. Beside the wall time it keeps the process CPU
 * seconds of the same steps ({@link #lastCpu}): on shared cores the wall time says more about the
 * other jobs than about the step, the CPU time (all threads, JIT and GC included) much less.
 */
final class ModelStepTimer {
    private static double lastCpu = Double.NaN;

    private ModelStepTimer() {}

    /** Median process CPU seconds of the steps of the last {@link #median} / {@link #timed} call. */
    static double lastCpu() {
        return lastCpu;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    /** Median seconds of one training step (forward + backward) over {@code iters} timed steps. */
    static double trainStep(Module model, Supplier<Tensor> loss, int iters) {
        model.train(true);
        return median(
                () -> {
                    try (Scope s = Scope.open()) {
                        loss.get().backward();
                    }
                    model.zeroGrad();
                },
                iters);
    }

    /** Median seconds of one forward pass in eval mode without graph recording. */
    static double forward(Module model, Supplier<Tensor> out, int iters) {
        model.eval();
        return median(
                () -> {
                    try (Scope s = Scope.open();
                            var g = org.revtaf.engine.autograd.GradMode.noGrad()) {
                        out.get();
                    }
                },
                iters);
    }

    /** Median seconds of {@code step} over {@code iters} runs after one warm-up run. */
    static double median(Runnable step, int iters) {
        step.run(); // warm-up: JIT, allocator pool
        return timed(step, iters);
    }

    /** Median seconds of {@code step} over {@code iters} runs, without warm-up. */
    static double timed(Runnable step, int iters) {
        double[] t = new double[iters], cpu = new double[iters];
        for (int i = 0; i < iters; i++) {
            long c = processCpuNanos(), a = System.nanoTime();
            step.run();
            t[i] = (System.nanoTime() - a) * 1e-9;
            cpu[i] = c < 0 ? Double.NaN : (processCpuNanos() - c) * 1e-9;
        }
        Arrays.sort(t);
        Arrays.sort(cpu);
        lastCpu = new Timer.Samples(cpu).median();
        return new Timer.Samples(t).median();
    }
}
