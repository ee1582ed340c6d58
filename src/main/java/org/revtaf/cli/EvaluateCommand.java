package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf evaluate}; see ../shared/CLI.md. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Score generated reports: BLEU-1..4, METEOR, ROUGE-L, CIDEr and clinical efficacy.")
public final class EvaluateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("evaluate", "Evaluation: NLG and CE metrics");
    }
}
