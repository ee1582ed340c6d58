package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.edges.config.ConfigLoader;
import org.revtaf.learning.nn.NnTesting;

class RevtafConfigTest {
    /** The model section of a run config, as configs/*.yaml hold it. */
    record Root(RevtafConfig model) {
        static Root defaults() {
            return new Root(RevtafConfig.defaults());
        }
    }

    private static RevtafConfig parse(String yaml, String... overrides) {
        return ConfigLoader.parse(yaml, "run.yaml", Root.class, null, List.of(overrides))
                .model();
    }

    @Test
    void defaultsAreThePapersValues() {
        RevtafConfig d = RevtafConfig.defaults();
        assertTrue(d.lre() && d.fvtaf());
        assertEquals(new RevtafConfig.ImageEncoder(101, 64, 4), d.imageEncoder());
        assertEquals(new RevtafConfig.Memory(8, 2, 2, 2048, 0.1), d.memory());
        assertEquals(new RevtafConfig.Classifier(0.001, true), d.classifier());
        assertEquals(
                new RevtafConfig.Decoder(768, 12, 12, 3072, 512, 0.1, 0.1, java.util.Optional.empty()), d.decoder());
        assertEquals(new RevtafConfig.Hnn(512, 2, 0.01), d.hnn());
        assertEquals(new RevtafConfig.Fusion(1024, false, 0.1), d.fusion());
        assertEquals(new RevtafConfig.Ot(RevtafConfig.OtMode.REAL, 0.05, 100, 1e-6), d.ot());
        assertEquals(new RevtafConfig.Fcc(RevtafConfig.FccMode.SOFT, 0, 0.5), d.fcc());
        assertEquals(new RevtafConfig.LossWeights(1, 4, 2, 0.5), d.loss());
        assertEquals(d, parse(""));
    }

    @Test
    void snakeCaseKeysAndOverridesBind() {
        RevtafConfig c = parse(
                """
                model:
                  lre: false
                  image_encoder: {depth: 18, width: 8, last_stage: 3}
                  decoder: {hidden: 64, layers: 2, heads: 2, intermediate: 128, max_positions: 256}
                  fusion: {shared_attention: true}
                  loss: {rank: 1.5}
                """, "model.fvtaf=false", "model.ot.mode=released", "model.fcc.mode=hard", "model.fcc.resolution=224");
        assertFalse(c.lre());
        assertFalse(c.fvtaf());
        assertEquals(new RevtafConfig.ImageEncoder(18, 8, 3), c.imageEncoder());
        assertEquals(64, c.decoder().hidden());
        assertEquals(0.1, c.decoder().labelSmoothing(), "unset keys keep their defaults");
        assertTrue(c.fusion().sharedAttention());
        assertEquals(1024, c.fusion().width());
        assertEquals(RevtafConfig.OtMode.RELEASED, c.ot().mode());
        assertEquals(new RevtafConfig.Fcc(RevtafConfig.FccMode.HARD, 224, 0.5), c.fcc());
        assertEquals(new RevtafConfig.LossWeights(1, 4, 1.5, 0.5), c.loss());
    }

    @Test
    void badValuesNameTheKey() {
        for (Map.Entry<String, String> e : Map.of(
                        "model.ot.mode=exact", "ot.mode",
                        "model.image_encoder.depth=19", "image_encoder.depth",
                        "model.decoder.heads=5", "decoder.heads",
                        "model.hnn.curvature=0", "hnn.curvature",
                        "model.ot.eps=-1", "ot.eps",
                        "model.fcc.thresold=0.4", "fcc.thresold",
                        "model.loss.fcc=-0.5", "loss weights")
                .entrySet()) {
            RevtafException ex = assertThrows(RevtafException.class, () -> parse("", e.getKey()), e.getKey());
            assertTrue(ex.getMessage().contains(e.getValue()), e.getKey() + ": " + ex.getMessage());
        }
    }

    @Test
    void theTinyPresetTrainsAStep() {
        RevtafModel m = new RevtafModel(NnTesting.f32(1), RevtafConfig.tiny(), SyntheticBatch.dims(200, 32, 64));
        RevtafModel.Batch b = SyntheticBatch.random(m, new SyntheticBatch.Sizes(2, 64, 4, 10, 21), 2);
        RevtafModel.Losses l = m.forward(b).losses();
        l.requireFinite("tiny");
        l.total().backward();
        assertTrue(m.parameterCount() < 1_000_000, "tiny: " + m.parameterCount() + " parameters");
        assertEquals(64, m.imageEncoder.channels());
    }

    @Test
    void thePaperSizeModelConstructsWithThePapersShapes() {
        int vocab = 30527, dt = 768, md = 512;
        RevtafModel m = new RevtafModel(NnTesting.f32(1), RevtafConfig.defaults(), SyntheticBatch.dims(vocab, dt, md));
        Map<String, long[]> s = m.stateShapes();
        assertArrayEquals(new long[] {2048, 512, 1, 1}, s.get("image_encoder.resnet.layer4.2.conv3.weight"));
        assertTrue(s.containsKey("image_encoder.resnet.layer3.22.conv3.weight"), "ResNet-101: 23 blocks in layer3");
        assertArrayEquals(new long[] {512, 2048}, s.get("memory.query_proj.weight"));
        assertArrayEquals(new long[] {72, 2560}, s.get("classifier.head.weight"));
        assertArrayEquals(new long[] {512, 75}, s.get("lre.layers.0.weight"));
        assertArrayEquals(new long[] {512, 512}, s.get("lre.layers.1.weight"));
        assertArrayEquals(new long[] {1024, 2048}, s.get("fvtaf.vision_proj.weight"));
        assertArrayEquals(new long[] {1024, 768}, s.get("fvtaf.text_proj_local.weight"));
        assertArrayEquals(new long[] {vocab, 768}, s.get("decoder.embeddings.word_embeddings.weight"));
        assertArrayEquals(new long[] {768, 2048}, s.get("decoder.layers.11.multihead_attn.key.weight"));
        Map<String, Long> parts = new java.util.LinkedHashMap<>();
        m.children().forEach((k, v) -> parts.put(k, v.parameterCount()));
        long attn512 = 4L * (512 * 512 + 512), ffn512 = 2L * 512 * 2048 + 2048 + 512;
        long detr = 2 * (attn512 + ffn512 + 2 * 1024) + 2 * (2 * attn512 + ffn512 + 3 * 1024) + 1024;
        long attn768 = 4L * (768 * 768 + 768), cross = 2L * (768 * 768 + 768) + 2L * (2048 * 768 + 768);
        long layer = attn768 + cross + 2L * 768 * 3072 + 3072 + 768 + 3 * 1536;
        long decoder = (long) vocab * 768 + 512 * 768 + 1536 + 12 * layer + 768 * 768 + 768 + 1536 + vocab;
        long branch = 5L * (1024 * 1024 + 1024) + 2048;
        assertEquals(
                Map.of(
                        "image_encoder", 42_500_160L, // torchvision resnet101 without fc
                        "memory", 2048L * 512 + 512 + detr,
                        "classifier", 2560L * 72 + 72,
                        "lre", 75L * 512 + 512 + 512 * 512 + 512,
                        "fvtaf", 2048L * 1024 + 1024 + 2 * (768L * 1024 + 1024) + 2 * branch,
                        "decoder", decoder),
                parts);
    }
}
