package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;
import org.revtaf.learning.optim.AdamW;
import org.revtaf.learning.optim.GradClip;

class RevtafModelTest {
    @TempDir
    Path dir;

    @Test
    void switchesSelectTheModulesAndTheDecoderMemory() {
        NnContext ctx = NnTesting.f32(1);
        RevtafModel base = RevtafTesting.model(ctx, RevtafTesting.micro(false, false));
        assertNull(base.lre);
        assertNull(base.fvtaf);
        assertTrue(
                base.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("lre") || k.startsWith("fvtaf")));
        // the baseline decoder cross-attends the raw image tokens (width C = 8 for ResNet-18/4 at stage 2)
        assertEquals(8, base.imageEncoder.channels());
        assertEquals(8, base.decoder.config().encoderWidth());
        RevtafModel full = RevtafTesting.model(ctx, RevtafTesting.micro(true, true));
        assertEquals(16, full.decoder.config().encoderWidth(), "concat of the two fused streams: 2d");
        Map<String, long[]> s = full.stateShapes();
        assertArrayEquals(new long[] {72, 8 + 8}, s.get("classifier.head.weight"), "C + memory width -> 4 x 18");
        assertArrayEquals(new long[] {8, 75}, s.get("lre.layers.0.weight"));
        assertArrayEquals(new long[] {8, 8}, s.get("lre.layers.1.weight"));
        assertArrayEquals(new long[] {8, 6}, s.get("fvtaf.text_proj_global.weight"));
        assertTrue(s.containsKey("fvtaf.global.phi_q.weight") && s.containsKey("fvtaf.local.phi_q.weight"));
        assertTrue(s.containsKey("classifier.base_probs"));
        assertTrue(s.containsKey("image_encoder.resnet.layer2.1.conv2.weight"));
        assertTrue(s.containsKey("memory.transformer.decoder.norm.weight"));
        RevtafConfig sharedCfg = RevtafTesting.micro(true, true);
        sharedCfg = new RevtafConfig(
                true,
                true,
                sharedCfg.imageEncoder(),
                sharedCfg.memory(),
                sharedCfg.classifier(),
                sharedCfg.decoder(),
                sharedCfg.hnn(),
                new RevtafConfig.Fusion(8, true, 0.1),
                sharedCfg.ot(),
                sharedCfg.fcc(),
                sharedCfg.loss());
        RevtafModel shared = RevtafTesting.model(ctx, sharedCfg);
        assertTrue(shared.stateShapes().containsKey("fvtaf.shared.phi_q.weight"));
        assertFalse(shared.stateShapes().containsKey("fvtaf.local.phi_q.weight"));
        assertTrue(shared.parameterCount() < full.parameterCount());
    }

    @Test
    void everySwitchCombinationTrainsAStepWithFiniteLosses() {
        for (boolean lre : new boolean[] {false, true})
            for (boolean fvtaf : new boolean[] {false, true}) {
                NnContext ctx = NnTesting.f32(2);
                RevtafModel m = RevtafTesting.model(ctx, RevtafTesting.micro(lre, fvtaf));
                RevtafModel.Batch b = SyntheticBatch.random(m, RevtafTesting.sizes(3), 3);
                RevtafModel.Output out = m.forward(b);
                RevtafModel.Losses l = out.losses();
                l.requireFinite("test");
                Map<String, Double> v = l.values();
                assertEquals(List.of("total", "lm", "cls", "rank", "fcc"), List.copyOf(v.keySet()));
                assertEquals(lre, v.get("rank") != 0, "rank loss only with the LRE");
                assertEquals(fvtaf, v.get("fcc") != 0, "FCC loss only with FVTAF");
                assertEquals(
                        v.get("lm") + 4 * v.get("cls") + 2 * v.get("rank") + 0.5 * v.get("fcc"), v.get("total"), 1e-4);
                assertEquals(fvtaf, out.mapsGlobal() != null);
                if (fvtaf) {
                    assertArrayEquals(new int[] {3, 3, 16}, out.mapsGlobal().shape());
                    assertArrayEquals(new int[] {3, 75, 16}, out.mapsLocal().shape());
                }
                l.total().backward();
                assertNotNull(m.classifier.head.weight.grad());
                assertNotNull(m.imageEncoder.resnet.conv1.weight.grad());
                if (lre) assertNotNull(m.lre.layers.get(0).weight.grad());
                if (fvtaf) assertNotNull(m.fvtaf.local.phiQ.weight.grad());
            }
    }

    @Test
    void cpuMatchesTheReferenceForTheWholeModel() {
        NnContext ref = NnTesting.f64(4), cpu = NnTesting.f32(4);
        RevtafConfig cfg = RevtafTesting.micro(true, true);
        RevtafModel a = RevtafTesting.model(ref, cfg), c = RevtafTesting.model(cpu, cfg);
        a.eval(); // dropout off, batch norm on its running statistics: deterministic on both
        c.eval();
        RevtafModel.Batch batch = SyntheticBatch.random(a, RevtafTesting.sizes(3), 5);
        RevtafModel.Losses la = a.forward(batch).losses(),
                lc = c.forward(RevtafTesting.on(cpu, batch)).losses();
        Map<String, Double> va = la.values(), vc = lc.values();
        for (String k : va.keySet()) assertEquals(va.get(k), vc.get(k), 2e-4 * (1 + Math.abs(va.get(k))), k);
        la.total().backward();
        lc.total().backward();
        for (String p : List.of(
                "classifier.head.weight",
                "decoder.embeddings.word_embeddings.weight",
                "fvtaf.global.phi_q.weight",
                "fvtaf.local.f_proj.weight",
                "lre.layers.0.weight",
                "memory.query_proj.weight",
                "image_encoder.resnet.layer2.0.conv1.weight")) {
            double[] ga = a.namedParameters().get(p).tensor().grad().toDoubles();
            double[] gc = c.namedParameters().get(p).tensor().grad().toDoubles();
            double scale = 0;
            for (double g : ga) scale = Math.max(scale, Math.abs(g));
            for (int i = 0; i < ga.length; i++) assertEquals(ga[i], gc[i], 2e-3 * scale + 1e-7, p + "[" + i + "]");
        }
    }

    @Test
    void conditionGivesTheDecoderMemoryAndThePromptOfTheArgmaxStatuses() {
        NnContext ctx = NnTesting.f32(6);
        RevtafModel m = RevtafTesting.model(ctx, RevtafTesting.micro(true, true));
        m.eval();
        RevtafModel.Batch b = SyntheticBatch.random(m, RevtafTesting.sizes(2), 7);
        try (var g = GradMode.noGrad()) {
            RevtafModel.Conditioning c = m.condition(b.inputs());
            assertArrayEquals(new int[] {2, 16, 16}, c.memory().shape());
            assertArrayEquals(new int[] {2, 4, 18}, c.statusLogits().shape());
            assertArrayEquals(
                    StatusClassifier.predict(c.statusLogits()).toLongs(),
                    c.statuses().toLongs());
            assertArrayEquals(
                    m.prompt().ids(c.statuses()).toLongs(), c.promptIds().toLongs());
            assertEquals(4, c.gridH());
            // the prompt starts a decoder pass over this memory
            Tensor logits = m.decoder.forward(c.promptIds(), null, c.memory(), null);
            assertArrayEquals(new int[] {2, 19, RevtafTesting.VOCAB}, logits.shape());
            assertArrayEquals(
                    new int[] {2, 8}, m.hyperbolic(b.inputs().fLogit()).shape());
        }
        RevtafModel base = RevtafTesting.model(ctx, RevtafTesting.micro(false, false));
        RevtafException e = assertThrows(
                RevtafException.class, () -> base.hyperbolic(b.inputs().fLogit()));
        assertTrue(e.getMessage().contains("model.lre"), e.getMessage());
        // the baseline needs neither f_logit nor the prompts
        RevtafModel.Inputs bare = new RevtafModel.Inputs(
                b.inputs().images(), null, null, null, null, b.inputs().memory());
        base.eval();
        assertArrayEquals(new int[] {2, 16, 8}, base.condition(bare).memory().shape());
        e = assertThrows(RevtafException.class, () -> m.condition(bare));
        assertTrue(e.getMessage().contains("'grp' is missing"), e.getMessage());
    }

    @Test
    void badInputsAndNonFiniteLossesAreNamed() {
        NnContext ctx = NnTesting.f32(8);
        RevtafModel m = RevtafTesting.model(ctx, RevtafTesting.micro(true, true));
        RevtafModel.Batch b = SyntheticBatch.random(m, RevtafTesting.sizes(2), 9);
        RevtafModel.Inputs in = b.inputs();
        RevtafModel.Batch wrongLrp = new RevtafModel.Batch(
                new RevtafModel.Inputs(in.images(), in.fLogit(), in.grp(), in.grp(), in.grpMask(), in.memory()),
                b.labels(),
                b.ids(),
                b.keep());
        RevtafException e = assertThrows(RevtafException.class, () -> m.forward(wrongLrp));
        assertTrue(e.getMessage().contains("lrp [2, 3, 6] should be [2, 75, 6]"), e.getMessage());
        RevtafModel.Batch wrongLabels =
                new RevtafModel.Batch(in, Tensor.ofLongs(ctx.device(), new long[2 * 14], 2, 14), b.ids(), b.keep());
        e = assertThrows(RevtafException.class, () -> m.forward(wrongLabels));
        assertTrue(e.getMessage().contains("labels [2, 14]"), e.getMessage());
        Tensor nan = Tensor.scalar(ctx.device(), ctx.dtype(), Double.NaN),
                one = Tensor.scalar(ctx.device(), ctx.dtype(), 1);
        e = assertThrows(
                RevtafException.class, () -> new RevtafModel.Losses(nan, nan, one, one, one).requireFinite("step 7"));
        assertTrue(e.getMessage().contains("step 7") && e.getMessage().contains("lm NaN"), e.getMessage());
    }

    @Test
    void weightsRoundTripAndAnotherModelsWeightsAreRefused() {
        NnContext ctx = NnTesting.f32(10);
        RevtafModel a = RevtafTesting.model(ctx, RevtafTesting.micro(true, true));
        a.classifier.setBaseProbs(StatusClassifier.baseProbsFromLabels(
                new long[] {1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        Path f = dir.resolve("model.safetensors");
        a.saveWeights(f);
        RevtafModel b = RevtafTesting.model(NnTesting.f32(11), RevtafTesting.micro(true, true));
        b.loadWeights(f);
        assertArrayEquals(
                a.classifier.baseProbs(), b.classifier.baseProbs(), 0.0, "base_probs travel with the weights");
        a.eval();
        b.eval();
        RevtafModel.Batch batch = SyntheticBatch.random(a, RevtafTesting.sizes(2), 12);
        assertEquals(
                a.forward(batch).losses().total().item(),
                b.forward(batch).losses().total().item(),
                0.0);
        RevtafModel base = RevtafTesting.model(ctx, RevtafTesting.micro(false, false));
        RevtafException e = assertThrows(RevtafException.class, () -> base.loadWeights(f));
        assertTrue(
                e.getMessage().contains("weights do not fit the model")
                        && e.getMessage().contains("unexpected fvtaf."),
                e.getMessage());
    }

    @Test
    void aTinyTrainingLoopLowersEveryLoss() {
        NnContext ctx = NnTesting.f32(13);
        RevtafModel m = RevtafTesting.model(ctx, RevtafTesting.micro(true, true));
        RevtafModel.Batch batch = SyntheticBatch.random(m, RevtafTesting.sizes(4), 14);
        AdamW opt = AdamW.paper(m.trainableParameters(), 5e-3);
        m.train(true);
        Map<String, Double> first = null, last = null;
        for (int step = 0; step < 40; step++) {
            m.zeroGrad();
            RevtafModel.Losses l = m.forward(batch).losses();
            l.requireFinite("step " + step);
            l.total().backward();
            GradClip.byValue(m.parameters(), 0.1);
            opt.step();
            last = l.values();
            if (first == null) first = last;
        }
        for (String k : List.of("total", "lm", "cls"))
            assertTrue(last.get(k) < 0.6 * first.get(k), k + ": " + first.get(k) + " -> " + last.get(k));
        assertTrue(last.get("rank") < first.get("rank"), "rank: " + first.get("rank") + " -> " + last.get("rank"));
        assertTrue(last.get("fcc") < first.get("fcc"), "fcc: " + first.get("fcc") + " -> " + last.get("fcc"));
    }
}
