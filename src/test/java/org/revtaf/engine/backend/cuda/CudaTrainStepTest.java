package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.train.TrainStep;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.model.revtaf.SyntheticBatch;
import org.revtaf.learning.nn.NnContext;

/**
 * The whole REVTAF training step (forward with every loss, backward, gradient checks, clipping,
 * AdamW) for 20 steps on cuda-emu and on cpu from the same seed and batch: the losses agree to 1e-3
 * relative, and the device run takes no host fallback. The model is configs/tiny.yaml narrowed so
 * 20 emulated steps take seconds (overrides below: widths 16-32, one layer per stack, 32-pixel
 * images, 64-token vocabulary, batch 2).
 */
class CudaTrainStepTest {
    static final List<String> NARROW = List.of(
            "data.crop=32",
            "data.resize=32",
            "data.max_words=12",
            "text.vocab_size=64",
            "foundation.text_encoder.hidden=16",
            "precompute.memory_k=5",
            "precompute.memory_dim=32",
            "precompute.max_sentences=4",
            "model.image_encoder.width=4",
            "model.memory.heads=2",
            "model.memory.ffn=32",
            "model.decoder.hidden=32",
            "model.decoder.layers=1",
            "model.decoder.heads=2",
            "model.decoder.intermediate=32",
            "model.decoder.max_positions=40",
            "model.hnn.hidden=16",
            "model.fusion.width=16",
            "model.ot.max_iter=20",
            "model.ot.tol=0", // always max_iter iterations: no data-dependent stop that rounding could move
            "train.batch_size=2",
            "train.lr=0.0003");
    static final int STEPS = 20;

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    /** The narrowed REVTAF model of cfg on dev (seeded by the config). */
    static RevtafModel model(Device dev, RunConfig cfg) {
        return new RevtafModel(
                NnContext.of(dev, cfg.seed()),
                cfg.model().orElseThrow(),
                SyntheticBatch.dims(
                        cfg.text().orElseThrow().vocabSize(),
                        cfg.foundation().orElseThrow().textEncoder().hidden(),
                        cfg.precompute().orElseThrow().memoryDim()));
    }

    /** The seeded synthetic training batch of cfg for model. */
    static RevtafModel.Batch batch(RevtafModel model, RunConfig cfg) {
        return SyntheticBatch.random(
                model,
                new SyntheticBatch.Sizes(
                        cfg.train().orElseThrow().batchSize(),
                        cfg.data().orElseThrow().crop(),
                        cfg.precompute().orElseThrow().maxSentences(),
                        cfg.data().orElseThrow().maxWords(),
                        cfg.precompute().orElseThrow().memoryK()),
                cfg.seed());
    }

    /** Total loss of each of STEPS steps on {@code dev}. */
    private static double[] losses(Device dev, RunConfig cfg) {
        var tc = cfg.train().orElseThrow();
        RevtafModel model = model(dev, cfg);
        RevtafModel.Batch b = batch(model, cfg);
        TrainStep step = new TrainStep(model, tc);
        double[] out = new double[STEPS];
        for (int i = 0; i < STEPS; i++) {
            try (Scope s = Scope.open()) {
                out[i] = step.run(b, tc.lr(), "step " + i).losses().get("total");
            }
        }
        return out;
    }

    @Test
    void twentyStepsOnCudaEmuMatchCpu() {
        RunConfig cfg = RunConfig.load(Path.of("configs/tiny.yaml"), NARROW);
        double[] cpu = losses(Device.CPU, cfg);
        long fallbacks = CudaBackend.hostFallbackCount();
        double[] emu = losses(Device.CUDA_EMU, cfg);
        assertEquals(0, CudaBackend.hostFallbackCount() - fallbacks, "host fallbacks: " + CudaBackend.hostFallbacks());
        List<String> bad = new ArrayList<>();
        double worst = 0;
        for (int i = 0; i < STEPS; i++) worst = Math.max(worst, Math.abs(emu[i] - cpu[i]) / Math.abs(cpu[i]));
        System.out.printf("cuda-emu vs cpu, %d training steps: largest relative loss difference %.2e%n", STEPS, worst);
        for (int i = 0; i < STEPS; i++) System.out.printf("  step %d: cpu %.6f cuda-emu %.6f%n", i, cpu[i], emu[i]);
        for (int i = 0; i < STEPS; i++)
            if (!(Math.abs(emu[i] - cpu[i]) <= 1e-3 * Math.abs(cpu[i])))
                bad.add(i + ": cpu " + cpu[i] + " cuda-emu " + emu[i]);
        assertTrue(bad.isEmpty(), "losses differ beyond 1e-3 relative at steps " + bad);
        assertTrue(cpu[STEPS - 1] < cpu[0], "the loss goes down: " + cpu[0] + " -> " + cpu[STEPS - 1]);
    }
}
