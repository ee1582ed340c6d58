package org.revtaf.learning.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;
import org.revtaf.learning.nn.Rng;

class ModelsTest {
    @TempDir
    Path dir;

    static BertConfig tinyBert(int typeVocab, int encoderWidth) {
        return new BertConfig(20, 8, 2, 2, 16, 12, typeVocab, 0.1, 1e-12, 0, encoderWidth);
    }

    static Tensor ids(long... v) {
        return Tensor.ofLongs(Device.CPU, v, 1, v.length);
    }

    @Test
    void resnetHasTorchvisionNamesShapesAndParameterCount() {
        ResNet r18 = new ResNet(NnContext.of(Device.CPU, 1), new ResNet.Config(18, 3, 64, 4, 1000));
        assertEquals(11_689_512L, r18.parameterCount(), "torchvision resnet18 has 11,689,512 parameters");
        Map<String, long[]> s = r18.stateShapes();
        assertArrayEquals(new long[] {64, 3, 7, 7}, s.get("conv1.weight"));
        assertArrayEquals(new long[] {128, 64, 1, 1}, s.get("layer2.0.downsample.0.weight"));
        assertArrayEquals(new long[] {128}, s.get("layer2.0.downsample.1.running_var"));
        assertArrayEquals(new long[] {1000, 512}, s.get("fc.weight"));
        assertFalse(s.containsKey("layer1.0.downsample.0.weight"), "no projection where shapes already match");

        ResNet r50 = new ResNet(NnContext.of(Device.CPU, 1), new ResNet.Config(50, 1, 4, 3, 0));
        Map<String, long[]> s50 = r50.stateShapes();
        assertArrayEquals(new long[] {4, 1, 7, 7}, s50.get("conv1.weight"));
        assertArrayEquals(new long[] {16, 4, 1, 1}, s50.get("layer1.0.conv3.weight"));
        assertArrayEquals(new long[] {8, 8, 3, 3}, s50.get("layer2.0.conv2.weight"), "stride on the 3x3");
        assertTrue(s50.containsKey("layer3.5.bn3.weight"));
        assertFalse(s50.keySet().stream().anyMatch(k -> k.startsWith("layer4") || k.startsWith("fc")));
    }

    @Test
    void resnetFeaturesFromAnyStage() {
        ResNet r = new ResNet(NnContext.of(Device.CPU, 2), new ResNet.Config(18, 3, 4, 4, 5));
        r.eval();
        Tensor x = Tensor.randn(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, new Rng(1), 1, 2, 3, 32, 32);
        try (var g = GradMode.noGrad()) {
            assertArrayEquals(new int[] {2, 4, 8, 8}, r.features(x, 1).shape());
            assertArrayEquals(new int[] {2, 16, 2, 2}, r.features(x, 3).shape());
            assertArrayEquals(new int[] {2, 32, 1, 1}, r.features(x, 4).shape());
            assertArrayEquals(new int[] {2, 5}, r.forward(x).shape());
        }
        ResNet r101 = new ResNet(NnContext.of(Device.CPU, 2), new ResNet.Config(101, 3, 2, 3, 0));
        assertEquals(
                23,
                r101.namedParameters().keySet().stream()
                        .filter(k -> k.matches("layer3\\.\\d+\\.conv1\\.weight"))
                        .count());
        RevtafException e = assertThrows(RevtafException.class, () -> r101.features(x, 4));
        assertTrue(e.getMessage().contains("stage 4"), e.getMessage());
        assertThrows(RevtafException.class, () -> new ResNet.Config(19, 3, 64, 4, 0));
    }

    @Test
    void tinyResNetSavedAndReloadedBitForBit() {
        NnContext ctx = NnContext.of(Device.CPU, 3);
        ResNet a = new ResNet(ctx, new ResNet.Config(50, 3, 2, 4, 3));
        Tensor x = Tensor.randn(Device.CPU, ctx.dtype(), new Rng(5), 1, 2, 3, 32, 32);
        a.forward(x); // training-mode pass: updates the running statistics
        a.eval();
        Path f = dir.resolve("resnet.safetensors");
        a.saveWeights(f);
        ResNet b = new ResNet(NnContext.of(Device.CPU, 99), new ResNet.Config(50, 3, 2, 4, 3));
        b.eval();
        assertNotEquals(a.conv1.weight.toDoubles()[0], b.conv1.weight.toDoubles()[0]);
        b.loadWeights(f);
        Map<String, NdArray> sa = a.stateDict(), sb = b.stateDict();
        assertEquals(sa.keySet(), sb.keySet());
        sa.forEach((k, v) -> assertEquals(v, sb.get(k), k));
        try (var g = GradMode.noGrad()) {
            assertArrayEquals(a.forward(x).toFloats(), b.forward(x).toFloats(), 0f);
        }
    }

    @Test
    void tinyBertSavedAndReloadedBitForBit() {
        BertEncoder a = new BertEncoder(NnContext.of(Device.CPU, 4), tinyBert(2, 8), true, true);
        a.eval();
        Path f = dir.resolve("bert.safetensors");
        a.saveWeights(f);
        BertEncoder b = new BertEncoder(NnContext.of(Device.CPU, 5), tinyBert(2, 8), true, true);
        b.eval();
        b.loadWeights(f);
        a.stateDict().forEach((k, v) -> assertEquals(v, b.stateDict().get(k), k));
        Tensor in = ids(2, 5, 7, 0), keep = Tensor.of(Device.CPU, new float[] {1, 1, 1, 0}, 1, 4);
        assertArrayEquals(
                a.forward(in, keep, null).toFloats(), b.forward(in, keep, null).toFloats(), 0f);
        // a file for another model is refused with the problems named
        BertEncoder other = new BertEncoder(NnContext.of(Device.CPU, 5), tinyBert(2, 8), false, true);
        RevtafException e = assertThrows(RevtafException.class, () -> other.loadWeights(f));
        assertTrue(e.getMessage().contains("unexpected pooler.weight"), e.getMessage());
    }

    @Test
    void bertEncoderPaddingDoesNotLeakAndPoolerIsTanh() {
        BertEncoder m = new BertEncoder(NnContext.of(Device.CPU, 6), tinyBert(2, 8), true, false);
        m.eval();
        Tensor keep = Tensor.of(Device.CPU, new float[] {1, 1, 1, 0}, 1, 4);
        float[] h1 = m.forward(ids(2, 5, 7, 3), keep, null).toFloats();
        float[] h2 = m.forward(ids(2, 5, 7, 9), keep, null).toFloats();
        for (int i = 0; i < 3 * 8; i++) assertEquals(h1[i], h2[i], 1e-6f, "padding token must not change real tokens");
        Tensor pooled = m.pooled(m.forward(ids(2, 5, 7, 3), keep, null));
        assertArrayEquals(new int[] {1, 8}, pooled.shape());
        for (float v : pooled.toFloats()) assertTrue(Math.abs(v) < 1);
        assertArrayEquals(
                new int[] {1, 4, 20},
                new BertEncoder(NnContext.of(Device.CPU, 6), tinyBert(2, 8), false, true)
                        .mlmLogits(m.forward(ids(2, 5, 7, 3), keep, null))
                        .shape());
    }

    @Test
    void decoderHasNoTokenTypesTiesItsHeadAndDecodesIncrementally() {
        BertLmDecoder d = new BertLmDecoder(NnContext.of(Device.CPU, 7), tinyBert(0, 6));
        assertTrue(d.namedParameters().keySet().stream().noneMatch(k -> k.contains("token_type")));
        assertTrue(
                d.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("lm_head") && k.contains("decoder")),
                "the output projection is the word-embedding table, not a parameter of its own");
        assertThrows(RevtafException.class, () -> new BertLmDecoder(NnContext.of(Device.CPU, 7), tinyBert(2, 6)));
        d.eval();
        Tensor mem = Tensor.randn(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, new Rng(3), 1, 1, 4, 6);
        Tensor in = ids(1, 4, 9, 2, 11);
        float[] full = d.forward(in, null, mem, null).toFloats();
        BertLmDecoder.State st = d.newState();
        float[] first =
                d.step(in.slice(1, 0, 2).contiguous(), null, mem, null, st).toFloats();
        for (int i = 0; i < first.length; i++) assertEquals(full[i], first[i], 1e-5f);
        for (int t = 2; t < 5; t++) {
            float[] s = d.step(in.slice(1, t, t + 1).contiguous(), null, mem, null, st)
                    .toFloats();
            for (int i = 0; i < 20; i++) assertEquals(full[t * 20 + i], s[i], 1e-5f, "position " + t);
        }
        assertEquals(5, st.length());
    }

    @Test
    void decoderLossShiftsIgnoresAndTrainsTiedEmbeddings() {
        BertLmDecoder d = new BertLmDecoder(NnContext.of(Device.CPU, 8), tinyBert(0, 6));
        d.eval();
        Tensor mem = Tensor.randn(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, new Rng(3), 1, 1, 4, 6);
        Tensor in = ids(1, 4, 9, 2);
        Tensor targets = ids(-100, -100, 9, 2);
        Tensor loss = d.loss(in, null, mem, null, targets, 0.0);
        // by hand: CE of logits at positions 1 and 2 against tokens 9 and 2
        float[] lg = d.forward(in, null, mem, null).toFloats();
        double expect = (ce(lg, 1, 9) + ce(lg, 2, 2)) / 2;
        assertEquals(expect, loss.item(), 1e-5);
        loss.backward();
        assertNotNull(d.embeddings.wordEmbeddings.weight.grad(), "the tied head trains the word embeddings");
        double[] g = d.embeddings.wordEmbeddings.weight.grad().toDoubles();
        double row17 = 0;
        for (int k = 0; k < 8; k++) row17 += Math.abs(g[17 * 8 + k]);
        assertTrue(row17 > 0, "an unused token still gets gradient through the output projection");
    }

    private static double ce(float[] logits, int pos, int target) {
        double mx = Double.NEGATIVE_INFINITY, z = 0;
        for (int i = 0; i < 20; i++) mx = Math.max(mx, logits[pos * 20 + i]);
        for (int i = 0; i < 20; i++) z += Math.exp(logits[pos * 20 + i] - mx);
        return -(logits[pos * 20 + target] - mx - Math.log(z));
    }

    @Test
    void sameSeedBuildsIdenticalModels() {
        var a = new BertLmDecoder(NnContext.of(Device.CPU, 11), tinyBert(0, 6)).stateDict();
        var b = new BertLmDecoder(NnContext.of(Device.CPU, 11), tinyBert(0, 6)).stateDict();
        a.forEach((k, v) -> assertEquals(v, b.get(k), k));
        NnTesting.assertClose("bias zero", new double[20], b.get("lm_head.bias").toDoubles(), 0);
    }

    @Test
    void cpuFloat32ModelsMatchTheFloat64ReferenceBackend() {
        NnContext ref = NnTesting.f64(21);
        BertLmDecoder dr = new BertLmDecoder(ref, tinyBert(0, 6));
        BertLmDecoder dc = new BertLmDecoder(NnContext.of(Device.CPU, 22), tinyBert(0, 6));
        dc.loadStateDict(dr.stateDict(), "reference weights");
        dr.eval();
        dc.eval();
        double[] mem = Tensor.randn(Device.REFERENCE, org.revtaf.engine.tensor.DType.FLOAT64, new Rng(1), 1, 2, 3, 6)
                .toDoubles();
        long[] tok = {1, 4, 9, 2, 5, 3, 7, 8};
        Tensor keep = Tensor.of(Device.CPU, new float[] {1, 1, 1, 1, 1, 1, 1, 0}, 2, 4);
        double[] r = dr.forward(
                        Tensor.ofLongs(Device.REFERENCE, tok, 2, 4),
                        Tensor.ofDoubles(Device.REFERENCE, new double[] {1, 1, 1, 1, 1, 1, 1, 0}, 2, 4),
                        Tensor.ofDoubles(Device.REFERENCE, mem, 2, 3, 6),
                        null)
                .toDoubles();
        double[] c = dc.forward(
                        Tensor.ofLongs(Device.CPU, tok, 2, 4),
                        keep,
                        Tensor.ofDoubles(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, mem, 2, 3, 6),
                        null)
                .toDoubles();
        NnTesting.assertClose("decoder cpu vs reference", r, c, 1e-4);

        ResNet rr = new ResNet(NnTesting.f64(23), new ResNet.Config(50, 3, 2, 4, 4));
        ResNet rc = new ResNet(NnContext.of(Device.CPU, 24), new ResNet.Config(50, 3, 2, 4, 4));
        rc.loadStateDict(rr.stateDict(), "reference weights");
        double[] img = Tensor.randn(
                        Device.REFERENCE, org.revtaf.engine.tensor.DType.FLOAT64, new Rng(2), 1, 2, 3, 33, 31)
                .toDoubles();
        double[] yr = rr.forward(Tensor.ofDoubles(Device.REFERENCE, img, 2, 3, 33, 31))
                .toDoubles();
        double[] yc = rc.forward(
                        Tensor.ofDoubles(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, img, 2, 3, 33, 31))
                .toDoubles();
        NnTesting.assertClose("resnet-50 (training mode) cpu vs reference", yr, yc, 1e-3);
    }
}
