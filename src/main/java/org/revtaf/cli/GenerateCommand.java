package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf generate}; see ../shared/CLI.md. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate findings reports for studies or images.")
public final class GenerateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("generate", "Method end to end: generation");
    }
}
