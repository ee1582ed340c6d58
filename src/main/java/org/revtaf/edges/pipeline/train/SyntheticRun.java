package org.revtaf.edges.pipeline.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.PrecomputeConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.engine.tensor.Device;
import org.revtaf.learning.model.revtaf.ReportPrompt;
import org.revtaf.learning.model.revtaf.RevtafConfig;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.model.revtaf.SyntheticBatch;
import org.revtaf.learning.nn.NnContext;

/**
 * A run config's REVTAF model with seeded random weights, and seeded synthetic batches of the shapes
 * the config's cache would have ({@link SyntheticBatch}): images data.crop square, text width
 * foundation.text_encoder.hidden, precompute.max_sentences GRP sentences, precompute.memory_k memory
 * features of precompute.memory_dim, text.vocab_size tokens. What {@code bench train-step}, {@code
 * bench generate} and the tests that run many steps build instead of a feature cache.
 *
 * @param stage the name that errors about a missing section give ("bench train-step")
 */
public record SyntheticRun(
        Path file,
        String stage,
        RunConfig config,
        DataConfig data,
        TextConfig text,
        FoundationConfig foundation,
        PrecomputeConfig precompute,
        RevtafConfig model) {

    /** Loads {@code file}; a missing data, text, foundation, precompute or model section is an error naming it. */
    public static SyntheticRun load(Path file, String stage) {
        RunConfig cfg = RunConfig.load(file, List.of());
        return new SyntheticRun(
                file,
                stage,
                cfg,
                RunConfig.require(cfg.data(), file, stage, "data"),
                RunConfig.require(cfg.text(), file, stage, "text"),
                RunConfig.require(cfg.foundation(), file, stage, "foundation"),
                RunConfig.require(cfg.precompute(), file, stage, "precompute"),
                RunConfig.require(cfg.model(), file, stage, "model"));
    }

    /** A further section the caller needs (train, generate); missing: the error naming the file and stage. */
    public <T> T require(Optional<T> section, String key) {
        return RunConfig.require(section, file, stage, key);
    }

    /** The model with the config's seeded initialisation on {@code device}. */
    public RevtafModel newModel(Device device) {
        return new RevtafModel(
                NnContext.of(device, config.seed()),
                model,
                SyntheticBatch.dims(text.vocabSize(), foundation.textEncoder().hidden(), precompute.memoryDim()));
    }

    /** Report tokens of a training batch: data.max_words, at most what the decoder holds after the prompt. */
    public int trainReportTokens() {
        return Math.max(1, Math.min(data.maxWords(), model.decoder().maxPositions() - ReportPrompt.LENGTH - 1));
    }

    /** A batch of {@code size} studies with reports of up to {@code reportTokens}, seeded by {@code seed}. */
    public RevtafModel.Batch batch(RevtafModel m, int size, int reportTokens, long seed) {
        return SyntheticBatch.random(
                m,
                new SyntheticBatch.Sizes(
                        size, data.crop(), precompute.maxSentences(), reportTokens, precompute.memoryK()),
                seed);
    }
}
