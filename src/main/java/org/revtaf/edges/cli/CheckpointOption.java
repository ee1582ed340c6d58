package org.revtaf.edges.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --checkpoint CKPT}, the trained REVTAF checkpoint that generate and retrieve read (a picocli mixin). */
public final class CheckpointOption {
    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "CKPT",
            description = "REVTAF checkpoint of 'revtaf train' (RUN/best.safetensors).")
    Path checkpoint;

    /** The checkpoint; an empty path is bad usage (exit 2). */
    Path require(CommandSpec spec) {
        DataCommand.requirePath(spec, "--checkpoint", checkpoint);
        return checkpoint;
    }
}
