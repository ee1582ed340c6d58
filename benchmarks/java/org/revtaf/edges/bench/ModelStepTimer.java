package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Module;

/**
 * Times whole-model training steps (forward, scalar loss, backward, gradients cleared) and
 * forward-only passes, each inside a step {@link Scope} so activations are released every step.
 * Model steps are seconds long, so this takes a fixed number of timed iterations after a fixed
 * number of warm-up ones instead of {@link Timer}'s time budget. One warm-up step is not enough on
 * the JVM: C2 is still compiling the kernels during the next steps (ResNet-50 batch 8 on 2 cores,
 * median of 3 after 1 warm-up: 2.1 s per step; after 3: ~1.2 s), so the workloads default to 3, and
 * benchmarks/pytorch/bench_models.py takes the same count for PyTorch. Beside the wall time it keeps the process CPU
 * seconds of the same steps: on shared cores the wall time says more about the
 * other jobs than about the step, the CPU time (all threads, JIT and GC included) much less.
 */
final class ModelStepTimer {
    private ModelStepTimer() {}

    /** Median seconds of a model's training step and forward pass, each with its median process CPU seconds. */
    record TrainAndForward(double train, double trainCpu, double forward, double forwardCpu) {
        /**
         * Logs the CPU line ("process CPU per step ...") after the workload's own line and returns the
         * extra map of the result, starting with train_cpu_s and forward_cpu_s.
         */
        Map<String, Object> logCpu(PrintWriter log) {
            log.printf("  process CPU per step (all threads): train %.3f s, forward %.3f s%n", trainCpu, forwardCpu);
            log.flush();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("train_cpu_s", trainCpu);
            extra.put("forward_cpu_s", forwardCpu);
            return extra;
        }

        /** The result of a workload of {@code batch} items per step: items/s of training, forward_items_per_s. */
        BenchResult result(String name, Device device, int batch, Map<String, Object> extra) {
            extra.put("forward_items_per_s", batch / forward);
            return new BenchResult(name, device, train, Double.NaN, Double.NaN, batch / train, extra);
        }
    }

    /**
     * Times {@code iters} training steps (forward, {@code loss}, backward, gradients cleared) and then
     * {@code iters} forward passes ({@code out}, eval mode, no graph), each after {@code warmup}
     * untimed ones.
     */
    static TrainAndForward trainAndForward(
            Module model, Supplier<Tensor> loss, Supplier<Tensor> out, int warmup, int iters) {
        model.train(true);
        Samples train = median(
                () -> {
                    try (Scope s = Scope.open()) {
                        loss.get().backward();
                    }
                    model.zeroGrad();
                },
                warmup,
                iters);
        model.eval();
        Samples forward = median(
                () -> {
                    try (Scope s = Scope.open();
                            var g = org.revtaf.engine.autograd.GradMode.noGrad()) {
                        out.get();
                    }
                },
                warmup,
                iters);
        return new TrainAndForward(train.wall(), train.cpu(), forward.wall(), forward.cpu());
    }

    /** Median seconds of {@code step} over {@code iters} timed runs after {@code warmup} untimed ones. */
    static double afterWarmup(Runnable step, int warmup, int iters) {
        for (int i = 0; i < warmup; i++) step.run(); // JIT, allocator pool
        return timed(step, iters).wall();
    }

    /** Median wall and process CPU seconds of a step. */
    private record Samples(double wall, double cpu) {}

    private static Samples median(Runnable step, int warmup, int iters) {
        for (int i = 0; i < warmup; i++) step.run(); // JIT, allocator pool
        return timed(step, iters);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    private static Samples timed(Runnable step, int iters) {
        double[] t = new double[iters], cpu = new double[iters];
        for (int i = 0; i < iters; i++) {
            long c = processCpuNanos(), a = System.nanoTime();
            step.run();
            t[i] = (System.nanoTime() - a) * 1e-9;
            cpu[i] = c < 0 ? Double.NaN : (processCpuNanos() - c) * 1e-9;
        }
        Arrays.sort(t);
        Arrays.sort(cpu);
        return new Samples(new Timer.Samples(t).median(), new Timer.Samples(cpu).median());
    }
}
