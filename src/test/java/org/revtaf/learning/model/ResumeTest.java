package org.revtaf.learning.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.bench.BenchOptions;
import org.revtaf.edges.bench.BenchResult;
import org.revtaf.edges.bench.DecoderWorkload;
import org.revtaf.edges.bench.ResNetWorkload;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Rng;
import org.revtaf.learning.optim.AdamW;
import org.revtaf.learning.optim.GradClip;
import org.revtaf.learning.optim.LrSchedule;

/** Training with dropout, AdamW, the schedule and clipping: a resumed run equals an uninterrupted one. */
class ResumeTest {
    @TempDir
    Path dir;

    private static final LrSchedule SCHED = new LrSchedule(1e-2, 1e-3, 1e-4, 3, 2);

    /** A tiny decoder and its training state. */
    private static final class Run {
        final NnContext ctx;
        final BertLmDecoder model;
        final AdamW opt;
        LrSchedule.State pos = new LrSchedule.State(1, 0);

        Run(long seed) {
            ctx = NnContext.of(Device.CPU, seed);
            model = new BertLmDecoder(ctx, ModelsTest.tinyBert(0, 6));
            opt = AdamW.paper(model.namedParameters(), SCHED.peakLr());
        }

        void step(int i) {
            Tensor ids = Tensor.ofLongs(Device.CPU, new long[] {1, 3 + i, 5, 7, 2 + i, 9, 4, 11}, 2, 4);
            Tensor mem = Tensor.randn(Device.CPU, DType.FLOAT32, new Rng(100 + i), 1.0, 2, 3, 6);
            opt.setLr(SCHED.lr(pos));
            try (Scope s = Scope.open()) {
                model.loss(ids, null, mem, null, ids, 0.1).backward();
            }
            GradClip.byValue(model.parameters(), 0.1);
            opt.step();
            opt.zeroGrad();
            pos = pos.stepInEpoch() == 2 ? pos.nextEpoch() : pos.next();
        }

        Checkpoint checkpoint(long step) {
            return new Checkpoint(
                            step,
                            model.stateDict(),
                            opt.state(),
                            Map.of("dropout", ctx.dropout().state()),
                            Map.of(),
                            "model: tiny\n")
                    .withScheduler(pos);
        }

        void restore(Checkpoint c) {
            model.loadStateDict(c.model(), "checkpoint");
            opt.loadState(c.optimizer());
            ctx.dropout().restore(c.rng().get("dropout"));
            pos = c.scheduler();
        }
    }

    @Test
    void resumedTrainingEqualsUninterruptedBitForBit() {
        Run a = new Run(1);
        for (int i = 0; i < 2; i++) a.step(i);
        Path f = dir.resolve("step2.safetensors");
        a.checkpoint(2).save(f);
        for (int i = 2; i < 5; i++) a.step(i);

        Run b = new Run(777); // different initial weights and dropout stream
        Checkpoint c = Checkpoint.load(f);
        assertEquals(2, c.step());
        b.restore(c);
        for (int i = 2; i < 5; i++) b.step(i);
        Map<String, org.revtaf.engine.tensor.NdArray> sa = a.model.stateDict(), sb = b.model.stateDict();
        sa.forEach((k, v) -> assertEquals(v, sb.get(k), k));
        assertEquals(a.pos, b.pos);
    }

    @Test
    void benchWorkloadsRunAtTinySizes() {
        StringWriter log = new StringWriter();
        var rw = new ResNetWorkload();
        BenchResult r = rw.run(
                org.revtaf.engine.tensor.Device.CPU,
                BenchOptions.parse(
                        rw, List.of("--depth", "50", "--size", "32", "--batch", "2", "--width", "4", "--iters", "1")),
                new PrintWriter(log));
        assertTrue(r.itemsPerS() > 0);
        assertEquals(50, r.extra().get("depth"));
        var dw = new DecoderWorkload();
        BenchResult d = dw.run(
                org.revtaf.engine.tensor.Device.CPU,
                BenchOptions.parse(
                        dw,
                        List.of(
                                "--layers",
                                "1",
                                "--width",
                                "64",
                                "--seq",
                                "5",
                                "--batch",
                                "2",
                                "--memory",
                                "3",
                                "--memory-width",
                                "8",
                                "--vocab",
                                "50",
                                "--iters",
                                "1")),
                new PrintWriter(log));
        assertTrue(d.itemsPerS() > 0 && d.toJson().containsKey("items_per_s"));
        assertTrue(log.toString().contains("train step"), log.toString());
    }
}
