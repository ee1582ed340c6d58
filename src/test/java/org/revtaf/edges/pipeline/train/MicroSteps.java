package org.revtaf.edges.pipeline.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.revtaf.edges.config.TrainConfig;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.revtaf.RevtafModel;

/**
 * REVTAF training steps of a config on seeded synthetic batches of its cache shapes (as {@code bench
 * train-step} builds them), for tests that run many steps: the same arguments give the same model,
 * the same batches and, on a deterministic backend, the same losses.
 */
final class MicroSteps {
    final RevtafModel model;
    final TrainStep step;
    final TrainConfig train;
    final List<RevtafModel.Batch> batches = new ArrayList<>();

    MicroSteps(Path configFile, int batchCount) {
        this(configFile, batchCount, Device.CPU);
    }

    MicroSteps(Path configFile, int batchCount, Device device) {
        SyntheticRun run = SyntheticRun.load(configFile, "test");
        train = run.require(run.config().train(), "train");
        model = run.newModel(device);
        for (int i = 0; i < batchCount; i++)
            batches.add(run.batch(
                    model,
                    train.batchSize(),
                    run.trainReportTokens(),
                    run.config().seed() + i));
        step = new TrainStep(model, train);
    }

    /** Step {@code i} (batch i mod the batch count) at the config's learning rate; the losses. */
    TrainStep.Result run(int i) {
        try (Scope s = Scope.open()) {
            return step.run(batches.get(i % batches.size()), train.lr(), "step " + (i + 1));
        }
    }
}
