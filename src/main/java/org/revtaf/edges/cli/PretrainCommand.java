package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.revtaf.domain.data.Dataset;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.pretrain.Pretrainer;
import org.revtaf.engine.tensor.Device;
import org.revtaf.learning.model.foundation.EntityMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code revtaf pretrain}; see ../shared/CLI.md. */
@Command(
        name = "pretrain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train the foundation model (METHOD.md 1.1): the text encoder by masked-language modelling on the training"
                    + " reports, then the image encoder and entity decoder on the reports' triplets.",
            "Writes RUN/foundation.safetensors (weights, resolved config, dataset hash), RUN/metrics.csv,"
                    + " RUN/config.yaml, RUN/log.txt, RUN/last.safetensors (resume point) and"
                    + " RUN/val_entities.csv (per-entity validation AUROC).",
            "Ends by printing the validation entity-existence AUROC (mean over entities with both classes, and over"
                    + " those with at least 10 positives) and the position accuracy."
        })
public final class PretrainCommand implements Callable<Integer> {
    /** The --json line. */
    record Summary(double valAuroc, double valPositionAcc, double seconds, Path foundation, boolean alreadyFinished) {}

    @Spec
    CommandSpec spec;

    @Mixin
    StageOptions stage;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "RUN",
            description = "Run folder (new, or the run to resume).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in RUN from its last checkpoint.")
    boolean resume;

    @Override
    public Integer call() {
        Device device = stage.check(spec);
        DataCommand.requirePath(spec, "--out", out);
        Log log = Log.stderr(spec.commandLine().getErr());
        RunConfig cfg = stage.loadConfig();
        Dataset data = stage.dataset(cfg, log);
        Pretrainer.Result r = Pretrainer.run(
                new Pretrainer.Request("--data " + stage.data, data, cfg, stage.config, out, device, resume), log);
        PrintWriter w = spec.commandLine().getOut();
        if (r.alreadyFinished()) w.println("pretrain: " + out + " is finished (" + r.foundation() + ")");
        else {
            if (r.metrics() != null) w.print(r.metrics().table());
            w.println(String.format(
                    Locale.ROOT,
                    "pretrain: validation entity-existence AUROC %.4f (mean over entities with both classes%s),"
                            + " position accuracy %.4f, %.1f s; wrote %s",
                    r.valAuroc(),
                    frequentMean(r.metrics()),
                    r.valPositionAcc(),
                    r.seconds(),
                    r.foundation()));
        }
        if (stage.json)
            w.println(JsonSummary.of(
                    new Summary(r.valAuroc(), r.valPositionAcc(), r.seconds(), r.foundation(), r.alreadyFinished())));
        w.flush();
        return 0;
    }

    /** "; 0.8754 over the 16 with >= 10 positives", or nothing without per-entity metrics. */
    private static String frequentMean(EntityMetrics m) {
        if (m == null) return "";
        EntityMetrics.Mean f = m.meanAuroc(FREQUENT);
        return f.entities() == 0
                ? ""
                : String.format(
                        Locale.ROOT, "; %.4f over the %d with >= %d positives", f.value(), f.entities(), FREQUENT);
    }

    /** Positives an entity needs in the split to count in the second mean. */
    static final int FREQUENT = 10;
}
