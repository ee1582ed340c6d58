package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.util.Map;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertConfig;
import org.revtaf.learning.model.BertLmDecoder;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Rng;

/**
 * {@code bench decoder}: the BLIP/BERT-style report decoder (METHOD.md section 4) training step on
 * random tokens: causal self-attention, cross-attention to a visual memory (49 x 2048 by default),
 * tied LM head over the 30527-token vocabulary, label-smoothed loss; forward + backward in
 * sequences per second, forward-only (eval) beside it.
 */
public final class DecoderWorkload extends Workload {
    public DecoderWorkload() {
        super(
                "decoder",
                "BERT-style LM decoder with cross-attention, training step (forward + backward), sequences/s",
                CPU_AND_REFERENCE,
                """
                        layers        12     transformer layers
                        width         768    model width (heads = width / 64)
                        seq           100    tokens per sequence
                        batch         8      sequences per step
                        memory        49     visual memory tokens
                        memory-width  2048   visual memory width
                        vocab         30527  vocabulary size
                        iters         3      timed steps (median)
                        warmup        3      untimed steps first, of each pass (JIT compilation, allocator pool)
                        """);
    }

    @Override
    public BenchResult run(Device dev, BenchOptions o, PrintWriter log) {
        int layers = o.integer("layers", 1, 48), width = o.integer("width", 64, 4096), seq = o.integer("seq", 2, 512);
        int batch = o.integer("batch", 1, 1024), mem = o.integer("memory", 1, 4096);
        int memWidth = o.integer("memory-width", 1, 8192), vocab = o.integer("vocab", 2, 1 << 20);
        int iters = o.integer("iters", 1, 100), warmup = o.integer("warmup", 0, 100);
        if (width % 64 != 0)
            throw new BenchOptions.BadUsage("bench decoder: --width must be a multiple of 64, got " + width);
        BertConfig c = new BertConfig(
                vocab, width, layers, width / 64, 4 * width, Math.max(512, seq), 0, 0.1, 1e-12, 0, memWidth);
        BertLmDecoder dec = new BertLmDecoder(NnContext.of(dev, 1), c);
        Rng r = new Rng(2);
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + (r.nextLong() >>> 1) % (vocab - 1);
        Tensor in = Tensor.ofLongs(dev, ids, batch, seq);
        Tensor memory = Tensor.randn(dev, DType.FLOAT32, r, 1.0, batch, mem, memWidth);
        var t = ModelStepTimer.trainAndForward(
                dec,
                () -> dec.loss(in, null, memory, null, in, 0.1),
                () -> dec.forward(in, null, memory, null),
                warmup,
                iters);
        log.printf(
                "  decoder %d x %d, batch %d x %d tokens: train step %.3f s (%.2f seq/s), forward %.3f s (%.2f seq/s)%n",
                layers, width, batch, seq, t.train(), batch / t.train(), t.forward(), batch / t.forward());
        Map<String, Object> extra = t.logCpu(log);
        extra.put("layers", layers);
        extra.put("width", width);
        extra.put("seq", seq);
        extra.put("batch", batch);
        extra.put("parameters", dec.parameterCount());
        extra.put("tokens_per_s", batch * (double) seq / t.train());
        return t.result("decoder", dev, batch, extra);
    }
}
