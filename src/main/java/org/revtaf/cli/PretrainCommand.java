package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf pretrain}; see ../shared/CLI.md. */
@Command(
        name = "pretrain",
        mixinStandardHelpOptions = true,
        description = "Train the foundation model (MedKLIP-style entity classifier).")
public final class PretrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("pretrain", "Method end to end: foundation model");
    }
}
