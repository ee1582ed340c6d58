package org.revtaf.learning.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertConfig;
import org.revtaf.learning.model.BertLmDecoder;
import org.revtaf.learning.model.generate.BeamSearch.Options;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Rng;

/** Beam search over a tiny real decoder with its KV cache, against full (uncached) forwards. */
class DecoderStepperTest {
    static final int VOCAB = 5, EOS = 1, WIDTH = 6, SLOTS = 4;

    /** A tiny decoder whose word embeddings are scaled up so next-token distributions are peaked. */
    static BertLmDecoder decoder(long seed) {
        BertLmDecoder d = new BertLmDecoder(
                NnContext.of(Device.CPU, seed), new BertConfig(VOCAB, 8, 2, 2, 16, 16, 0, 0.1, 1e-12, 0, WIDTH));
        Random r = new Random(seed);
        double[] w = d.embeddings.wordEmbeddings.weight.toDoubles();
        for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian();
        d.embeddings.wordEmbeddings.weight.setDoubles(w);
        d.eval();
        return d;
    }

    static Tensor memory(long seed, int studies) {
        return Tensor.randn(Device.CPU, DType.FLOAT32, new Rng(seed), 1.0, studies, SLOTS, WIDTH);
    }

    /** The model as a pure function of the sequence: a full forward without cache. */
    static Function<long[], float[]> uncached(BertLmDecoder d, Tensor memory, Tensor memoryKeep, int study) {
        Tensor mem = memory.slice(0, study, study + 1).contiguous();
        Tensor keep = memoryKeep == null
                ? null
                : memoryKeep.slice(0, study, study + 1).contiguous();
        return seq -> {
            Tensor logits = d.forward(Tensor.ofLongs(Device.CPU, seq, 1, seq.length), null, mem, keep);
            return F.logSoftmax(logits.slice(1, seq.length - 1, seq.length).contiguous(), 2)
                    .toFloats();
        };
    }

    @Test
    void wideBeamOverTheCachedDecoderFindsTheExhaustiveOptimum() {
        BertLmDecoder d = decoder(11);
        Tensor mem = memory(12, 2);
        long[][] prompts = {{2, 3}, {4, 2}};
        Options o = new Options(VOCAB * 16, 3, 3, EOS, 1.0); // 5 * 4^2 candidates: nothing pruned
        List<Hypothesis> got =
                BeamSearch.run(new DecoderStepper(d, mem, null), prompts, o).best();
        for (int s = 0; s < 2; s++)
            BeamSearchTest.assertSame(
                    BeamSearchTest.exhaustive(uncached(d, mem, null, s), prompts[s], VOCAB, o),
                    got.get(s),
                    1e-4,
                    "study " + s);
    }

    @Test
    void greedyOverTheCacheIsTheArgmaxOfFullForwards() {
        BertLmDecoder d = decoder(21);
        Tensor mem = memory(22, 3);
        long[][] prompts = {{2, 3, 4}, {4, 4, 2}, {3, 0, 2}};
        Options o = Options.greedy(10, 5, EOS);
        List<Hypothesis> got =
                BeamSearch.run(new DecoderStepper(d, mem, null), prompts, o).best();
        for (int s = 0; s < 3; s++)
            BeamSearchTest.assertSame(
                    BeamSearchTest.greedy(uncached(d, mem, null, s), prompts[s], o), got.get(s), 1e-4, "study " + s);
    }

    @Test
    void batchedEqualsOneByOneWithAMemoryMaskInsideAScope() {
        BertLmDecoder d = decoder(31);
        int n = 4;
        Tensor mem = memory(32, n);
        float[] keepRows = new float[n * SLOTS];
        for (int s = 0; s < n; s++) for (int j = 0; j < SLOTS - s % 3; j++) keepRows[s * SLOTS + j] = 1;
        Tensor keep = Tensor.of(Device.CPU, keepRows, n, SLOTS);
        long[][] prompts = {{2, 3}, {4, 2}, {3, 3}, {0, 4}};
        Options o = new Options(3, 9, 4, EOS, 1.0);
        List<Hypothesis> all;
        try (Scope s = Scope.open()) {
            all = BeamSearch.run(new DecoderStepper(d, mem, keep), prompts, o).best();
        }
        for (int s = 0; s < n; s++) {
            Tensor m1 = mem.slice(0, s, s + 1).contiguous(),
                    k1 = keep.slice(0, s, s + 1).contiguous();
            Hypothesis one = BeamSearch.run(new DecoderStepper(d, m1, k1), new long[][] {prompts[s]}, o)
                    .best()
                    .getFirst();
            BeamSearchTest.assertSame(one, all.get(s), 1e-5, "study " + s);
        }
        // the mask matters: without it study 1 (one padded slot) decodes from other memory
        Hypothesis unmasked = BeamSearch.run(
                        new DecoderStepper(d, mem.slice(0, 1, 2).contiguous(), null), new long[][] {prompts[1]}, o)
                .best()
                .getFirst();
        assertTrue(Math.abs(unmasked.score() - all.get(1).score()) > 1e-6);
    }

    @Test
    void mismatchedInputsAreClearErrors() {
        BertLmDecoder d = decoder(41);
        Tensor mem = memory(42, 2);
        assertTrue(assertThrows(
                        RevtafException.class,
                        () -> BeamSearch.run(
                                new DecoderStepper(d, mem, null), new long[][] {{2}}, Options.greedy(3, 0, EOS)))
                .getMessage()
                .contains("1 prompts for a memory of 2 studies"));
        assertThrows(
                RevtafException.class,
                () -> new DecoderStepper(d, Tensor.zeros(Device.CPU, DType.FLOAT32, 2, SLOTS, WIDTH + 1), null));
        assertTrue(assertThrows(
                        RevtafException.class,
                        () -> BeamSearch.run(
                                new DecoderStepper(d, mem, null),
                                new long[][] {{2, 3}, {3, 2}},
                                new Options(2, 20, 30, EOS, 1.0)))
                .getMessage()
                .contains("exceeds the 16"));
        BertLmDecoder training = decoder(43);
        training.train(true);
        assertThrows(IllegalStateException.class, () -> new DecoderStepper(training, mem, null));
        assertEquals(VOCAB, new DecoderStepper(d, mem, null).vocab());
        assertArrayEquals(new int[] {2, SLOTS, WIDTH}, mem.shape());
    }
}
