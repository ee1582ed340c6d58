package org.revtaf.edges.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options every pipeline stage shares ({@code pretrain}, {@code precompute}; later {@code train}):
 * the config file with {@code --set} overrides, the dataset folder, {@code --json} and the
 * {@link DeviceOptions}.
 */
public final class StageOptions {
    @Option(
            names = "--config",
            required = true,
            paramLabel = "YAML",
            description = "Run configuration (configs/*.yaml).")
    Path config;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder (annotation.json).")
    Path data;

    @Mixin
    DeviceOptions deviceOptions;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Override a config key (dotted path from the root, e.g. foundation.train.epochs=2); repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--json", description = "End with one JSON object on the last line of stdout.")
    boolean json;

    /** Empty paths and a bad thread count are bad usage (exit 2); applies --threads, returns the device. */
    Device check(CommandSpec spec) {
        DataCommand.requirePath(spec, "--config", config);
        DataCommand.requirePath(spec, "--data", data);
        return deviceOptions.apply(spec);
    }

    /** The config with the overrides applied (errors name the file, line and key: exit 1). */
    RunConfig loadConfig() {
        return RunConfig.load(config, overrides);
    }

    /** The dataset, bad samples handled as the config's data section says (fail without one). */
    Dataset dataset(RunConfig cfg, Log log) {
        BadSamplePolicy policy = cfg.data().map(DataConfig::onBadSample).orElse(BadSamplePolicy.FAIL);
        return Datasets.open(data, Datasets.Where.DEFAULT, policy, log::line);
    }
}
