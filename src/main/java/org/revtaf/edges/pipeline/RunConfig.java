package org.revtaf.edges.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.edges.config.ConfigLoader;
import org.revtaf.edges.config.ConfigWriter;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.edges.config.PrecomputeConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.edges.config.TrainConfig;
import org.revtaf.learning.model.revtaf.RevtafConfig;

/**
 * The root of a run configuration ({@code configs/*.yaml}): one optional section per stage group,
 * so a file holds what its stages need and a stage names what is missing. A new section is one
 * more record component ({@code Optional<SectionRecord> key}) plus its line in {@link #defaults()}.
 *
 * @param seed the seed of everything random (initialisation, dropout, augmentation, sampling)
 * @param data images and reports as model inputs
 * @param text the WordPiece tokenizer and text pooling
 * @param foundation the foundation model and its pretraining
 * @param precompute the feature cache
 * @param model the REVTAF model ({@code train}, {@code generate})
 * @param train REVTAF's training schedule
 * @param generate report generation (and the lengths of validation's greedy decoding)
 */
public record RunConfig(
        long seed,
        Optional<DataConfig> data,
        Optional<TextConfig> text,
        Optional<FoundationConfig> foundation,
        Optional<PrecomputeConfig> precompute,
        Optional<RevtafConfig> model,
        Optional<TrainConfig> train,
        Optional<GenerateConfig> generate) {

    /** The sections up to the feature cache, without the training sections. */
    public RunConfig(
            long seed,
            Optional<DataConfig> data,
            Optional<TextConfig> text,
            Optional<FoundationConfig> foundation,
            Optional<PrecomputeConfig> precompute) {
        this(seed, data, text, foundation, precompute, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Seed 1, no sections. */
    public static RunConfig defaults() {
        return new RunConfig(1, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Loads a config file with {@code --set} overrides; errors name the file, line and key. */
    public static RunConfig load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, RunConfig.class, overrides);
    }

    /** The resolved configuration as YAML (what {@code RUN/config.yaml} holds); an absent section is written as null. */
    public String toYaml() {
        return ConfigWriter.toYaml(this);
    }

    /**
     * A section a stage needs: its value, or the error "FILE is not a config for STAGE: it has no
     * 'KEY' section".
     */
    public static <T> T require(Optional<T> section, Path file, String stage, String key) {
        return section.orElseThrow(() ->
                new RevtafException(file + " is not a config for " + stage + ": it has no '" + key + "' section"));
    }
}
