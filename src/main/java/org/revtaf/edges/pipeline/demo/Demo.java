package org.revtaf.edges.pipeline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.data.synth.SyntheticGenerator;
import org.revtaf.domain.eval.EvalOutput;
import org.revtaf.domain.eval.Evaluation;
import org.revtaf.domain.text.Labelers;
import org.revtaf.edges.config.ConfigLoader;
import org.revtaf.edges.io.FileTrees;
import org.revtaf.edges.io.TextFiles;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.RunDir;
import org.revtaf.edges.pipeline.cache.Precompute;
import org.revtaf.edges.pipeline.generate.Generate;
import org.revtaf.edges.pipeline.generate.Inference;
import org.revtaf.edges.pipeline.pretrain.Pretrainer;
import org.revtaf.edges.pipeline.train.Trainer;
import org.revtaf.edges.report.HtmlReport;
import org.revtaf.edges.report.ReportData;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.tensor.Device;

/**
 * {@code revtaf demo}: the whole method on built-in synthetic data in one process (../shared/CLI.md,
 * the demo row): synth -> pretrain -> precompute -> train -> generate -> evaluate with
 * {@code configs/tiny.yaml} and the epochs of a {@link DemoPlan}, then {@code DIR/report.html} and
 * {@code DIR/plots/}.
 *
 * <p>DIR holds one folder per stage ({@code data/}, {@code foundation/}, {@code cache/},
 * {@code train/}), {@code test.jsonl} (the generated test reports), {@code eval/} (the metrics as
 * CSV), {@code config.yaml} (resolved, with the plan on its first line) and {@code log.txt}. Every
 * file is written atomically, so an interrupted demo leaves no half-written file; run it again and
 * it continues from the finished stages (the stages' own resume). A DIR holding a demo of other
 * settings (say {@code --quick} before a full demo) is replaced; a file or a non-empty folder that
 * is not a demo is an error and stays as it is.
 */
public final class Demo {
    public static final String KIND = "demo";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Demo() {}

    /**
     * What to run.
     *
     * @param config the run config file, or null for configs/tiny.yaml (see {@link #tinyConfig})
     */
    public record Request(Path out, DemoPlan plan, Device device, Path config) {}

    /**
     * The outcome.
     *
     * @param ran what ran (the plan's description)
     * @param model the generated test reports' scores; {@code baseline} the most-frequent-report
     *     baseline's on the same studies
     * @param seconds per stage, in order, and "total"
     */
    public record Result(
            Path dir,
            String ran,
            Path report,
            List<Path> plots,
            Evaluation.Scores model,
            Evaluation.Scores baseline,
            Pretrainer.Result foundation,
            Trainer.Result training,
            Generate.Result generation,
            Map<String, Double> seconds) {}

    public static Result run(Request r, Log log) {
        long t0 = System.nanoTime();
        DemoPlan plan = r.plan();
        Source cfgSource =
                r.config() == null ? tinyConfig() : new Source(r.config().toString(), read(r.config()));
        RunConfig cfg = ConfigLoader.parse(cfgSource.text(), cfgSource.name(), RunConfig.class, null, plan.overrides());
        String yaml = "# " + plan.describe() + "\n" + cfg.toYaml();
        RunDir run = open(r.out(), yaml, log);
        log.alsoCopyTo(run.file(RunDir.LOG));
        Path dir = run.dir(), configFile = run.file(RunDir.CONFIG);
        Thread hook = new Thread(() -> System.err.println(
                "demo: interrupted; every file written so far is complete. Run the demo again with the same --out to"
                        + " continue from the finished stages."));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            log.line(plan.describe() + "; on " + r.device().cliName() + " with " + Parallel.threads() + " threads");
            Map<String, Double> seconds = new LinkedHashMap<>();
            Device dev = r.device();

            long t = banner(log, 1, "synth", "synthetic chest X-rays, reports and labels");
            Path data = dir.resolve("data");
            if (!Files.isRegularFile(data.resolve("annotation.json")))
                SyntheticGenerator.write(
                        data,
                        plan.studies(),
                        plan.size(),
                        DemoPlan.DATA_SEED,
                        Math.max(1, Parallel.threads()),
                        false,
                        Labelers.standard(),
                        log::line);
            else log.line("demo: " + data + " is there already");
            Dataset ds = Datasets.open(data, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, log::line);
            seconds.put("synth", since(t));

            t = banner(log, 2, "pretrain", "the foundation model (entity existence and position from the images)");
            Path foundation = dir.resolve("foundation");
            Pretrainer.Result pr = Pretrainer.run(
                    new Pretrainer.Request(
                            "demo data " + data, ds, cfg, configFile, foundation, dev, nonEmpty(foundation)),
                    log);
            seconds.put("pretrain", since(t));

            t = banner(log, 3, "precompute", "the feature cache (F_logit, LRPs, GRPs, memory)");
            Path cache = dir.resolve("cache");
            Precompute.run(new Precompute.Request(data, ds, cfg, configFile, pr.foundation(), null, cache, dev), log);
            seconds.put("precompute", since(t));

            t = banner(log, 4, "train", "REVTAF: LRE + FVTAF on the PromptMRG baseline");
            Path train = dir.resolve("train");
            var request = new Trainer.Request(
                    data, ds, cfg, configFile, cache, train, dev, nonEmpty(train), 0, Trainer.OnNonFinite.FAIL, false);
            Trainer.Result tr = Trainer.run(request, log);
            seconds.put("train", since(t));

            t = banner(log, 5, "generate", "beam search over the test split, LRE retrieval");
            Path best = train.resolve("best.safetensors"), jsonl = dir.resolve("test.jsonl");
            Generate.Result gr = Generate.run(
                    new Generate.Request(best, data, "test", null, jsonl, null, dev),
                    new PrintWriter(Writer.nullWriter()),
                    log);
            log.line(Generate.summary(gr));
            seconds.put("generate", since(t));

            t = banner(
                    log, 6, "evaluate", "NLG metrics and clinical efficacy, beside the most-frequent-report baseline");
            List<Study> test = ds.split(Split.TEST);
            Map<String, JsonNode> lines = readLines(jsonl);
            List<String> ids = new ArrayList<>(), refs = new ArrayList<>(), hyps = new ArrayList<>(), base;
            for (Study s : test) {
                JsonNode l = lines.get(s.id());
                if (l == null) throw new RevtafException(jsonl + ": no report for test study " + s.id());
                ids.add(s.id());
                refs.add(s.report());
                hyps.add(l.path("report").asText());
            }
            String most = MostFrequentReport.of(ds.split(Split.TRAIN));
            base = java.util.Collections.nCopies(ids.size(), most);
            Evaluation.Scores model = Evaluation.labelled(ids, refs, hyps);
            Evaluation.Scores baseline = Evaluation.labelled(ids, refs, base);
            EvalOutput.writeCsvs(model, dir.resolve("eval"));
            seconds.put("evaluate", since(t));

            t = banner(log, 7, "report", "report.html and plots");
            List<Study> shown = test.subList(0, Math.min(plan.samples(), test.size()));
            List<ReportData.Sample> samples;
            try (Inference inf = Inference.open(best, data, dev, log)) {
                samples = DemoReport.samples(inf, shown, lines);
            }
            Map<String, String> about = new LinkedHashMap<>();
            about.put("what ran", plan.describe());
            about.put("device", dev.cliName() + ", " + Parallel.threads() + " threads, " + cpuModel());
            about.put(
                    "foundation",
                    String.format(
                            Locale.ROOT,
                            "%s (validation entity-existence AUROC %.3f)",
                            pr.foundation(),
                            pr.valAuroc()));
            about.put(
                    "checkpoint",
                    String.format(
                            Locale.ROOT, "%s (step %d of %d, best validation CE F1)", best, tr.bestStep(), tr.steps()));
            about.put("baseline", baselineLine(baseline, most));
            about.put("caveat", "synthetic data: these numbers show that the pipeline learns, nothing clinical");
            ReportData rd = new ReportData(
                    "revtaf demo - REVTAF on synthetic chest X-rays",
                    about,
                    samples,
                    EvalOutput.headline(model),
                    model.ce(),
                    TrainingCurves.read(train.resolve("metrics.csv")));
            Path html = HtmlReport.write(dir, rd);
            List<Path> plots = listPlots(dir.resolve("plots"));
            seconds.put("report", since(t));
            seconds.put("total", since(t0));
            return new Result(dir, plan.describe(), html, plots, model, baseline, pr, tr, gr, seconds);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook says so
            }
        }
    }

    /** The metrics table: the model beside the baseline, one metric a row. */
    public static String table(Result r) {
        Map<String, Double> m = EvalOutput.headline(r.model()), b = EvalOutput.headline(r.baseline());
        StringBuilder s = new StringBuilder(
                String.format(Locale.ROOT, "%-9s %10s %20s%n", "metric", "REVTAF", "most-frequent report"));
        for (String k : m.keySet()) s.append(String.format(Locale.ROOT, "%-9s %10.4f %20.4f%n", k, m.get(k), b.get(k)));
        return s.toString();
    }

    /** The config file and its text. */
    record Source(String name, String text) {}

    /**
     * configs/tiny.yaml: under the launcher's install folder ({@code -Drevtaf.home}), else under the
     * working folder, else the copy inside the jar.
     */
    static Source tinyConfig() {
        String home = System.getProperty("revtaf.home");
        for (Path p : home == null
                ? List.of(Path.of("configs", "tiny.yaml"))
                : List.of(Path.of(home, "configs", "tiny.yaml"), Path.of("configs", "tiny.yaml")))
            if (Files.isRegularFile(p)) return new Source(p.toString(), read(p));
        try (InputStream in = Demo.class.getResourceAsStream("/org/revtaf/configs/tiny.yaml")) {
            if (in == null)
                throw new RevtafException(
                        "demo: configs/tiny.yaml not found (not under " + (home == null ? "" : home + " or ")
                                + "the working folder, nor in the jar); run the demo from the repository or give --config");
            return new Source("configs/tiny.yaml (in the jar)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RevtafException("demo: cannot read configs/tiny.yaml from the jar: " + e.getMessage(), e);
        }
    }

    private static String read(Path p) {
        return TextFiles.readUtf8(p, "config file");
    }

    /**
     * DIR as a demo run: a new or empty folder, a demo of the same settings (continued), or a demo of
     * other settings (replaced). Anything else is an error and is left as it is.
     */
    static RunDir open(Path dir, String yaml, Log log) {
        String name = "--out " + dir;
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new RevtafException(name + ": exists and is not a folder; choose another --out");
        if (nonEmpty(dir)) {
            String kind = RunDir.kindOf(dir);
            if (kind == null)
                throw new RevtafException(name + ": folder is not empty and is not a revtaf run (no " + RunDir.MARKER
                        + "); nothing was changed; choose another --out");
            if (!kind.equals(KIND))
                throw new RevtafException(
                        name + ": holds a " + kind + " run, not a demo; nothing was changed; choose another --out");
            Path cfg = dir.resolve(RunDir.CONFIG);
            if (Files.isRegularFile(cfg)
                    && TextFiles.readUtf8(cfg, "demo config").equals(yaml)) {
                log.line("demo: continuing the demo in " + dir + " (finished stages are reused; delete the folder to"
                        + " start over)");
                return RunDir.open(dir, "--out", KIND, true, yaml, log);
            }
            log.line("demo: " + dir + " holds a demo of other settings; replacing it");
            clear(dir);
        }
        return RunDir.open(dir, "--out", KIND, false, yaml, log);
    }

    /** Deletes what is inside a demo folder (checked to be one by the caller). */
    private static void clear(Path dir) {
        try {
            FileTrees.deleteContents(dir);
        } catch (IOException e) {
            throw new RevtafException("--out " + dir + ": cannot clear the previous demo: " + e.getMessage(), e);
        }
    }

    static boolean nonEmpty(Path dir) {
        return Files.isDirectory(dir) && !RunDir.isEmpty(dir, dir.toString());
    }

    private static long banner(Log log, int n, String stage, String what) {
        log.line(String.format(Locale.ROOT, "[%d/7] %s: %s", n, stage, what));
        return System.nanoTime();
    }

    private static double since(long t) {
        return (System.nanoTime() - t) / 1e9;
    }

    /** The lines of generate's JSONL, by study id. */
    static Map<String, JsonNode> readLines(Path jsonl) {
        Map<String, JsonNode> m = new HashMap<>();
        List<String> lines =
                TextFiles.readUtf8(jsonl, "generated reports").lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonNode n = JSON.readTree(lines.get(i));
                m.put(n.path("id").asText(), n);
            } catch (IOException e) {
                throw new RevtafException(jsonl + ":" + (i + 1) + ": not a JSON line: " + e.getMessage());
            }
        }
        return m;
    }

    private static String baselineLine(Evaluation.Scores b, String report) {
        Map<String, Double> h = EvalOutput.headline(b);
        return String.format(
                Locale.ROOT,
                "the most frequent training report for every test study scores BLEU_4 %.4f, CE F1 %.4f: \"%s\"",
                h.get("BLEU_4"),
                h.get("CE_F1"),
                report);
    }

    private static List<Path> listPlots(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            throw new RevtafException(dir + ": cannot list the plots: " + e.getMessage(), e);
        }
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (l.startsWith("model name"))
                    return l.substring(l.indexOf(':') + 1).strip();
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's view is enough
        }
        return System.getProperty("os.arch");
    }
}
