package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.edges.pipeline.train.ReportDecoder;
import org.revtaf.edges.pipeline.train.SyntheticRun;
import org.revtaf.engine.tensor.Device;
import org.revtaf.learning.model.generate.BeamSearch;
import org.revtaf.learning.model.revtaf.ReportPrompt;
import org.revtaf.learning.model.revtaf.RevtafModel;

/**
 * {@code bench generate --config YAML}: report generation of a config ({@link ReportDecoder#search}:
 * the image side, classifier prompt and beam search over the decoder's KV cache) with seeded random
 * weights on a seeded synthetic batch of the cache's shapes (as {@code bench train-step}). Every
 * report runs to {@code generate.max_new_tokens} ([SEP] is held back: random weights would end
 * reports at random lengths), so the figure is the cost at the config's longest report. Reports
 * ms per report and reports per second (median batch time over the timed batches).
 */
public final class GenerateWorkload extends Workload {
    public GenerateWorkload() {
        super(
                "generate",
                "REVTAF report generation of a config (beam search at its lengths), ms per report",
                CPU_AND_REFERENCE,
                """
                        config  -  run config (configs/*.yaml) with the model and generate sections
                        batch   0  studies per batch (0: the config's generate.batch_size)
                        beams   0  beam size (0: the config's generate.beams)
                        warmup  1  untimed batches first (JIT compilation, allocator pool)
                        iters   3  timed batches (median)
                        """);
    }

    @Override
    public BenchResult run(Device dev, BenchOptions o, PrintWriter log) {
        Path file = Path.of(o.string("config"));
        int iters = o.integer("iters", 1, 100), warmup = o.integer("warmup", 0, 100);
        int batchOpt = o.integer("batch", 0, 4096), beamsOpt = o.integer("beams", 0, 64);
        SyntheticRun run = SyntheticRun.load(file, "bench generate");
        GenerateConfig gc = run.require(run.config().generate(), "generate");
        int batch = batchOpt > 0 ? batchOpt : gc.batchSize();
        int beams = beamsOpt > 0 ? beamsOpt : gc.beams();
        RevtafModel model = run.newModel(dev);
        model.eval();
        RevtafModel.Batch b = run.batch(model, batch, 1, run.config().seed());
        int full = ReportPrompt.LENGTH + gc.maxNewTokens(); // [SEP] held back to the last position
        BeamSearch.Options opts = new BeamSearch.Options(
                beams, gc.maxNewTokens(), full, model.prompt().sep(), gc.lengthPenalty());
        long[] tokens = new long[1];
        Runnable one = () -> {
            ReportDecoder.Searched s = ReportDecoder.search(model, b.inputs(), opts);
            long t = 0;
            for (var h : s.best()) t += h.tokens().length;
            tokens[0] = t;
        };
        double seconds = ModelStepTimer.afterWarmup(one, warmup, iters);
        double msPerReport = 1000 * seconds / batch;
        log.printf(
                "  generate %s: batch %d, beam %d, %d new tokens per report (prompt %d), %,d parameters (lre %s,"
                        + " fvtaf %s): %.3f s per batch, %.1f ms per report (%.2f reports/s)%n",
                file,
                batch,
                beams,
                tokens[0] / batch,
                ReportPrompt.LENGTH,
                model.parameterCount(),
                run.model().lre(),
                run.model().fvtaf(),
                seconds,
                msPerReport,
                batch / seconds);
        log.flush();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("config", file.toString());
        extra.put("batch", batch);
        extra.put("beams", beams);
        extra.put("new_tokens", tokens[0] / batch);
        extra.put("ms_per_report", msPerReport);
        extra.put("image_size", run.data().crop());
        extra.put("parameters", model.parameterCount());
        return new BenchResult(name(), dev, seconds, Double.NaN, Double.NaN, batch / seconds, extra);
    }
}
