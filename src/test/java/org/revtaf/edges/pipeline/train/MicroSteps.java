package org.revtaf.edges.pipeline.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.PrecomputeConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.edges.config.TrainConfig;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.revtaf.ReportPrompt;
import org.revtaf.learning.model.revtaf.RevtafConfig;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.model.revtaf.SyntheticBatch;
import org.revtaf.learning.nn.NnContext;

/**
 * REVTAF training steps of a config on seeded synthetic batches of its cache shapes (as {@code bench
 * train-step} builds them), for tests that run many steps: the same arguments give the same model,
 * the same batches and, on a deterministic backend, the same losses.
 */
final class MicroSteps {
    final RevtafModel model;
    final TrainStep step;
    final TrainConfig train;
    private final List<RevtafModel.Batch> batches = new ArrayList<>();

    MicroSteps(Path configFile, int batchCount) {
        this(configFile, batchCount, Device.CPU);
    }

    MicroSteps(Path configFile, int batchCount, Device device) {
        RunConfig cfg = RunConfig.load(configFile, List.of());
        String stage = "test";
        DataConfig dc = RunConfig.require(cfg.data(), configFile, stage, "data");
        TextConfig text = RunConfig.require(cfg.text(), configFile, stage, "text");
        FoundationConfig fc = RunConfig.require(cfg.foundation(), configFile, stage, "foundation");
        PrecomputeConfig pc = RunConfig.require(cfg.precompute(), configFile, stage, "precompute");
        RevtafConfig mc = RunConfig.require(cfg.model(), configFile, stage, "model");
        train = RunConfig.require(cfg.train(), configFile, stage, "train");
        model = new RevtafModel(
                NnContext.of(device, cfg.seed()),
                mc,
                SyntheticBatch.dims(text.vocabSize(), fc.textEncoder().hidden(), pc.memoryDim()));
        int reportTokens = Math.max(1, Math.min(dc.maxWords(), mc.decoder().maxPositions() - ReportPrompt.LENGTH - 1));
        for (int i = 0; i < batchCount; i++)
            batches.add(SyntheticBatch.random(
                    model,
                    new SyntheticBatch.Sizes(
                            train.batchSize(), dc.crop(), pc.maxSentences(), reportTokens, pc.memoryK()),
                    cfg.seed() + i));
        step = new TrainStep(model, train);
    }

    /** src/test/resources/org/revtaf/edges/pipeline/train/micro-train.yaml. */
    static Path microTrainConfig() {
        try {
            return Path.of(MicroSteps.class.getResource("micro-train.yaml").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Step {@code i} (batch i mod the batch count) at the config's learning rate; the losses. */
    TrainStep.Result run(int i) {
        try (Scope s = Scope.open()) {
            return step.run(batches.get(i % batches.size()), train.lr(), "step " + (i + 1));
        }
    }
}
