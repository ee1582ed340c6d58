package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.generate.Generate;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code revtaf generate}; see ../shared/CLI.md. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate findings reports with a trained REVTAF checkpoint, one JSON line per study: id, report, labels"
                    + " (the 18 predicted statuses pos/neg/unc/bla in the column order of 'label --classes 18'),"
                    + " retrieved_id and retrieved_distance (the training report whose GRPs conditioned it, and its"
                    + " Poincare distance; null for a model without the LRE, which takes the baseline retrieval's"
                    + " top-1).",
            "--data DIR: the studies of a split; the training data's own studies read the checkpoint's feature"
                    + " cache, other data runs the foundation model (or, for an oracle-cache checkpoint, its"
                    + " findings.json). --image: never-seen image files through the whole chain (foundation model,"
                    + " LRPs, LRE retrieval, REVTAF).",
            "The checkpoint names the cache, data and foundation checkpoint it was trained with; a missing or"
                    + " changed one is an error naming it. Beam search with the checkpoint's generate section"
                    + " (lengths, length penalty, batch size), changed for this run with --set generate.KEY=VALUE."
        })
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpointOption;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (annotation.json).")
    Path data;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            description = "With --data: train, val, test or all (default: test).")
    String split;

    @Option(
            names = "--image",
            arity = "1..*",
            paramLabel = "PNG",
            description = "Image file(s): after one --image, or the option repeated.")
    List<Path> images;

    @Option(names = "--out", paramLabel = "FILE.jsonl", description = "Output file (default: stdout).")
    Path out;

    @Option(
            names = "--beam",
            paramLabel = "N",
            description = "Beam size (default: the checkpoint's generate.beams, 3); 1 is greedy decoding.")
    Integer beam;

    @Option(
            names = "--set",
            paramLabel = "generate.KEY=VALUE",
            description = "Override a key of the checkpoint's generate section for this run (max_new_tokens,"
                    + " min_length, length_penalty, batch_size, beams), e.g. generate.min_length=40; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    ProfileOption profile;

    @Override
    public Integer call() {
        Device dev = deviceOptions.apply(spec);
        Path checkpoint = checkpointOption.require(spec);
        DataCommand.requirePath(spec, "--data", data);
        DataCommand.requirePath(spec, "--out", out);
        if ((data == null) == (images == null))
            throw new ParameterException(spec.commandLine(), "give either --data DIR or --image PNG... (one of them)");
        if (split != null && data == null) throw new ParameterException(spec.commandLine(), "--split goes with --data");
        String s = split == null ? "test" : split;
        if (!List.of("train", "val", "test", "all").contains(s))
            throw new ParameterException(spec.commandLine(), "--split: train, val, test or all, got '" + s + "'");
        if (images != null) for (Path p : images) DataCommand.requirePath(spec, "--image", p);
        if (beam != null && beam < 1) throw new ParameterException(spec.commandLine(), "--beam must be >= 1");
        Log log = Log.stderr(spec.commandLine().getErr());
        Generate.Request request = new Generate.Request(checkpoint, data, s, images, out, beam, dev, overrides);
        profile.run(dev, spec.commandLine().getErr(), null, () -> {
            Generate.Result r = Generate.run(request, spec.commandLine().getOut(), log);
            summary(r, log);
            return r;
        });
        return 0;
    }

    /** The summary line: on stdout with --out (the reports are in the file), else on stderr. */
    private void summary(Generate.Result r, Log log) {
        if (out != null) {
            PrintWriter w = spec.commandLine().getOut();
            w.println(Generate.summary(r));
            w.flush();
        } else {
            log.line(Generate.summary(r));
        }
    }
}
