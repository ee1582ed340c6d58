package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf synth}; see ../shared/CLI.md. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = "Write the built-in synthetic chest X-ray dataset (annotation.json, images/, findings.json).")
public final class SynthCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("synth", "Data: synthetic generator");
    }
}
