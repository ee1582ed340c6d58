package org.revtaf.learning.model.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.ResNet;
import org.revtaf.learning.nn.MappingReport;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;
import org.revtaf.learning.nn.Rng;
import org.revtaf.learning.nn.WeightImport;
import org.revtaf.learning.nn.WeightMapping;

class FoundationModelTest {
    static final int DT = 12;

    static FoundationConfig micro() {
        FoundationConfig d = FoundationConfig.defaults();
        return new FoundationConfig(
                d.textEncoder(),
                d.mlm(),
                new FoundationConfig.ImageEncoder(18, 2),
                new FoundationConfig.Decoder(8, 2, 2, 16, 0.0, true, false, true),
                d.train());
    }

    static Tensor rand(Device dev, DType t, long seed, int... shape) {
        return Tensor.randn(dev, t, new Rng(seed), 1.0, shape);
    }

    /** Forward, loss and backward of one batch; returns logits, scores, loss and gradients, flattened. */
    static Map<String, double[]> step(FoundationModel m, Device dev, DType t) {
        m.setBooks(rand(dev, t, 1, 75, DT), rand(dev, t, 2, 51, DT));
        Tensor images = Tensor.ofDoubles(
                dev, t, rand(Device.REFERENCE, DType.FLOAT64, 3, 2, 3, 32, 32).toDoubles(), 2, 3, 32, 32);
        Rng r = new Rng(4);
        TripletTargets[] tt = new TripletTargets[2];
        long[][] cand = new long[2][];
        for (int i = 0; i < 2; i++) {
            int[] ex = new int[75];
            long[] pos = new long[75];
            for (int e = 0; e < 75; e++) {
                ex[e] = r.nextInt(3) - 1;
                if (ex[e] == 1) pos[e] = 1L << r.nextInt(51);
            }
            tt[i] = new TripletTargets(ex, pos);
            cand[i] = tt[i].candidates(3, new SplitMix64(i));
        }
        FoundationModel.Output o = m.forward(images);
        FoundationLoss.Parts l = FoundationLoss.of(o, FoundationLoss.Targets.of(dev, tt, cand, 4), 0.7);
        l.total().backward();
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("logits", o.logits().toDoubles());
        out.put("scores", o.positionScores().toDoubles());
        out.put("loss", new double[] {l.total().item()});
        for (String p : List.of(
                "backbone.conv1.weight",
                "backbone.layer3.1.conv2.weight",
                "res_l1.weight",
                "res_l2.bias",
                "disease_embedding_layer.weight",
                "decoder.layers.0.self_attn.query.weight",
                "decoder.layers.1.multihead_attn.value.weight",
                "decoder.layers.1.linear2.weight",
                "decoder.norm.weight",
                "cl_fc.weight",
                "classifier.weight",
                "pooled_head.weight",
                "pooled_head.bias"))
            out.put("grad " + p, m.namedParameters().get(p).tensor().grad().toDoubles());
        return out;
    }

    @Test
    void resL1HasHeInitialisationAndTheOtherProjectionsMedklipsStd() {
        FoundationConfig c = micro();
        c = new FoundationConfig(
                c.textEncoder(), c.mlm(), new FoundationConfig.ImageEncoder(18, 16), c.decoder(), c.train());
        FoundationModel m = new FoundationModel(NnTesting.f64(7), c, DT); // layer3: 64 channels
        assertEquals(Math.sqrt(2.0 / 64), std(m.resL1.weight.toDoubles()), 0.05 * Math.sqrt(2.0 / 64));
        assertEquals(0.02, std(m.resL2.weight.toDoubles()), 0.002);
    }

    static double std(double[] v) {
        double s = 0, q = 0;
        for (double x : v) s += x;
        double mean = s / v.length;
        for (double x : v) q += (x - mean) * (x - mean);
        return Math.sqrt(q / v.length);
    }

    @Test
    void forwardAndBackwardOnTheCpuBackendMatchTheReferenceBackend() {
        FoundationModel ref = new FoundationModel(NnTesting.f64(5), micro(), DT);
        FoundationModel cpu = new FoundationModel(NnContext.of(Device.CPU, 6), micro(), DT);
        cpu.loadStateDict(ref.stateDict(), "reference weights");
        Map<String, double[]> a = step(ref, Device.REFERENCE, DType.FLOAT64);
        Map<String, double[]> b = step(cpu, Device.CPU, DType.FLOAT32);
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> NnTesting.assertClose(k, v, b.get(k), 2e-3));
    }

    @Test
    void thePooledHeadAddsItsLogitToEachEntitysExistenceMargin() {
        FoundationConfig with = micro(),
                without =
                        new FoundationConfig(
                                with.textEncoder(),
                                with.mlm(),
                                with.imageEncoder(),
                                new FoundationConfig.Decoder(8, 2, 2, 16, 0.0, true, false, false),
                                with.train());
        FoundationModel a = new FoundationModel(NnTesting.f64(9), with, DT);
        FoundationModel b = new FoundationModel(NnTesting.f64(9), without, DT);
        Map<String, NdArray> sd = new LinkedHashMap<>(a.stateDict());
        sd.keySet().removeIf(k -> k.startsWith("pooled_head."));
        b.loadStateDict(sd, "a's weights");
        for (FoundationModel m : List.of(a, b)) {
            m.eval();
            m.setBooks(
                    rand(Device.REFERENCE, DType.FLOAT64, 1, 75, DT), rand(Device.REFERENCE, DType.FLOAT64, 2, 51, DT));
        }
        Tensor images = rand(Device.REFERENCE, DType.FLOAT64, 3, 2, 3, 32, 32);
        double[] la = a.forward(images).logits().toDoubles(),
                lb = b.forward(images).logits().toDoubles();
        // the head's own logit: pooled_head(mean over the layer3 map)
        double[] f = a.backbone.features(images, 3).mean(2, 3).toDoubles(); // (2, C)
        double[] w = a.pooledHead.weight.toDoubles(), bias = a.pooledHead.bias.toDoubles();
        int c = f.length / 2;
        for (int i = 0; i < 2; i++)
            for (int e = 0; e < 75; e++) {
                double l = bias[e];
                for (int k = 0; k < c; k++) l += w[e * c + k] * f[i * c + k];
                int at = (i * 75 + e) * 2;
                assertEquals(lb[at] - l / 2, la[at], 1e-9, "absent logit");
                assertEquals(lb[at + 1] + l / 2, la[at + 1], 1e-9, "present logit");
            }
    }

    @Test
    void medklipCheckpointNamesAndShapesLoadWithACleanReport() {
        FoundationConfig paper = FoundationConfig.defaults(); // MedKLIP: ResNet-50 to layer3, d 256, 4 layers
        FoundationModel m = new FoundationModel(NnContext.of(Device.CPU, 7), paper, 768);
        Map<String, long[]> target = m.stateShapes();
        Map<String, NdArray> sd = new LinkedHashMap<>();
        // torchvision ResNet-50 names up to layer3 as MedKLIP's res_features = children()[:-3]
        String[] idx = {
            "conv1",
            "res_features.0",
            "bn1",
            "res_features.1",
            "layer1",
            "res_features.4",
            "layer2",
            "res_features.5",
            "layer3",
            "res_features.6"
        };
        ResNet.Config rc = new ResNet.Config(50, 3, 64, 3, 0);
        Map<String, long[]> tv = new ResNet(NnContext.of(Device.CPU, 8), rc).stateShapes();
        tv.forEach((k, s) -> {
            String name = k;
            for (int i = 0; i < idx.length; i += 2)
                if (k.startsWith(idx[i] + ".")) name = idx[i + 1] + k.substring(idx[i].length());
            sd.put("module." + name, zeros(s));
            if (k.endsWith("running_var"))
                sd.put("module." + name.replace("running_var", "num_batches_tracked"), NdArray.ofLongs(new long[0], 1));
        });
        put(sd, "res_l1.weight", 1024, 1024);
        put(sd, "res_l1.bias", 1024);
        put(sd, "res_l2.weight", 256, 1024);
        put(sd, "res_l2.bias", 256);
        put(sd, "disease_embedding_layer.weight", 256, 768);
        put(sd, "disease_embedding_layer.bias", 256);
        put(sd, "cl_fc.weight", 768, 256);
        put(sd, "cl_fc.bias", 768);
        put(sd, "classifier.weight", 2, 256);
        put(sd, "classifier.bias", 2);
        for (int l = 0; l < 4; l++) {
            String p = "decoder.layers." + l + ".";
            for (String a : List.of("self_attn", "multihead_attn")) {
                put(sd, p + a + ".in_proj_weight", 768, 256);
                put(sd, p + a + ".in_proj_bias", 768);
                put(sd, p + a + ".out_proj.weight", 256, 256);
                put(sd, p + a + ".out_proj.bias", 256);
            }
            put(sd, p + "linear1.weight", 1024, 256);
            put(sd, p + "linear1.bias", 1024);
            put(sd, p + "linear2.weight", 256, 1024);
            put(sd, p + "linear2.bias", 256);
            for (String n : List.of("norm1", "norm2", "norm3")) {
                put(sd, p + n + ".weight", 256);
                put(sd, p + n + ".bias", 256);
            }
        }
        put(sd, "decoder.norm.weight", 256);
        put(sd, "decoder.norm.bias", 256);
        MappingReport r = WeightImport.map(sd, target, WeightMapping.medklip(), "MedKLIP")
                .report()
                .requireClean();
        assertEquals(target.size(), r.loaded().size(), "every model tensor comes from the MedKLIP file");
        assertEquals(List.of(), r.missing());
        assertEquals(List.of(), r.mismatched());
        assertEquals(List.of(), r.unexpected());
    }

    static void put(Map<String, NdArray> sd, String name, long... shape) {
        sd.put("module." + name, zeros(shape));
    }

    static NdArray zeros(long[] shape) {
        return new NdArray(DType.FLOAT32, shape, Arena.ofAuto().allocate(4 * NdArray.numel(shape), 64));
    }
}
