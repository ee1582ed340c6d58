package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf train}; see ../shared/CLI.md. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train REVTAF (LRE + FVTAF on the PromptMRG baseline).")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("train", "Method end to end: REVTAF training");
    }
}
