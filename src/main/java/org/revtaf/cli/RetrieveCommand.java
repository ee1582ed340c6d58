package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf retrieve}; see ../shared/CLI.md. */
@Command(
        name = "retrieve",
        mixinStandardHelpOptions = true,
        description = "Nearest training studies in the learned hyperbolic space.")
public final class RetrieveCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("retrieve", "Method end to end: retrieval");
    }
}
