package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf data check}. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Inspect a dataset folder.",
        subcommands = {DataCommand.Check.class})
public final class DataCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Counts, missing images, label frequencies.")
    static final class Check implements Callable<Integer> {
        @Override
        public Integer call() {
            throw NotBuiltYet.of("data check", "Data: loaders and data check");
        }
    }
}
