package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.revtaf.domain.data.Dataset;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.cache.CacheManifest;
import org.revtaf.edges.pipeline.cache.Precompute;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code revtaf precompute}; see ../shared/CLI.md and CONTRACTS.md (the cache format). */
@Command(
        name = "precompute",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write the cached foundation features (METHOD.md 1.2): per study the entity probabilities F_logit and the"
                    + " LRP triplet embeddings, per training report the GRP sentence embeddings, the Hamming"
                    + " neighbours and the top-K memory; CACHE/manifest.json keys it by dataset, foundation and"
                    + " config hash.",
            "A cache whose manifest matches is reused: the command says 'up to date' and exits 0.",
            "--foundation truth (synthetic data only) builds the oracle cache from DIR/findings.json."
        })
public final class PrecomputeCommand implements Callable<Integer> {
    /** The --json line. */
    record Summary(
            Path cache,
            boolean upToDate,
            int studies,
            int trainStudies,
            int textWidth,
            String foundationHash,
            String datasetHash,
            double seconds) {}

    @Spec
    CommandSpec spec;

    @Mixin
    StageOptions stage;

    @Option(
            names = "--foundation",
            required = true,
            paramLabel = "CKPT|truth",
            description = "RUN/foundation.safetensors of a pretrain run, or 'truth' for the oracle cache.")
    String foundation;

    @Option(
            names = "--text-encoder",
            paramLabel = "CKPT",
            description = "With --foundation truth: the foundation checkpoint whose text encoder embeds the texts"
                    + " (default: the seeded initialisation of the config's sizes).")
    Path textEncoder;

    @Option(names = "--out", required = true, paramLabel = "CACHE", description = "Cache folder.")
    Path out;

    @Override
    public Integer call() {
        Device device = stage.check(spec);
        DataCommand.requirePath(spec, "--out", out);
        DataCommand.requirePath(spec, "--text-encoder", textEncoder);
        if (foundation.isBlank()) throw new ParameterException(spec.commandLine(), "--foundation: empty value");
        boolean truth = foundation.equals(CacheManifest.TRUTH);
        if (!truth && textEncoder != null)
            throw new ParameterException(
                    spec.commandLine(), "--text-encoder goes with --foundation truth (a checkpoint has its own)");
        Log log = Log.stderr(spec.commandLine().getErr());
        RunConfig cfg = stage.loadConfig();
        Dataset data = stage.dataset(cfg, log);
        Precompute.Result r = Precompute.run(
                new Precompute.Request(
                        stage.data,
                        data,
                        cfg,
                        stage.config,
                        truth ? null : Path.of(foundation),
                        textEncoder,
                        out,
                        device),
                log);
        PrintWriter w = spec.commandLine().getOut();
        CacheManifest m = r.manifest();
        if (r.upToDate()) w.println("precompute: " + out + " is up to date");
        else
            w.println(String.format(
                    Locale.ROOT,
                    "precompute: wrote %s (%d studies, %d training reports, text width %d, foundation %s) in %.1f s",
                    out,
                    m.studies(),
                    m.trainStudies(),
                    m.textWidth(),
                    m.foundationPath(),
                    r.seconds()));
        if (stage.json)
            w.println(JsonSummary.of(new Summary(
                    out,
                    r.upToDate(),
                    m.studies(),
                    m.trainStudies(),
                    m.textWidth(),
                    m.foundationHash(),
                    m.datasetHash(),
                    r.seconds())));
        w.flush();
        return 0;
    }
}
