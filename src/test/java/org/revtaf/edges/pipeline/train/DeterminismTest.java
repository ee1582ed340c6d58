package org.revtaf.edges.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.tensor.NdArray;

/**
 * Issue 20, determinism: the same seed on the same device gives the same losses, bit for bit, for
 * the first 50 REVTAF training steps whatever the number of kernel threads ({@code
 * -Drevtaf.threads}, {@link Parallel#setThreads}) and whatever the JIT has compiled by then (the
 * first run meets cold kernels in the interpreter and C1, the later ones C2's code).
 */
class DeterminismTest {
    static final int STEPS = 50;

    @Test
    void theFirst50LossesAndTheWeightsAreTheSameWhateverTheThreadCount() {
        Path config = StageFixtures.microTrainConfig();
        int before = Parallel.threads();
        List<double[]> reference = null;
        Map<String, NdArray> referenceWeights = null;
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                MicroSteps m = new MicroSteps(config, 4);
                List<double[]> losses = new ArrayList<>();
                for (int i = 0; i < STEPS; i++) {
                    TrainStep.Result r = m.run(i);
                    double[] v = new double[Trainer.LOSSES.size() + 1];
                    for (int k = 0; k < Trainer.LOSSES.size(); k++)
                        v[k] = r.losses().get(Trainer.LOSSES.get(k));
                    v[v.length - 1] = r.gradNorm();
                    losses.add(v);
                }
                Map<String, NdArray> weights = m.model.stateDict();
                if (reference == null) {
                    reference = losses;
                    referenceWeights = weights;
                    continue;
                }
                for (int i = 0; i < STEPS; i++)
                    for (int k = 0; k < losses.get(i).length; k++)
                        if (Double.doubleToRawLongBits(losses.get(i)[k])
                                != Double.doubleToRawLongBits(reference.get(i)[k]))
                            fail(String.format(
                                    "%d threads: step %d %s is %.17g, with 1 thread %.17g",
                                    threads,
                                    i + 1,
                                    k < Trainer.LOSSES.size() ? "loss " + Trainer.LOSSES.get(k) : "gradient norm",
                                    losses.get(i)[k],
                                    reference.get(i)[k]));
                assertEquals(referenceWeights, weights, threads + " threads: the weights after " + STEPS + " steps");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
