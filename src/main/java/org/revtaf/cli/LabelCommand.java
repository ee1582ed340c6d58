package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf label}; see ../shared/CLI.md. */
@Command(
        name = "label",
        mixinStandardHelpOptions = true,
        description = "Label report text with the 14 CheXpert classes (+4 auxiliary), CheXbert CSV layout.")
public final class LabelCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("label", "Report text: labeler");
    }
}
