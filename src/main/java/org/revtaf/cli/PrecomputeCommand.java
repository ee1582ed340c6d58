package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf precompute}; see ../shared/CLI.md. */
@Command(
        name = "precompute",
        mixinStandardHelpOptions = true,
        description = "Write the cached foundation features (entity logits, LRPs, GRPs, neighbours).")
public final class PrecomputeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("precompute", "Method end to end: precompute");
    }
}
