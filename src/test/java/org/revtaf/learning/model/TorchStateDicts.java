package org.revtaf.learning.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.model.foundation.FoundationModel;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Rng;

/**
 * State dicts with the names and layouts of real PyTorch checkpoints (torchvision ResNet, Hugging
 * Face BERT / BLIP, MedKLIP) and random values, for import tests: what the README's conversion
 * script writes, at test sizes.
 */
public final class TorchStateDicts {
    private TorchStateDicts() {}

    /** Standard normal floats of {@code shape}. */
    public static NdArray rand(Rng rng, long... shape) {
        float[] v = new float[(int) NdArray.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return NdArray.ofFloats(shape, v);
    }

    /**
     * A torchvision ResNet state dict (our ResNet's names are torchvision's) of a freshly seeded
     * ResNet, with the {@code num_batches_tracked} counters torchvision saves.
     */
    public static Map<String, NdArray> torchvisionResNet(ResNet.Config c, long seed) {
        Map<String, NdArray> sd = new LinkedHashMap<>();
        new ResNet(NnContext.of(Device.CPU, seed), c).stateDict().forEach((k, v) -> {
            sd.put(k, v);
            if (k.endsWith("running_var"))
                sd.put(k.replace("running_var", "num_batches_tracked"), NdArray.ofLongs(new long[0], 7));
        });
        return sd;
    }

    /**
     * A MedKLIP checkpoint ({@code model_MedKLIP.py} saved from DataParallel) for a foundation image
     * side of config {@code c}: {@code module.res_features.{0,1,4,5,6}} for the ResNet's conv1, bn1,
     * layer1..3, packed {@code in_proj_weight/bias} per attention, everything else by its own name.
     * Values are a freshly seeded model's.
     */
    public static Map<String, NdArray> medklip(FoundationConfig c, int textWidth, long seed) {
        Map<String, NdArray> ours = new FoundationModel(NnContext.of(Device.CPU, seed), c, textWidth).stateDict();
        String[][] stage = {
            {"backbone.conv1.", "res_features.0."},
            {"backbone.bn1.", "res_features.1."},
            {"backbone.layer1.", "res_features.4."},
            {"backbone.layer2.", "res_features.5."},
            {"backbone.layer3.", "res_features.6."}
        };
        Map<String, NdArray> sd = new LinkedHashMap<>();
        ours.forEach((k, v) -> {
            String name = k;
            for (String[] s : stage) if (k.startsWith(s[0])) name = s[1] + k.substring(s[0].length());
            int q = name.indexOf(".query.");
            if (name.contains(".key.") || name.contains(".value.")) return; // packed with the query
            if (q >= 0) {
                String head = name.substring(0, q), kind = name.substring(q + ".query.".length());
                List<NdArray> parts =
                        List.of(v, ours.get(k.replace(".query.", ".key.")), ours.get(k.replace(".query.", ".value.")));
                sd.put("module." + head + ".in_proj_" + kind, concat0(parts));
                return;
            }
            name = name.replace("_attn.out.", "_attn.out_proj.");
            sd.put("module." + name, v);
            if (name.endsWith("running_var"))
                sd.put("module." + name.replace("running_var", "num_batches_tracked"), NdArray.ofLongs(new long[0], 3));
        });
        return sd;
    }

    private static NdArray concat0(List<NdArray> parts) {
        long[] shape = parts.get(0).shape();
        int n = 0;
        for (NdArray p : parts) n += (int) NdArray.numel(p.shape());
        float[] v = new float[n];
        int at = 0;
        for (NdArray p : parts) {
            float[] f = p.toFloats();
            System.arraycopy(f, 0, v, at, f.length);
            at += f.length;
        }
        shape[0] *= parts.size();
        return NdArray.ofFloats(shape, v);
    }

    /** A Hugging Face BERT state dict for {@code c}, names as in bert-base-uncased / BLIP. */
    public static Map<String, NdArray> hfBert(Rng rng, BertConfig c, String prefix, boolean cross, int vocab) {
        int d = c.hidden(), ff = c.intermediate();
        Map<String, NdArray> m = new LinkedHashMap<>();
        String e = prefix + "bert.embeddings.";
        m.put(e + "position_ids", NdArray.ofLongs(new long[] {1, c.maxPositions()}, new long[c.maxPositions()]));
        m.put(e + "word_embeddings.weight", rand(rng, vocab, d));
        m.put(e + "position_embeddings.weight", rand(rng, c.maxPositions(), d));
        m.put(e + "token_type_embeddings.weight", rand(rng, 2, d));
        m.put(e + "LayerNorm.gamma", rand(rng, d)); // old TF-converted naming
        m.put(e + "LayerNorm.beta", rand(rng, d));
        for (int i = 0; i < c.layers(); i++) {
            String l = prefix + "bert.encoder.layer." + i + ".";
            List<String> blocks = cross ? List.of("attention", "crossattention") : List.of("attention");
            for (String a : blocks) {
                int kv = a.equals("crossattention") ? c.encoderWidth() : d;
                for (String p : new String[] {"query", "key", "value"}) {
                    m.put(l + a + ".self." + p + ".weight", rand(rng, d, p.equals("query") ? d : kv));
                    m.put(l + a + ".self." + p + ".bias", rand(rng, d));
                }
                m.put(l + a + ".output.dense.weight", rand(rng, d, d));
                m.put(l + a + ".output.dense.bias", rand(rng, d));
                m.put(l + a + ".output.LayerNorm.weight", rand(rng, d));
                m.put(l + a + ".output.LayerNorm.bias", rand(rng, d));
            }
            m.put(l + "intermediate.dense.weight", rand(rng, ff, d));
            m.put(l + "intermediate.dense.bias", rand(rng, ff));
            m.put(l + "output.dense.weight", rand(rng, d, ff));
            m.put(l + "output.dense.bias", rand(rng, d));
            m.put(l + "output.LayerNorm.weight", rand(rng, d));
            m.put(l + "output.LayerNorm.bias", rand(rng, d));
        }
        if (!cross) {
            m.put(prefix + "bert.pooler.dense.weight", rand(rng, d, d));
            m.put(prefix + "bert.pooler.dense.bias", rand(rng, d));
            m.put(prefix + "cls.seq_relationship.weight", rand(rng, 2, d));
            m.put(prefix + "cls.seq_relationship.bias", rand(rng, 2));
        }
        m.put(prefix + "cls.predictions.transform.dense.weight", rand(rng, d, d));
        m.put(prefix + "cls.predictions.transform.dense.bias", rand(rng, d));
        m.put(prefix + "cls.predictions.transform.LayerNorm.weight", rand(rng, d));
        m.put(prefix + "cls.predictions.transform.LayerNorm.bias", rand(rng, d));
        m.put(prefix + "cls.predictions.bias", rand(rng, vocab));
        m.put(prefix + "cls.predictions.decoder.weight", m.get(e + "word_embeddings.weight"));
        m.put(prefix + "cls.predictions.decoder.bias", m.get(prefix + "cls.predictions.bias"));
        return m;
    }
}
