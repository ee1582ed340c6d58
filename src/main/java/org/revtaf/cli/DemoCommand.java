package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf demo}; see ../shared/CLI.md. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "The whole pipeline on built-in synthetic data with the tiny config.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("demo", "Method end to end: the demo");
    }
}
