package org.revtaf.edges.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.revtaf.domain.data.AtomicDirectory;
import org.revtaf.domain.data.synth.ContactSheet;
import org.revtaf.domain.data.synth.SyntheticGenerator;
import org.revtaf.domain.text.Labelers;
import org.revtaf.domain.text.ReportLabeler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code revtaf synth}: writes the built-in synthetic chest X-ray dataset (shared/SYNTHETIC.md). */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write the built-in synthetic chest X-ray dataset: DIR/annotation.json (PromptMRG layout, labels from"
                    + " the project's labeler), DIR/images/sNNNNNN/0.png (8-bit gray), DIR/findings.json (the truth).",
            "Byte-identical for the same arguments on any machine and with any number of threads."
        })
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Output folder (created; must be empty unless --force).")
    Path out;

    @Option(
            names = "--studies",
            defaultValue = "2000",
            description = "Number of studies, at least 1 (default: ${DEFAULT-VALUE}).")
    int studies;

    @Option(
            names = "--size",
            defaultValue = "128",
            description = "Image side in pixels, 32..1024 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--threads",
            description = "Worker threads, at least 1 (default: all cores); the output does not depend on it.")
    Integer threads;

    @Option(names = "--force", description = "Replace a non-empty output folder (only once the new one is complete).")
    boolean force;

    @Option(
            names = "--contact-sheet",
            paramLabel = "PNG",
            description = "Also write a contact sheet of the first 16 studies with their true findings.")
    Path contactSheet;

    @Override
    public Integer call() {
        checkUsage();
        // a bad output path fails here, before minutes of generation
        AtomicDirectory.checkFolderTarget(out, force, "--out");
        if (contactSheet != null) AtomicDirectory.checkFileTarget(contactSheet, out, "--contact-sheet");
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        ReportLabeler labeler = Labelers.standard();
        var log = spec.commandLine().getOut();
        SyntheticGenerator.write(out, studies, size, seed, t, force, labeler, log::println);
        if (contactSheet != null) {
            List<SyntheticGenerator.Sample> first = new ArrayList<>();
            for (int i = 0; i < Math.min(16, studies); i++)
                first.add(SyntheticGenerator.sample(seed, i, size, labeler));
            ContactSheet.write(contactSheet, first, size, 4);
            log.println("synth: contact sheet of " + first.size() + " studies written to " + contactSheet);
        }
        log.flush();
        return 0;
    }

    /** Out-of-range values and empty paths are bad usage: exit 2 with the option and its allowed range. */
    private void checkUsage() {
        DataCommand.requirePath(spec, "--out", out);
        DataCommand.requirePath(spec, "--contact-sheet", contactSheet);
        if (studies < 1) throw usage("--studies must be at least 1, got " + studies);
        if (size < SyntheticGenerator.MIN_SIZE || size > SyntheticGenerator.MAX_SIZE)
            throw usage("--size must be between " + SyntheticGenerator.MIN_SIZE + " and " + SyntheticGenerator.MAX_SIZE
                    + ", got " + size);
        if (threads != null && threads < 1) throw usage("--threads must be at least 1, got " + threads);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
