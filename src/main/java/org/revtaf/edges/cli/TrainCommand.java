package org.revtaf.edges.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.revtaf.domain.data.Dataset;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.train.Trainer;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code revtaf train}; see ../shared/CLI.md (the train row and the run conventions). */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train REVTAF (METHOD.md sections 2-5: LRE + FVTAF on the PromptMRG baseline) on the feature cache of"
                    + " 'revtaf precompute' and the images of --data.",
            "Writes RUN/metrics.csv (step and validation rows), RUN/checkpoints/step-N.safetensors,"
                    + " RUN/last.safetensors, RUN/best.safetensors (best validation CE F1), RUN/config.yaml and"
                    + " RUN/log.txt. The config needs the data, model, train and generate sections;"
                    + " model.lre=false / model.fvtaf=false switch the components off (both off: the baseline).",
            "A non-finite loss or gradient stops the run (exit 1) naming the first module and tensor that went"
                    + " non-finite; the last good checkpoint stays (--on-nonfinite skip skips such steps instead)."
                    + " --resume continues from RUN/last.safetensors, or from the newest intact"
                    + " RUN/checkpoints/step-N.safetensors when that one is damaged."
        })
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StageOptions stage;

    @Mixin
    ProfileOption profile;

    @Option(
            names = "--cache",
            required = true,
            paramLabel = "CACHE",
            description = "Feature cache of 'revtaf precompute' for this data and config.")
    Path cache;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder.")
    Path out;

    @Option(
            names = "--resume",
            description = "Continue the run in --out from RUN/last.safetensors (with the run's config).")
    boolean resume;

    @Option(
            names = "--stop-after",
            paramLabel = "STEPS",
            description = "Stop once this many steps are done in all, with a checkpoint (continue with --resume).")
    Long stopAfter;

    @Option(
            names = "--detect-anomaly",
            description = "Check every tensor of each forward pass for NaN and name the first module and op that"
                    + " produced one (slower; the loss and the gradient norm are always checked).")
    boolean detectAnomaly;

    @Option(
            names = "--on-nonfinite",
            paramLabel = "fail|skip",
            defaultValue = "fail",
            description = "A non-finite loss or gradient: fail (default: stop with exit 1, the last good checkpoint"
                    + " stays) or skip (no update for that step; counted in the log and in the skipped_steps"
                    + " column of metrics.csv).")
    String onNonFinite;

    @Override
    public Integer call() {
        Device device = stage.check(spec);
        Trainer.OnNonFinite mode = switch (onNonFinite) {
            case "fail" -> Trainer.OnNonFinite.FAIL;
            case "skip" -> Trainer.OnNonFinite.SKIP;
            default ->
                throw new ParameterException(
                        spec.commandLine(), "--on-nonfinite must be fail or skip, got '" + onNonFinite + "'");
        };
        DataCommand.requirePath(spec, "--cache", cache);
        DataCommand.requirePath(spec, "--out", out);
        if (stopAfter != null && stopAfter < 1)
            throw new ParameterException(spec.commandLine(), "--stop-after must be >= 1, got " + stopAfter);
        Log log = Log.stderr(spec.commandLine().getErr());
        RunConfig cfg = stage.loadConfig();
        Dataset data = stage.dataset(cfg, log);
        Trainer.Request request = new Trainer.Request(
                stage.data,
                data,
                cfg,
                stage.config,
                cache,
                out,
                device,
                resume,
                stopAfter == null ? 0 : stopAfter,
                mode,
                detectAnomaly);
        Trainer.Result r = profile.run(
                device, spec.commandLine().getErr(), out.resolve("profile.txt"), () -> Trainer.run(request, log));
        PrintWriter w = spec.commandLine().getOut();
        String best = r.bestStep() < 0
                ? "no validation yet"
                : String.format(
                        Locale.ROOT,
                        "best validation CE_F1 %.4f (BLEU_4 %.4f) at step %d in %s",
                        r.best().get("CE_F1"),
                        r.best().get("BLEU_4"),
                        r.bestStep(),
                        out.resolve("best.safetensors"));
        if (r.finishedBefore()) w.println("train: " + out + " is finished (" + r.steps() + " steps); " + best);
        else if (r.stopped())
            w.println(String.format(
                    Locale.ROOT,
                    "train: stopped after step %d (--stop-after); continue with --resume; %s",
                    r.steps(),
                    best));
        else w.println(String.format(Locale.ROOT, "train: %d steps in %.1f s; %s", r.steps(), r.seconds(), best));
        if (stage.json) w.println(json(r));
        w.flush();
        return 0;
    }

    /** The best validation metrics under the keys of {@code evaluate --json}, best_step and seconds. */
    static String json(Trainer.Result r) {
        ObjectNode j = new ObjectMapper().createObjectNode();
        for (String k : Trainer.VALIDATION) {
            Double v = r.best().get(k);
            if (v == null || v.isNaN()) j.putNull(k);
            else j.put(k, v);
        }
        j.put("best_step", r.bestStep());
        j.put("steps", r.steps());
        j.put("seconds", r.seconds());
        return j.toString();
    }
}
