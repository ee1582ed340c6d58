package org.revtaf.bench;

import java.util.Arrays;
import java.util.function.Supplier;
import org.revtaf.nn.Module;
import org.revtaf.tensor.Scope;
import org.revtaf.tensor.Tensor;

/**
 * Times whole-model training steps (forward, scalar loss, backward, gradients cleared) and
 * forward-only passes, each inside a step {@link Scope} so activations are released every step.
 * Model steps are seconds long, so this takes a fixed number of timed iterations after one
 * warm-up instead of {@link Timer}'s time budget.
 */
final class ModelStepTimer {
    private ModelStepTimer() {}

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
                            var g = org.revtaf.autograd.GradMode.noGrad()) {
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
        double[] t = new double[iters];
        for (int i = 0; i < iters; i++) {
            long a = System.nanoTime();
            step.run();
            t[i] = (System.nanoTime() - a) * 1e-9;
        }
        Arrays.sort(t);
        return new Timer.Samples(t).median();
    }
}
