package org.revtaf.learning.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.MappingReport;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Rng;
import org.revtaf.learning.nn.WeightImport;
import org.revtaf.learning.nn.WeightMapping;

/** Imports of synthetic state dicts with PyTorch names, written as safetensors here. */
class WeightImportTest {
    @TempDir
    Path dir;

    private final Rng rng = new Rng(42);

    private NdArray rand(long... shape) {
        return TorchStateDicts.rand(rng, shape);
    }

    @Test
    void torchvisionResNetImportsOneToOne() {
        ResNet src = new ResNet(NnContext.of(Device.CPU, 1), new ResNet.Config(18, 3, 2, 4, 3));
        Map<String, NdArray> sd = new LinkedHashMap<>();
        src.stateDict().forEach((k, v) -> {
            sd.put("module." + k, v);
            if (k.endsWith("running_var"))
                sd.put("module." + k.replace("running_var", "num_batches_tracked"), NdArray.ofLongs(new long[0], 7));
        });
        Path f = dir.resolve("resnet18.safetensors");
        Safetensors.write(f, sd);

        ResNet dst = new ResNet(NnContext.of(Device.CPU, 2), new ResNet.Config(18, 3, 2, 4, 3));
        MappingReport r = dst.importWeights(f, WeightMapping.torchvisionResNet("", true, 4))
                .requireClean();
        assertEquals(src.stateDict().size(), r.loaded().size());
        assertEquals(20, r.ignored().size(), "one num_batches_tracked per BatchNorm");
        assertTrue(r.ignored().get(0).reason().contains("num_batches_tracked"));
        src.stateDict().forEach((k, v) -> assertEquals(v, dst.stateDict().get(k), k));

        // a layer3 feature extractor under a prefix takes what it needs and says what it dropped
        FeatureModel feat = new FeatureModel(NnContext.of(Device.CPU, 3));
        MappingReport r3 = feat.importWeights(f, WeightMapping.torchvisionResNet("backbone.", false, 3))
                .requireClean();
        assertTrue(r3.ignored().stream().anyMatch(i -> i.source().equals("module.fc.weight")));
        assertTrue(r3.ignored().stream().anyMatch(i -> i.source().startsWith("module.layer4.")));
        assertEquals(
                src.stateDict().get("layer3.1.conv2.weight"), feat.stateDict().get("backbone.layer3.1.conv2.weight"));
    }

    /** A model with a ResNet at "backbone." up to layer3. */
    static final class FeatureModel extends org.revtaf.learning.nn.Module {
        FeatureModel(NnContext ctx) {
            child("backbone", new ResNet(ctx, new ResNet.Config(18, 3, 2, 3, 0)));
        }
    }

    @Test
    void huggingFaceBertImportsIntoTheEncoder() {
        BertConfig c = ModelsTest.tinyBert(2, 8);
        Map<String, NdArray> sd = TorchStateDicts.hfBert(rng, c, "", false, c.vocab());
        Path f = dir.resolve("bert.safetensors");
        Safetensors.write(f, sd);
        BertEncoder enc = new BertEncoder(NnContext.of(Device.CPU, 1), c, true, true);
        MappingReport r =
                enc.importWeights(f, WeightMapping.bert(false, true, "")).requireClean();
        assertEquals(enc.stateDict().size(), r.loaded().size());
        assertEquals(5, r.ignored().size(), r.toString()); // position_ids, seq_relationship x2, tied decoder w/b
        Map<String, NdArray> mine = enc.stateDict();
        assertEquals(
                sd.get("bert.encoder.layer.1.attention.self.key.weight"), mine.get("layers.1.self_attn.key.weight"));
        assertEquals(
                sd.get("bert.encoder.layer.0.attention.output.dense.bias"), mine.get("layers.0.self_attn.out.bias"));
        assertEquals(
                sd.get("bert.encoder.layer.0.attention.output.LayerNorm.weight"), mine.get("layers.0.norm1.weight"));
        assertEquals(sd.get("bert.encoder.layer.1.intermediate.dense.weight"), mine.get("layers.1.linear1.weight"));
        assertEquals(sd.get("bert.encoder.layer.1.output.LayerNorm.bias"), mine.get("layers.1.norm2.bias"));
        assertEquals(sd.get("bert.embeddings.LayerNorm.gamma"), mine.get("embeddings.norm.weight"));
        assertEquals(sd.get("bert.pooler.dense.weight"), mine.get("pooler.weight"));
        assertEquals(sd.get("cls.predictions.bias"), mine.get("lm_head.bias"));
    }

    @Test
    void blipDecoderImportResizesTheVocabularyAndDropsTokenTypes() {
        BertConfig c = ModelsTest.tinyBert(0, 6); // vocab 20
        Map<String, NdArray> sd = TorchStateDicts.hfBert(rng, c, "text_decoder.", true, 17);
        Path f = dir.resolve("blip.safetensors");
        Safetensors.write(f, sd);
        BertLmDecoder dec = new BertLmDecoder(NnContext.of(Device.CPU, 1), c);
        float[] before = dec.embeddings.wordEmbeddings.weight.toFloats();
        MappingReport r = dec.importWeights(f, WeightMapping.bert(true, true, "text_decoder."))
                .requireClean();
        assertEquals(2, r.resized().size(), r.toString());
        assertTrue(r.ignored().stream().anyMatch(i -> i.reason().contains("token-type")), r.toString());
        Map<String, NdArray> mine = dec.stateDict();
        assertEquals(
                sd.get("text_decoder.bert.encoder.layer.1.crossattention.self.value.weight"),
                mine.get("layers.1.multihead_attn.value.weight"));
        assertEquals(
                sd.get("text_decoder.bert.encoder.layer.0.crossattention.output.LayerNorm.bias"),
                mine.get("layers.0.norm2.bias"));
        assertEquals(
                sd.get("text_decoder.bert.encoder.layer.0.output.LayerNorm.weight"), mine.get("layers.0.norm3.weight"));
        float[] w = dec.embeddings.wordEmbeddings.weight.toFloats(),
                src =
                        sd.get("text_decoder.bert.embeddings.word_embeddings.weight")
                                .toFloats();
        for (int i = 0; i < 17 * 8; i++) assertEquals(src[i], w[i], 0f);
        for (int i = 17 * 8; i < 20 * 8; i++)
            assertEquals(before[i], w[i], 0f, "added tokens keep their initialisation");
    }

    @Test
    void reportListsMissingUnexpectedAndMismatchedTensors() {
        BertConfig c = ModelsTest.tinyBert(2, 8);
        Map<String, NdArray> sd = TorchStateDicts.hfBert(rng, c, "", false, c.vocab());
        sd.remove("bert.encoder.layer.1.output.dense.bias");
        sd.put("bert.encoder.layer.0.intermediate.dense.weight", rand(15, 8));
        sd.put("vision_proj.weight", rand(3, 3));
        Path f = dir.resolve("bad.safetensors");
        Safetensors.write(f, sd);
        BertEncoder enc = new BertEncoder(NnContext.of(Device.CPU, 1), c, true, true);
        MappingReport r = enc.importWeights(f, WeightMapping.bert(false, true, ""));
        assertFalse(r.clean());
        assertTrue(r.missing().contains("layers.1.linear2.bias"), r.toString());
        assertTrue(r.missing().contains("layers.0.linear1.weight"), r.toString());
        assertEquals(1, r.mismatched().size());
        assertArrayEquals(new long[] {15, 8}, r.mismatched().get(0).fileShape());
        assertArrayEquals(new long[] {16, 8}, r.mismatched().get(0).modelShape());
        assertTrue(r.unexpected().get(0).startsWith("vision_proj.weight"), r.toString());
        RevtafException e = assertThrows(RevtafException.class, r::requireClean);
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("layers.1.linear2.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("vision_proj.weight"), e.getMessage());
    }

    @Test
    void packedTorchAttentionIsSplitForMedklipAndDetr() {
        int d = 4;
        float[] packed = new float[3 * d * d];
        for (int i = 0; i < packed.length; i++) packed[i] = i;
        Map<String, NdArray> sd = new LinkedHashMap<>();
        sd.put("module.decoder.layers.0.self_attn.in_proj_weight", NdArray.ofFloats(new long[] {3 * d, d}, packed));
        sd.put("module.decoder.layers.0.multihead_attn.out_proj.bias", rand(d));
        sd.put("module.res_features.4.0.conv1.weight", rand(2, 2, 1, 1));
        sd.put("module.res_features.1.num_batches_tracked", NdArray.ofLongs(new long[0], 1));
        sd.put("module.classifier.weight", rand(2, d));
        Map<String, long[]> target = new LinkedHashMap<>();
        for (String p : new String[] {"query", "key", "value"})
            target.put("decoder.layers.0.self_attn." + p + ".weight", new long[] {d, d});
        target.put("decoder.layers.0.multihead_attn.out.bias", new long[] {d});
        target.put("backbone.layer1.0.conv1.weight", new long[] {2, 2, 1, 1});
        target.put("classifier.weight", new long[] {2, d});
        WeightImport.Result r = WeightImport.map(sd, target, WeightMapping.medklip(), "medklip");
        r.report().requireClean();
        assertEquals(
                16f, r.tensors().get("decoder.layers.0.self_attn.key.weight").toFloats()[0]);
        assertEquals(
                47f, r.tensors().get("decoder.layers.0.self_attn.value.weight").toFloats()[15]);

        Map<String, NdArray> detr = Map.of(
                "memory.encoder.layers.1.self_attn.in_proj_bias", rand(3 * d),
                "memory.decoder.norm.weight", rand(d));
        Map<String, long[]> dt = new LinkedHashMap<>();
        for (String p : new String[] {"query", "key", "value"})
            dt.put("mem.encoder.layers.1.self_attn." + p + ".bias", new long[] {d});
        dt.put("mem.decoder.norm.weight", new long[] {d});
        WeightImport.map(detr, dt, WeightMapping.detrTransformer("memory.", "mem."), "detr")
                .report()
                .requireClean();
    }

    @Test
    void halfPrecisionFilesConvertOnLoad() {
        ResNet src = new ResNet(NnContext.of(Device.CPU, 4), new ResNet.Config(18, 3, 2, 1, 0));
        Map<String, NdArray> sd = new LinkedHashMap<>();
        src.stateDict().forEach((k, v) -> sd.put(k, half(v)));
        Path f = dir.resolve("fp16.safetensors");
        Safetensors.write(f, sd);
        ResNet dst = new ResNet(NnContext.of(Device.CPU, 5), new ResNet.Config(18, 3, 2, 1, 0));
        dst.importWeights(f, WeightMapping.torchvisionResNet("", false, 1)).requireClean();
        float[] a = src.conv1.weight.toFloats(), b = dst.conv1.weight.toFloats();
        for (int i = 0; i < a.length; i++) assertEquals(Float.float16ToFloat(Float.floatToFloat16(a[i])), b[i], 0f);
    }

    private static NdArray half(NdArray a) {
        float[] v = a.toFloats();
        java.lang.foreign.MemorySegment s = java.lang.foreign.Arena.ofAuto().allocate(2L * v.length, 2);
        for (int i = 0; i < v.length; i++)
            s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(v[i]));
        return new NdArray(org.revtaf.engine.tensor.DType.FLOAT16, a.shape(), s);
    }
}
