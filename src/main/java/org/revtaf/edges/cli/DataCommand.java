package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.DataCheck;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code revtaf data check}: counts, missing images, label frequencies of a dataset folder. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Inspect a dataset folder.",
        subcommands = {DataCommand.Check.class})
public final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /**
     * Bad usage (exit 2) when a path option was given as an empty string, which would otherwise mean
     * the current folder.
     */
    static void requirePath(CommandSpec spec, String option, Path value) {
        if (value != null && value.toString().isBlank())
            throw new ParameterException(spec.commandLine(), option + ": empty path");
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Counts per split, images found/missing/corrupt, label frequencies per class, then the first problems"
                        + " (file and entry); checks everything and exits 1 on any problem.",
                "DIR holds annotation.json (R2Gen/PromptMRG; images under DIR/images or DIR), or the MIMIC-CXR-JPG"
                        + " CSVs (with --reports), or the Kaggle IU X-Ray CSVs."
            })
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder.")
        Path data;

        @Option(
                names = "--annotation",
                paramLabel = "FILE",
                description = "Annotation file (default: DIR/annotation.json).")
        Path annotation;

        @Option(
                names = "--images",
                paramLabel = "DIR",
                description = "Image root (default: DIR/images if it exists, else DIR).")
        Path images;

        @Option(
                names = "--reports",
                paramLabel = "DIR",
                description = "MIMIC-CXR reports folder (holding files/pXX/...txt).")
        Path reports;

        @Option(
                names = "--decode",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description = "Decode every image to find corrupt ones (default: ${DEFAULT-VALUE}).")
        boolean decode;

        @Option(
                names = "--on-bad-sample",
                paramLabel = "fail|skip",
                defaultValue = "fail",
                converter = PolicyConverter.class,
                description = "fail: exit 1 when any study has a problem (default); skip: report the same"
                        + " problems, count them as skipped (as training would) and exit 0.")
        BadSamplePolicy onBadSample;

        @Override
        public Integer call() {
            requirePath(spec, "--data", data);
            requirePath(spec, "--annotation", annotation);
            requirePath(spec, "--images", images);
            requirePath(spec, "--reports", reports);
            PrintWriter out = spec.commandLine().getOut();
            // every problem is collected and listed after the tables instead of stopping at the first
            Dataset ds = Datasets.open(
                    data,
                    new Datasets.Where(annotation, images, reports, false),
                    BadSamplePolicy.COLLECT,
                    out::println);
            DataCheck.Result r = DataCheck.run(ds, decode, out);
            if (r.problems() == 0) return 0;
            if (onBadSample == BadSamplePolicy.SKIP) {
                out.println("skipped " + r.problems() + " bad sample" + (r.problems() == 1 ? "" : "s")
                        + " (--on-bad-sample skip)");
                return 0;
            }
            throw new RevtafException(r.problems() + " problem" + (r.problems() == 1 ? "" : "s") + " in " + ds.source()
                    + " (listed above); the first: " + r.first().get(0));
        }
    }

    /** {@link BadSamplePolicy#parse} as a picocli converter, so a bad value is bad usage (exit 2). */
    static final class PolicyConverter implements picocli.CommandLine.ITypeConverter<BadSamplePolicy> {
        @Override
        public BadSamplePolicy convert(String value) {
            try {
                return BadSamplePolicy.parse(value);
            } catch (RevtafException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
