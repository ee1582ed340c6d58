package org.revtaf.edges.pipeline.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.edges.config.TrainConfig;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.MetricsLog;
import org.revtaf.edges.pipeline.NonFinite;
import org.revtaf.edges.pipeline.Progress;
import org.revtaf.edges.pipeline.RunCheckpoints;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.RunDir;
import org.revtaf.edges.pipeline.WeightInit;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.revtaf.RevtafConfig;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.model.revtaf.StatusClassifier;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.optim.LrSchedule;

/**
 * The {@code train} stage (METHOD.md sections 2-5): REVTAF on the feature cache and the images.
 * Every epoch the training split is shuffled (seeded by the config's seed and the epoch) and run
 * through {@link TrainStep} at the scheduled learning rate, then the validation split is decoded
 * greedily and scored ({@link Validation}), base_probs are re-estimated from it, and the weights are
 * kept as {@code best.safetensors} when the CE F1 is the best so far (ties: the higher BLEU-4).
 *
 * <p>Files of RUN (../shared/CLI.md): {@code metrics.csv} ({@link #COLUMNS}; a step row every
 * {@code train.log_every} steps with the mean losses since the previous row, a validation row after
 * every epoch), {@code checkpoints/step-N.safetensors} and {@code last.safetensors} at the end of
 * every epoch, every {@code train.checkpoint_every} steps and when the run stops early,
 * {@code best.safetensors}, {@code config.yaml}, {@code log.txt}. {@code --resume} continues from
 * {@code last.safetensors}; the generators, data order and schedule are all restored, so on cpu the
 * resumed run writes the rows of an uninterrupted one bit for bit ({@code wall_s} aside).
 */
public final class Trainer {
    static final List<String> LOSSES = List.of("total", "lm", "cls", "rank", "fcc");
    public static final List<String> VALIDATION =
            List.of("BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "METEOR", "ROUGE_L", "CIDEr", "CE_P", "CE_R", "CE_F1");
    /** metrics.csv columns before {@code wall_s}. */
    public static final List<String> COLUMNS = columns(false);

    static final String SKIPPED = "skipped_steps";

    /** The columns; with {@code --on-nonfinite skip} also {@value #SKIPPED} (steps skipped so far). */
    public static List<String> columns(boolean skipNonFinite) {
        List<String> c = new ArrayList<>(List.of("step", "epoch", "lr", "loss", "loss_lm", "loss_cls", "loss_rank"));
        c.add("loss_fcc");
        c.addAll(VALIDATION);
        if (skipNonFinite) c.add(SKIPPED);
        return List.copyOf(c);
    }

    /** What a non-finite loss or gradient does ({@code --on-nonfinite}). */
    public enum OnNonFinite {
        /** stop the run with exit 1 (the last good checkpoint stays) */
        FAIL,
        /** skip the step (no update; counted in the log and in {@value #SKIPPED}) */
        SKIP
    }

    private Trainer() {}

    /**
     * What to train.
     *
     * @param stopAfter stop (with a checkpoint) once this many steps are done in all; 0: train to the end
     */
    public record Request(
            Path dataDir,
            Dataset data,
            RunConfig config,
            Path configFile,
            Path cache,
            Path out,
            Device device,
            boolean resume,
            long stopAfter,
            OnNonFinite onNonFinite,
            boolean detectAnomaly) {
        public Request {
            if (onNonFinite == null) onNonFinite = OnNonFinite.FAIL;
        }
    }

    /**
     * The outcome.
     *
     * @param finishedBefore {@code --resume} found the run already finished (nothing was trained)
     * @param stopped the run stopped at {@code stopAfter} before its end
     * @param steps optimizer steps done in all
     * @param bestStep the step of {@code best.safetensors} (-1: no validation yet)
     * @param best its validation metrics (the keys of {@code evaluate --json})
     * @param seconds training seconds in all (across resumes)
     */
    public record Result(
            boolean finishedBefore,
            boolean stopped,
            long steps,
            long bestStep,
            Map<String, Double> best,
            double seconds) {}

    public static Result run(Request r, Log log) {
        RunConfig cfg = r.config();
        Path file = r.configFile();
        DataConfig dc = RunConfig.require(cfg.data(), file, "train", "data");
        RevtafConfig mc = RunConfig.require(cfg.model(), file, "train", "model");
        TrainConfig tc = RunConfig.require(cfg.train(), file, "train", "train");
        GenerateConfig gc = RunConfig.require(cfg.generate(), file, "train", "generate");
        if (tc.grpSource() == TrainConfig.GrpSource.HYPERBOLIC && !mc.lre())
            throw new RevtafException(
                    file + ": train.grp_source: hyperbolic retrieves through the LRE; it needs" + " model.lre: true");
        List<Study> train = r.data().split(Split.TRAIN), val = r.data().split(Split.VAL);
        if (train.isEmpty()) throw new RevtafException("--data " + r.dataDir() + ": no training studies");
        if (val.isEmpty())
            throw new RevtafException("--data " + r.dataDir() + ": no validation studies (train validates every"
                    + " epoch and keeps the best by validation CE F1)");
        if (tc.valStudies() > 0 && tc.valStudies() < val.size()) val = val.subList(0, tc.valStudies());

        try (CachedFeatures f = CachedFeatures.open(r.cache(), r.data(), r.dataDir(), cfg, file)) {
            NnContext ctx = NnContext.of(r.device(), cfg.seed());
            var tokenizer = f.tokenizer();
            RevtafModel model = RevtafModel.build(
                    ctx, mc, tokenizer, f.manifest().textWidth(), f.manifest().memoryDim());
            var init = r.resume() ? WeightInit.Imported.NONE : WeightInit.revtaf(model, cfg, tokenizer, file);
            model.classifier.setBaseProbs(StatusClassifier.baseProbsFromLabels(f.trainLabels()));
            TrainStep step = new TrainStep(model, tc, r.detectAnomaly());
            List<String> columns = columns(r.onNonFinite() == OnNonFinite.SKIP);
            RevtafInputs inputs = new RevtafInputs(f, model, r.device(), dc);
            Map<String, String> identity = RevtafCheckpoint.identity(f, model, r.dataDir());
            State st = new State();
            RunDir run = RunDir.open(r.out(), "--out", "train", r.resume(), cfg.toYaml(), log); // after the model built
            init.log(log);

            RunCheckpoints checkpoints = new RunCheckpoints(r.out(), tc.keepCheckpoints());
            MetricsLog metrics;
            var found = run.resumed() ? checkpoints.resumePoint(log) : java.util.Optional.<RunCheckpoints.Found>empty();
            if (found.isPresent()) {
                Path lastFile = found.get().file();
                Checkpoint last = RevtafCheckpoint.requireKind(found.get().checkpoint(), lastFile);
                RevtafCheckpoint.requireCache(last, lastFile, r.cache());
                RevtafCheckpoint.loadWeights(last, lastFile, model);
                step.optimizer().loadState(last.optimizer());
                ctx.dropout().restore(last.rng(RevtafCheckpoint.RNG_DROPOUT).state());
                st.restore(last);
                if (st.position.epoch() > tc.epochs()) {
                    log.line("train: the run in " + r.out() + " is finished (" + st.steps + " steps, best CE_F1 "
                            + fmt(st.best.getOrDefault("CE_F1", Double.NaN)) + " at step " + st.bestStep
                            + "); nothing to resume");
                    return new Result(true, false, st.steps, st.bestStep, st.best, st.wallBefore);
                }
                metrics = MetricsLog.resume(run.file("metrics.csv"), columns, st.steps, st.wallBefore);
                log.line("train: resuming " + r.out() + " at step " + st.steps + " (epoch " + st.position.epoch()
                        + ", batch " + st.position.stepInEpoch() + ")");
            } else if (run.resumed()) {
                log.line("train: the run in " + r.out() + " stopped before its first checkpoint; starting it over");
                metrics = MetricsLog.resume(run.file("metrics.csv"), columns, 0, 0);
            } else {
                metrics = MetricsLog.create(run.file("metrics.csv"), columns);
            }

            int batches = (train.size() + tc.batchSize() - 1) / tc.batchSize();
            long total = (long) batches * tc.epochs();
            LrSchedule schedule = new LrSchedule(tc.lr(), tc.minLr(), tc.warmupLr(), tc.warmupSteps(), tc.epochs());
            log.line(String.format(
                    Locale.ROOT,
                    "train: %d training / %d validation studies, %,d parameters (lre %s, fvtaf %s), batch %d,"
                            + " %d epochs x %d steps, on %s",
                    train.size(),
                    val.size(),
                    model.parameterCount(),
                    mc.lre() ? "on" : "off",
                    mc.fvtaf() ? "on" : "off",
                    tc.batchSize(),
                    tc.epochs(),
                    batches,
                    r.device()));
            Loop loop = new Loop(
                    r,
                    cfg,
                    dc,
                    tc,
                    gc,
                    f,
                    model,
                    ctx.dropout(),
                    step,
                    inputs,
                    identity,
                    st,
                    metrics,
                    run,
                    checkpoints,
                    tokenizer,
                    val,
                    log);
            try (metrics;
                    Progress p = log.progress(
                            "train", total, "steps", st.steps, Duration.ofMillis((long) (st.wallBefore * 1000)))) {
                return loop.run(train, batches, schedule, p);
            }
        }
    }

    /**
     * Whether validation {@code h} beats {@code best}: a higher CE F1, or the same CE F1 and a higher
     * BLEU-4 (a tie is common early on, when every report is a normal one and the CE F1 is that of
     * the normal studies; the first of the tied epochs is rarely the best model).
     */
    static boolean better(Map<String, Double> h, Map<String, Double> best) {
        double f1 = h.get("CE_F1"), bestF1 = best.get("CE_F1");
        if (f1 != bestF1) return f1 > bestF1 || Double.isNaN(bestF1) && !Double.isNaN(f1);
        return h.get("BLEU_4") > best.get("BLEU_4");
    }

    /** Position, logging window and best validation: what a checkpoint carries besides the tensors. */
    static final class State {
        LrSchedule.State position = new LrSchedule.State(1, 0);
        long steps;
        double wallBefore;
        int windowSteps;
        final double[] window = new double[LOSSES.size()];
        long bestStep = -1;
        Map<String, Double> best = new LinkedHashMap<>();
        long skipped;

        Map<String, String> states(double wall) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put(RevtafCheckpoint.WALL, Double.toString(wall));
            s.put(SKIPPED, Long.toString(skipped));
            s.put("window.steps", Integer.toString(windowSteps));
            for (int i = 0; i < LOSSES.size(); i++) s.put("window." + LOSSES.get(i), Double.toString(window[i]));
            if (bestStep >= 0) {
                s.put(RevtafCheckpoint.BEST_STEP, Long.toString(bestStep));
                best.forEach((k, v) -> s.put(RevtafCheckpoint.BEST_PREFIX + k, Double.toString(v)));
            }
            return s;
        }

        void restore(Checkpoint c) {
            position = c.scheduler();
            steps = c.step();
            wallBefore = c.stateDouble(RevtafCheckpoint.WALL);
            windowSteps = Math.toIntExact(c.stateLong("window.steps"));
            skipped = c.state().containsKey(SKIPPED) ? c.stateLong(SKIPPED) : 0;
            for (int i = 0; i < LOSSES.size(); i++) window[i] = c.stateDouble("window." + LOSSES.get(i));
            if (c.state().containsKey(RevtafCheckpoint.BEST_STEP)) {
                bestStep = c.stateLong(RevtafCheckpoint.BEST_STEP);
                for (String k : VALIDATION) best.put(k, c.stateDouble(RevtafCheckpoint.BEST_PREFIX + k));
            }
        }
    }

    /** The epochs of one invocation. */
    private record Loop(
            Request r,
            RunConfig cfg,
            DataConfig dc,
            TrainConfig tc,
            GenerateConfig gc,
            CachedFeatures f,
            RevtafModel model,
            org.revtaf.learning.nn.Rng dropout,
            TrainStep step,
            RevtafInputs inputs,
            Map<String, String> identity,
            State st,
            MetricsLog metrics,
            RunDir dir,
            RunCheckpoints checkpoints,
            org.revtaf.domain.text.WordPieceTokenizer tokenizer,
            List<Study> val,
            Log log) {

        Result run(List<Study> train, int batches, LrSchedule schedule, Progress p) {
            boolean hyperbolic = tc.grpSource() == TrainConfig.GrpSource.HYPERBOLIC;
            boolean needGrp = model.config().fvtaf();
            for (int epoch = st.position.epoch(); epoch <= tc.epochs(); epoch++) {
                int first = epoch == st.position.epoch() ? Math.toIntExact(st.position.stepInEpoch()) : 0;
                BadSamples bad = new BadSamples(dc.onBadSample());
                try (BatchLoader loader =
                        BatchLoader.trainingEpoch(r.data(), train, dc, tc.batchSize(), cfg.seed(), epoch, bad)) {
                    for (int k = 0; k < first && loader.hasNext(); k++) loader.next(); // resumed mid-epoch
                    for (int k = first; loader.hasNext(); k++) {
                        BatchLoader.Batch b;
                        try (var ps = Profiler.stage("data loading")) {
                            b = loader.next();
                        }
                        double lr = schedule.lr(epoch, k);
                        String where = "step " + (st.steps + 1) + " (epoch " + epoch + ", batch " + (k + 1) + ")";
                        TrainStep.Result res;
                        try (Scope s = Scope.open()) {
                            RevtafModel.Batch batch;
                            try (var ps = Profiler.stage("batch inputs")) {
                                int[] rows = f.rows(b.studies());
                                int[] sources = !needGrp
                                        ? null
                                        : hyperbolic
                                                ? inputs.lreSources(inputs.lreIndex(), rows, rows)
                                                : inputs.hammingSources(rows);
                                batch = inputs.training(b, rows, sources);
                            }
                            res = step.run(batch, lr, where);
                        } catch (NonFinite.Fault e) {
                            if (r.onNonFinite() != OnNonFinite.SKIP) {
                                metrics.flush();
                                throw new RevtafException(e.getMessage() + "; " + lastGood(), e);
                            }
                            st.skipped++;
                            log.line(e.getMessage() + "; skipped the step (--on-nonfinite skip; " + st.skipped
                                    + " skipped so far)");
                            res = null;
                        }
                        st.steps++;
                        st.position = new LrSchedule.State(epoch, k + 1);
                        if (res != null) {
                            st.windowSteps++;
                            for (int i = 0; i < LOSSES.size(); i++)
                                st.window[i] += res.losses().get(LOSSES.get(i));
                        }
                        boolean endOfRun = epoch == tc.epochs() && k + 1 == batches;
                        if (st.steps % tc.logEvery() == 0 || endOfRun) logRow(epoch, lr);
                        p.update(
                                st.steps,
                                String.format(
                                        Locale.ROOT,
                                        "epoch %d, loss %.4f",
                                        epoch,
                                        res == null ? Double.NaN : res.losses().get("total")));
                        boolean endOfEpoch = !loader.hasNext();
                        boolean stop = r.stopAfter() > 0 && st.steps >= r.stopAfter();
                        if (!endOfEpoch && (stop || (tc.checkpointEvery() > 0 && st.steps % tc.checkpointEvery() == 0)))
                            save();
                        if (stop && !endOfEpoch) return result(false, true);
                    }
                }
                try (var ps = Profiler.stage("validation")) {
                    validate(epoch);
                }
                st.position = new LrSchedule.State(epoch + 1, 0);
                save();
                if (r.stopAfter() > 0 && st.steps >= r.stopAfter() && epoch < tc.epochs()) return result(false, true);
            }
            return result(false, false);
        }

        private String lastGood() {
            Path last = dir.file(RevtafCheckpoint.LAST);
            if (!Files.isRegularFile(last)) return "no checkpoint was written yet";
            try (org.revtaf.edges.io.Safetensors st = org.revtaf.edges.io.Safetensors.open(last)) {
                return "the last good checkpoint is " + last + " (step "
                        + st.metadata().get("step") + ")";
            }
        }

        private void logRow(int epoch, double lr) {
            MetricsLog.Row row = metrics.at(st.steps).put("epoch", epoch).put("lr", lr);
            String[] cols = {"loss", "loss_lm", "loss_cls", "loss_rank", "loss_fcc"};
            if (st.windowSteps > 0) // else every step since the last row was skipped: no losses
            for (int i = 0; i < cols.length; i++) row.put(cols[i], st.window[i] / st.windowSteps);
            if (r.onNonFinite() == OnNonFinite.SKIP) row.put(SKIPPED, st.skipped);
            row.write();
            st.windowSteps = 0;
            java.util.Arrays.fill(st.window, 0);
        }

        private void validate(int epoch) {
            Validation v = Validation.run(
                    model,
                    inputs,
                    f,
                    r.data(),
                    val,
                    dc.evalPipeline(),
                    gc,
                    tc.valBatchSize(),
                    dc.workers(),
                    tokenizer,
                    log,
                    "validate epoch " + epoch);
            model.classifier.reestimate(v.posProbs(), v.labels());
            Map<String, Double> h = v.headline();
            MetricsLog.Row row = metrics.at(st.steps).put("epoch", epoch);
            h.forEach(row::put);
            row.write();
            boolean better = st.bestStep < 0 || better(h, st.best);
            if (better) {
                st.bestStep = st.steps;
                st.best = new LinkedHashMap<>(h);
            }
            log.line(String.format(
                    Locale.ROOT,
                    "validation epoch %d (step %d, %d studies): BLEU_4 %s, METEOR %s, ROUGE_L %s, CE_P %s,"
                            + " CE_R %s, CE_F1 %s%s",
                    epoch,
                    st.steps,
                    val.size(),
                    fmt(h.get("BLEU_4")),
                    fmt(h.get("METEOR")),
                    fmt(h.get("ROUGE_L")),
                    fmt(h.get("CE_P")),
                    fmt(h.get("CE_R")),
                    fmt(h.get("CE_F1")),
                    better ? " (best so far)" : ""));
            model.train(true);
            if (better) {
                Map<String, String> s = new LinkedHashMap<>(identity);
                s.putAll(st.states(metrics.wallSeconds()));
                new Checkpoint(st.steps, model.stateDict(), Map.of(), Map.of(), s, cfg.toYaml())
                        .withScheduler(new LrSchedule.State(epoch + 1, 0))
                        .save(dir.file(RevtafCheckpoint.BEST));
            }
        }

        /** step-N and last (the same bytes), then old step files beyond keep_checkpoints are deleted. */
        private void save() {
            try (var ps = Profiler.stage("checkpoint")) {
                saveFiles();
            }
        }

        private void saveFiles() {
            metrics.flush();
            Map<String, String> s = new LinkedHashMap<>(identity);
            s.putAll(st.states(metrics.wallSeconds()));
            checkpoints.save(new Checkpoint(
                            st.steps,
                            model.stateDict(),
                            step.optimizer().state(),
                            Map.of(RevtafCheckpoint.RNG_DROPOUT, dropout.state()),
                            s,
                            cfg.toYaml())
                    .withScheduler(st.position));
        }

        private Result result(boolean before, boolean stopped) {
            return new Result(before, stopped, st.steps, st.bestStep, st.best, metrics.wallSeconds());
        }
    }

    static String fmt(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.4f", x);
    }
}
