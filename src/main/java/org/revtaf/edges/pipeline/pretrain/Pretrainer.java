package org.revtaf.edges.pipeline.pretrain;

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
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.MetricsLog;
import org.revtaf.edges.pipeline.Progress;
import org.revtaf.edges.pipeline.RunCheckpoints;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.RunDir;
import org.revtaf.edges.pipeline.WeightInit;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.foundation.EntityMetrics;
import org.revtaf.learning.model.foundation.Foundation;
import org.revtaf.learning.model.foundation.FoundationLoss;
import org.revtaf.learning.model.foundation.FoundationModel;
import org.revtaf.learning.model.foundation.MlmMasking;
import org.revtaf.learning.model.foundation.TextEncoder;
import org.revtaf.learning.model.foundation.TripletTargets;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Parameter;
import org.revtaf.learning.optim.AdamW;
import org.revtaf.learning.optim.GradClip;
import org.revtaf.learning.optim.LrSchedule;

/**
 * The {@code pretrain} stage (METHOD.md section 1.1): the text encoder by masked-language modelling
 * on the training reports, then, with the text encoder frozen, the image side on the report
 * triplets (existence cross-entropy + position contrastive loss). Writes into the run folder
 * {@code metrics.csv} (a row every {@code log_every} steps and one per validation), {@code
 * checkpoints/step-N.safetensors} and its copy {@code last.safetensors} after every epoch (what
 * {@code --resume} continues from; {@link RunCheckpoints}: a damaged one falls back to the previous
 * step file), and at the end
 * {@code foundation.safetensors} and {@code val_entities.csv} (the per-entity AUROC table).
 *
 * <p>Everything random is derived from the seed, the phase, the epoch and the example index (batch
 * order, augmentation, MLM masks, position candidates), plus the dropout generator saved in the
 * checkpoint, so a resumed run takes the same steps as an uninterrupted one.
 */
public final class Pretrainer {
    public static final String KIND = "pretrain", FOUNDATION = "foundation.safetensors", LAST = RunCheckpoints.LAST;
    public static final String ENTITY_TABLE = "val_entities.csv";
    static final List<String> COLUMNS = List.of(
            "phase",
            "epoch",
            MetricsLog.STEP,
            "lr",
            "loss",
            "loss_ce",
            "loss_position",
            "val_mlm_loss",
            "val_auroc",
            "val_position_acc");
    private static final String MLM = "mlm", ENTITY = "entity";

    /**
     * What to train.
     *
     * @param dataName how the data is named in messages ({@code --data DIR})
     */
    public record Request(
            String dataName,
            Dataset dataset,
            RunConfig config,
            Path configFile,
            Path out,
            Device device,
            boolean resume) {}

    /**
     * The outcome.
     *
     * @param alreadyFinished {@code --resume} of a finished run: nothing was done
     * @param valAuroc mean validation entity-existence AUROC (NaN without validation data)
     * @param valPositionAcc validation position accuracy
     * @param seconds wall time of the run (all invocations)
     * @param metrics the last validation's per-entity figures (null for an already finished run)
     */
    public record Result(
            boolean alreadyFinished,
            Path foundation,
            double valAuroc,
            double valPositionAcc,
            double seconds,
            EntityMetrics metrics) {}

    private final Request req;
    private final Log log;
    private final RunConfig cfg;
    private final DataConfig data;
    private final TextConfig textCfg;
    private final FoundationConfig fc;
    private final List<Study> train, val;
    private final String datasetHash;
    private RunDir run;
    private RunCheckpoints checkpoints;
    private MetricsLog metrics;
    private NnContext ctx;
    private Foundation model;
    private long step;
    private EntityMetrics lastEval;

    private Pretrainer(Request req, Log log) {
        this.req = req;
        this.log = log;
        cfg = req.config();
        Path f = req.configFile();
        data = RunConfig.require(cfg.data(), f, "pretrain", "data");
        textCfg = RunConfig.require(cfg.text(), f, "pretrain", "text");
        fc = RunConfig.require(cfg.foundation(), f, "pretrain", "foundation");
        train = req.dataset().split(Split.TRAIN);
        val = req.dataset().split(Split.VAL);
        if (train.isEmpty()) throw new RevtafException(req.dataName() + ": no training studies to pretrain on");
        datasetHash = Hashes.dataset(req.dataset());
        if (!req.resume()) WeightInit.requireFoundationFiles(cfg, f); // before the run folder is made
    }

    public static Result run(Request req, Log log) {
        return new Pretrainer(req, log).run();
    }

    private Result run() {
        Path out = req.out();
        if (req.resume() && Files.isRegularFile(out.resolve(FOUNDATION)) && KIND.equals(RunDir.kindOf(out))) {
            Checkpoint done = Checkpoint.load(out.resolve(FOUNDATION));
            return new Result(
                    true,
                    out.resolve(FOUNDATION),
                    number(done.state().get("val_auroc")),
                    number(done.state().get("val_position_acc")),
                    number(done.state().get("seconds")),
                    null);
        }
        run = RunDir.open(out, "--out", KIND, req.resume(), cfg.toYaml(), log);
        checkpoints = new RunCheckpoints(out, 2);
        Checkpoint last = null;
        Path lp = null;
        if (run.resumed()) {
            var found = checkpoints.resumePoint(log);
            if (found.isEmpty())
                log.line("pretrain: the run in " + out + " stopped before its first checkpoint; starting it over");
            else {
                lp = found.get().file();
                last = found.get().checkpoint();
            }
        }
        if (last != null) {
            String ds = last.state().get(FoundationCheckpoint.DATASET);
            if (!datasetHash.equals(ds))
                throw new RevtafException(lp + ": the run was trained on another dataset (" + ds + ") than "
                        + req.dataName() + " (" + datasetHash + ")");
        }
        ctx = NnContext.of(req.device(), cfg.seed());
        WordPieceTokenizer tok = last != null
                ? WordPieceTokenizer.fromVocabText(last.state().get(FoundationCheckpoint.VOCAB))
                : Foundation.vocabulary(
                        textCfg, train.stream().map(Study::report).toList());
        if (last == null) log.line("pretrain: WordPiece vocabulary of " + tok.size() + " tokens");
        model = Foundation.create(ctx, fc, textCfg, tok);
        if (last == null) WeightInit.foundation(model, cfg, req.configFile()).log(log);
        log.line(String.format(
                Locale.ROOT,
                "pretrain: text encoder %,d parameters, image side %,d parameters; %d training and %d validation"
                        + " studies",
                model.text().bert().parameterCount(),
                model.image().parameterCount(),
                train.size(),
                val.size()));
        String phase = MLM;
        int epochsDone = 0;
        Map<String, NdArray> optimState = null;
        double wall = 0;
        if (last != null) {
            model.loadStateDict(last.model(), lp.toString());
            ctx.dropout().restore(last.rng().get("dropout"));
            phase = last.state().get("phase");
            epochsDone = (int) last.stateLong("epochs_done");
            step = last.step();
            wall = last.stateDouble("wall_s");
            optimState = last.optimizer();
            metrics = MetricsLog.resume(run.file("metrics.csv"), COLUMNS, step, wall);
            log.line("pretrain: resuming " + phase + " phase after epoch " + epochsDone + " (step " + step + ")");
        } else if (run.resumed()) {
            metrics = MetricsLog.resume(run.file("metrics.csv"), COLUMNS, 0, 0);
        } else {
            metrics = MetricsLog.create(run.file("metrics.csv"), COLUMNS);
        }
        try {
            if (phase.equals(MLM)) {
                mlm(epochsDone, optimState);
                epochsDone = 0;
                optimState = null;
            }
            entity(epochsDone, optimState);
        } finally {
            metrics.close();
        }
        double seconds = metrics.wallSeconds();
        Map<String, String> state = new LinkedHashMap<>();
        state.put("val_auroc", Double.toString(lastEval.meanAuroc()));
        state.put("val_position_acc", Double.toString(lastEval.positionAccuracy()));
        state.put("seconds", Double.toString(seconds));
        AtomicFile.writeString(run.file(ENTITY_TABLE), lastEval.table().replace('\t', ','));
        FoundationCheckpoint.save(run.file(FOUNDATION), model, cfg.toYaml(), datasetHash, step, state);
        return new Result(
                false, run.file(FOUNDATION), lastEval.meanAuroc(), lastEval.positionAccuracy(), seconds, lastEval);
    }

    private static double number(String s) {
        return s == null ? Double.NaN : Double.parseDouble(s);
    }

    // ---- masked-language modelling --------------------------------------------------------------

    private void mlm(int epochsDone, Map<String, NdArray> optimState) {
        FoundationConfig.Mlm c = fc.mlm();
        if (c.epochs() == 0) return;
        var bert = model.text().bert();
        AdamW opt = new AdamW(bert.trainableParameters(), c.lr(), 0.9, 0.999, 1e-8, c.weightDecay());
        if (optimState != null) opt.loadState(optimState);
        LrSchedule sched = new LrSchedule(c.lr(), c.minLr(), c.minLr(), c.warmupSteps(), c.epochs());
        WordPieceTokenizer tok = model.text().tokenizer();
        boolean[] special = new boolean[tok.size()];
        for (String s : WordPieceTokenizer.SPECIALS) if (tok.idOf(s) >= 0) special[tok.idOf(s)] = true;
        MlmMasking masking = new MlmMasking(c.maskProb(), tok.idOf(WordPieceTokenizer.MASK), tok.size(), special);
        int[][] trainIds = encode(train), valIds = encode(val);
        int perEpoch = (trainIds.length + c.batchSize() - 1) / c.batchSize();
        try (Progress p = log.progress(
                "pretrain mlm", (long) perEpoch * c.epochs(), "steps", (long) perEpoch * epochsDone, Duration.ZERO)) {
            for (int epoch = epochsDone + 1; epoch <= c.epochs(); epoch++) {
                bert.train(true);
                int[] order = shuffled(trainIds.length, SplitMix64.derive(cfg.seed(), 1000 + epoch));
                double sum = 0;
                int count = 0;
                for (int b = 0; b < perEpoch; b++) {
                    double lr = sched.lr(epoch, b);
                    opt.setLr(lr);
                    List<MlmMasking.Example> ex = new ArrayList<>();
                    for (int i = b * c.batchSize(); i < Math.min(order.length, (b + 1) * c.batchSize()); i++)
                        ex.add(masking.apply(
                                trainIds[order[i]],
                                new SplitMix64(
                                        SplitMix64.derive(SplitMix64.derive(cfg.seed(), 2000 + epoch), order[i]))));
                    double loss;
                    try (Scope s = Scope.open()) {
                        Tensor l = mlmLoss(ex);
                        loss = finite(l.item(), MLM);
                        l.backward();
                    }
                    if (c.gradClip() > 0) GradClip.byNorm(bert.parameters(), c.gradClip());
                    opt.step();
                    opt.zeroGrad();
                    step++;
                    sum += loss;
                    count++;
                    if (step % fc.train().logEvery() == 0 || b == perEpoch - 1) {
                        metrics.at(step)
                                .put("phase", MLM)
                                .put("epoch", epoch)
                                .put("lr", lr)
                                .put("loss", sum / count)
                                .write();
                        sum = 0;
                        count = 0;
                    }
                    p.step(String.format(Locale.ROOT, "epoch %d, loss %.4f", epoch, loss));
                }
                double vl = valMlmLoss(valIds, masking, c.batchSize());
                metrics.at(step)
                        .put("phase", MLM)
                        .put("epoch", epoch)
                        .put("val_mlm_loss", vl)
                        .write();
                log.line(String.format(
                        Locale.ROOT, "pretrain mlm: epoch %d/%d, validation MLM loss %.4f", epoch, c.epochs(), vl));
                checkpoint(MLM, epoch, opt);
            }
        }
    }

    private int[][] encode(List<Study> studies) {
        int[][] out = new int[studies.size()][];
        for (int i = 0; i < out.length; i++)
            out[i] = model.text().encode(studies.get(i).report());
        return out;
    }

    /** MLM cross-entropy of a batch: logits (B, T, V) against the targets (B, T), -100 ignored. */
    private Tensor mlmLoss(List<MlmMasking.Example> ex) {
        List<int[]> ids = new ArrayList<>(), targets = new ArrayList<>();
        for (MlmMasking.Example e : ex) {
            ids.add(e.ids());
            targets.add(e.targets());
        }
        TextEncoder.Tokens tk = model.text().batch(ids);
        int b = ex.size(), t = tk.ids().shape(1);
        long[] tg = new long[b * t];
        java.util.Arrays.fill(tg, MlmMasking.IGNORE);
        for (int i = 0; i < b; i++) for (int j = 0; j < targets.get(i).length; j++) tg[i * t + j] = targets.get(i)[j];
        var bert = model.text().bert();
        Tensor logits = bert.mlmLogits(bert.forward(tk.ids(), tk.keep(), null)); // (B, T, V)
        return F.crossEntropy(logits, Tensor.ofLongs(tk.ids().device(), tg, b, t), MlmMasking.IGNORE, 0);
    }

    /** Validation MLM loss with fixed masks (the same every epoch), in eval mode. */
    private double valMlmLoss(int[][] ids, MlmMasking masking, int batch) {
        if (ids.length == 0) return Double.NaN;
        var bert = model.text().bert();
        bert.eval();
        double sum = 0;
        int n = 0;
        try (var ng = org.revtaf.engine.autograd.GradMode.noGrad()) {
            for (int from = 0; from < ids.length; from += batch) {
                List<MlmMasking.Example> ex = new ArrayList<>();
                for (int i = from; i < Math.min(ids.length, from + batch); i++)
                    ex.add(masking.apply(ids[i], new SplitMix64(SplitMix64.derive(cfg.seed() + 7, i))));
                try (Scope s = Scope.open()) {
                    sum += mlmLoss(ex).item() * ex.size();
                    n += ex.size();
                }
            }
        }
        bert.train(true);
        return sum / n;
    }

    // ---- the image side on the triplets -----------------------------------------------------------

    private void entity(int epochsDone, Map<String, NdArray> optimState) {
        FoundationConfig.Train c = fc.train();
        model.text().bert().freeze(true);
        model.text().bert().eval();
        model.updateBooks(64);
        FoundationModel img = model.image();
        Map<String, Parameter> params = img.trainableParameters();
        AdamW opt = new AdamW(params, c.lr(), 0.9, 0.999, 1e-8, c.weightDecay());
        if (optimState != null) opt.loadState(optimState);
        LrSchedule sched = new LrSchedule(c.lr(), c.minLr(), c.minLr(), c.warmupSteps(), c.epochs());
        TripletExtractor ex = TripletExtractor.standard();
        Map<String, Integer> index = new LinkedHashMap<>();
        TripletTargets[] targets = new TripletTargets[train.size()];
        for (int i = 0; i < train.size(); i++) {
            index.put(train.get(i).id(), i);
            targets[i] = TripletTargets.of(ex.extract(train.get(i).report()), c.unmentionedAsAbsent());
        }
        TripletTargets[] valTargets = val.stream()
                .map(s -> TripletTargets.of(ex.extract(s.report()), c.unmentionedAsAbsent()))
                .toArray(TripletTargets[]::new);
        float[] positiveWeight = c.positiveWeightPower() == 0
                ? null
                : FoundationLoss.positiveWeights(
                        targets, c.positiveWeightPower(), FoundationConfig.Train.MAX_POSITIVE_WEIGHT);
        int perEpoch = (train.size() + c.batchSize() - 1) / c.batchSize();
        int k = 1 + c.positionNegatives(), crop = data.crop();
        Device dev = req.device();
        if (epochsDone == c.epochs() && lastEval == null) lastEval = evaluate(valTargets);
        try (Progress p = log.progress(
                "pretrain entity",
                (long) perEpoch * c.epochs(),
                "steps",
                (long) perEpoch * epochsDone,
                Duration.ZERO)) {
            for (int epoch = epochsDone + 1; epoch <= c.epochs(); epoch++) {
                img.train(true);
                double[] sums = new double[3];
                int count = 0;
                BadSamples bad = new BadSamples(data.onBadSample());
                try (BatchLoader loader =
                        BatchLoader.trainingEpoch(req.dataset(), train, data, c.batchSize(), cfg.seed(), epoch, bad)) {
                    while (loader.hasNext()) {
                        BatchLoader.Batch batch = loader.next();
                        if (batch.size() == 0) continue;
                        double lr = sched.lr(epoch, batch.index());
                        opt.setLr(lr);
                        TripletTargets[] bt = new TripletTargets[batch.size()];
                        long[][] cand = new long[batch.size()][];
                        for (int i = 0; i < bt.length; i++) {
                            int si = index.get(batch.studies().get(i).id());
                            bt[i] = targets[si];
                            cand[i] = bt[i].candidates(
                                    c.positionNegatives(),
                                    new SplitMix64(SplitMix64.derive(SplitMix64.derive(cfg.seed(), 3000 + epoch), si)));
                        }
                        double[] parts = new double[3];
                        try (Scope s = Scope.open()) {
                            Tensor images = Tensor.of(dev, batch.images(), batch.size(), 3, crop, crop);
                            FoundationLoss.Parts l = FoundationLoss.of(
                                    img.forward(images),
                                    FoundationLoss.Targets.of(dev, bt, cand, k, positiveWeight),
                                    c.positionWeight());
                            parts[0] = finite(l.total().item(), ENTITY);
                            parts[1] = l.ce().item();
                            parts[2] = l.position().item();
                            l.total().backward();
                        }
                        if (c.gradClip() > 0) GradClip.byNorm(img.parameters(), c.gradClip());
                        opt.step();
                        opt.zeroGrad();
                        step++;
                        for (int j = 0; j < 3; j++) sums[j] += parts[j];
                        count++;
                        if (step % c.logEvery() == 0 || batch.index() == perEpoch - 1) {
                            metrics.at(step)
                                    .put("phase", ENTITY)
                                    .put("epoch", epoch)
                                    .put("lr", lr)
                                    .put("loss", sums[0] / count)
                                    .put("loss_ce", sums[1] / count)
                                    .put("loss_position", sums[2] / count)
                                    .write();
                            java.util.Arrays.fill(sums, 0);
                            count = 0;
                        }
                        p.update(
                                (long) perEpoch * (epoch - 1) + batch.index() + 1,
                                String.format(Locale.ROOT, "epoch %d, loss %.4f", epoch, parts[0]));
                    }
                }
                bad.log("training images", log::line);
                lastEval = evaluate(valTargets);
                metrics.at(step)
                        .put("phase", ENTITY)
                        .put("epoch", epoch)
                        .put("val_auroc", lastEval.meanAuroc())
                        .put("val_position_acc", lastEval.positionAccuracy())
                        .write();
                log.line(String.format(
                        Locale.ROOT,
                        "pretrain entity: epoch %d/%d, validation AUROC %.4f, position accuracy %.4f",
                        epoch,
                        c.epochs(),
                        lastEval.meanAuroc(),
                        lastEval.positionAccuracy()));
                checkpoint(ENTITY, epoch, opt);
            }
        }
    }

    /** Validation of the image side on the val split (eval transform). */
    private EntityMetrics evaluate(TripletTargets[] valTargets) {
        int n = val.size(), m = FoundationModel.ENTITIES;
        float[] presence = new float[n * m];
        int[] top = new int[n * m];
        BadSamples bad = new BadSamples(org.revtaf.domain.data.BadSamplePolicy.FAIL);
        int at = 0;
        try (BatchLoader loader =
                BatchLoader.inOrder(req.dataset(), val, data, fc.train().batchSize(), bad)) {
            while (loader.hasNext()) {
                BatchLoader.Batch b = loader.next();
                Tensor images = Tensor.of(req.device(), b.images(), b.size(), 3, data.crop(), data.crop());
                Foundation.Prediction pr = model.predict(images);
                System.arraycopy(pr.presence(), 0, presence, at * m, b.size() * m);
                System.arraycopy(pr.topPosition(), 0, top, at * m, b.size() * m);
                at += b.size();
            }
        }
        return EntityMetrics.of(presence, top, valTargets);
    }

    private void checkpoint(String phase, int epoch, AdamW opt) {
        metrics.flush(); // rows up to this step are on disk before the checkpoint that keeps them
        Map<String, String> state = new LinkedHashMap<>();
        state.put("phase", phase);
        state.put("epochs_done", Integer.toString(epoch));
        state.put("wall_s", Double.toString(metrics.wallSeconds()));
        state.put(FoundationCheckpoint.DATASET, datasetHash);
        state.put(FoundationCheckpoint.VOCAB, model.text().tokenizer().toVocabText());
        state.put(FoundationCheckpoint.KIND_KEY, "pretrain-state");
        checkpoints.save(new Checkpoint(
                step,
                model.stateDict(),
                opt.state(),
                Map.of("dropout", ctx.dropout().state()),
                state,
                cfg.toYaml()));
    }

    private double finite(double loss, String phase) {
        if (!Double.isFinite(loss))
            throw new RevtafException("pretrain: the " + phase + " loss is " + loss + " at step " + (step + 1)
                    + " (lower the learning rate, or check the data)");
        return loss;
    }

    private static int[] shuffled(int n, long seed) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = i;
        SplitMix64 rng = new SplitMix64(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }
}
