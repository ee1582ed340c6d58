package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.optim.AdamW;
import org.revtaf.learning.optim.GradClip;

/**
 * A REVTAF training step on cuda-emu (forward with every loss, dropout and label smoothing
 * included, backward, clipping by norm, AdamW) copies nothing between host and device, neither from
 * the engine (ops, autograd's kernels, backends, optimiser) nor from the model's own masks and
 * targets, except the explicit read of the loss for logging: no target, id, position, count,
 * dropout mask or norm goes through the host inside the step. The model is
 * {@link CudaTrainStepTest}'s narrowed configs/tiny.yaml.
 */
class CudaHostSyncTest {
    /**
     * Copies the step may still make outside the engine's ops and backends: none. The model's masks
     * and targets (FCC's valid sentences, the Sinkhorn token counts, the rank and language-model
     * targets, the decoder positions) are built on the device from tensors already there (issue 17),
     * and the batch is uploaded before the step. Any caller that copies fails the test.
     */
    static final Set<String> ELSEWHERE = Set.of();

    /** The explicit read of the test itself. */
    static final String LOSS_READ = "read CudaHostSyncTest.aTrainingStepReadsOnlyTheLoss";

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    @Test
    void theCountersSeeExplicitCopies() {
        long r = CudaBackend.hostReads(), w = CudaBackend.hostWrites();
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.ofDoubles(Device.CUDA_EMU, DType.FLOAT32, new double[] {1, 2, 3}, 3);
            assertEquals(1, CudaBackend.hostWrites() - w, "" + CudaBackend.hostCopySites());
            assertEquals(6.0, t.sum().item(), 0);
            assertEquals(1, CudaBackend.hostReads() - r, "" + CudaBackend.hostCopySites());
        }
    }

    @Test
    void aTrainingStepReadsOnlyTheLoss() {
        RunConfig cfg = RunConfig.load(Path.of("configs/tiny.yaml"), CudaTrainStepTest.NARROW);
        var tc = cfg.train().orElseThrow();
        RevtafModel model = CudaTrainStepTest.model(Device.CUDA_EMU, cfg);
        RevtafModel.Batch b = CudaTrainStepTest.batch(model, cfg);
        AdamW opt = new AdamW(model.trainableParameters(), tc.lr(), 0.9, 0.999, 1e-8, tc.weightDecay());
        List<Tensor> tensors = model.trainableParameters().values().stream()
                .map(p -> p.tensor())
                .toList();
        model.train(true);
        double first = 0, last = 0;
        for (int step = 0; step < 2; step++) { // the second step runs with the AdamW moments in place
            long r = CudaBackend.hostReads(), w = CudaBackend.hostWrites();
            Map<String, Long> sites = new HashMap<>(CudaBackend.hostCopySites());
            double loss;
            try (Scope s = Scope.open()) {
                opt.zeroGrad();
                Tensor total = model.forward(b).losses().total();
                total.backward();
                GradClip.byNormOnDevice(tensors, 1.0); // the norm stays on the device
                opt.step();
                loss = total.item(); // the explicit read: the loss for logging
            }
            Map<String, Long> during = new TreeMap<>(), unexpected = new TreeMap<>();
            CudaBackend.hostCopySites().forEach((k, v) -> {
                long d = v - sites.getOrDefault(k, 0L);
                if (d > 0) during.put(k, d);
                String caller = k.substring(0, k.lastIndexOf(':'));
                if (d > 0 && !ELSEWHERE.contains(caller) && !caller.equals(LOSS_READ)) unexpected.put(k, d);
            });
            System.out.printf(
                    "step %d: %d device-to-host, %d host-to-device copies: %s%n",
                    step, CudaBackend.hostReads() - r, CudaBackend.hostWrites() - w, during);
            assertEquals(Map.of(), unexpected, "host copies inside a training step (all of them: " + during + ")");
            long lossReads = during.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(LOSS_READ + ":"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            assertEquals(1, lossReads, "the loss read: " + during);
            assertTrue(Double.isFinite(loss), "loss " + loss);
            if (step == 0) first = loss;
            last = loss;
        }
        assertTrue(first != last, "the step changed the weights");
    }
}
