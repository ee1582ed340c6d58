package org.revtaf.edges.pipeline.generate;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.cache.Precompute;
import org.revtaf.edges.pipeline.pretrain.FoundationCheckpoint;
import org.revtaf.edges.pipeline.train.CachedFeatures;
import org.revtaf.edges.pipeline.train.RevtafCheckpoint;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.model.foundation.Foundation;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnContext;

/**
 * What generation tests need, made in seconds without training: a small synthetic dataset, a
 * foundation checkpoint with seeded random weights, the feature cache {@code precompute} makes with
 * it, and REVTAF checkpoints with seeded random weights that name that cache, data and foundation
 * checkpoint exactly as {@code train} writes them. Random weights give distinct f_logit per image
 * and distinct LRE embeddings, so retrieval has no ties.
 */
public final class GenerateFixture {
    public final Path dir, data, configFile, foundation, cache;
    public final RunConfig config;
    public final Dataset dataset;

    private GenerateFixture(
            Path dir, Path data, Path configFile, Path foundation, Path cache, RunConfig config, Dataset dataset) {
        this.dir = dir;
        this.data = data;
        this.configFile = configFile;
        this.foundation = foundation;
        this.cache = cache;
        this.config = config;
        this.dataset = dataset;
    }

    public static Log quietLog() {
        return new Log(new PrintWriter(new StringWriter()), false);
    }

    /** Data of {@code studies} 32-pixel studies, a random foundation checkpoint and its cache in {@code dir}. */
    public static GenerateFixture create(Path dir, int studies, long seed) {
        Path data = StageFixtures.synth(dir.resolve("data"), studies, 32, seed);
        Path cfgFile = StageFixtures.microTrainConfig();
        RunConfig cfg = RunConfig.load(cfgFile, List.of());
        Dataset d = Datasets.open(data, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, s -> {});
        Path foundation = dir.resolve("foundation.safetensors");
        saveRandomFoundation(foundation, cfg, d, seed);
        Path cache = dir.resolve("cache");
        precompute(data, d, cfg, cfgFile, foundation, cache);
        return new GenerateFixture(dir, data, cfgFile, foundation, cache, cfg, d);
    }

    /** A foundation checkpoint of seeded random weights for {@code d}'s vocabulary. */
    public static void saveRandomFoundation(Path file, RunConfig cfg, Dataset d, long seed) {
        var tc = cfg.text().orElseThrow();
        var fc = cfg.foundation().orElseThrow();
        List<String> reports = d.split(Split.TRAIN).stream().map(Study::report).toList();
        Foundation f = Foundation.create(NnContext.of(Device.CPU, seed), fc, tc, Foundation.vocabulary(tc, reports));
        // the initialisation (N(0, 0.02) projections) gives nearly the same P(present) for every image;
        // larger image-side projections make the random model tell images apart
        Map<String, NdArray> w = scaled(f.stateDict(), List.of("image.res_l1.weight", "image.res_l2.weight"), 200);
        f.loadStateDict(scaled(w, List.of("image.classifier.weight"), 20), "random foundation");
        FoundationCheckpoint.save(file, f, cfg.toYaml(), Hashes.dataset(d), 0, Map.of());
    }

    /** {@code precompute} with a foundation checkpoint, or the oracle when {@code foundation} is null. */
    public static void precompute(Path data, Dataset d, RunConfig cfg, Path cfgFile, Path foundation, Path out) {
        Precompute.run(new Precompute.Request(data, d, cfg, cfgFile, foundation, null, out, Device.CPU), quietLog());
    }

    /**
     * A REVTAF checkpoint of seeded random weights trained (as far as its states say) on this
     * fixture's cache and data, with the model switches given.
     */
    public Path checkpoint(String name, boolean lre, boolean fvtaf, long seed) {
        return checkpoint(name, cache, lre, fvtaf, seed);
    }

    /** As {@link #checkpoint(String, boolean, boolean, long)} on another cache of this data. */
    public Path checkpoint(String name, Path cacheDir, boolean lre, boolean fvtaf, long seed) {
        RunConfig cfg = RunConfig.load(configFile, List.of("model.lre=" + lre, "model.fvtaf=" + fvtaf));
        Path file = dir.resolve(name + ".safetensors");
        try (CachedFeatures f = CachedFeatures.open(cacheDir, dataset, data, cfg, configFile)) {
            RevtafModel model = RevtafModel.build(
                    NnContext.of(Device.CPU, seed),
                    cfg.model().orElseThrow(),
                    f.tokenizer(),
                    f.manifest().textWidth(),
                    f.manifest().memoryDim());
            Map<String, String> states = new LinkedHashMap<>(RevtafCheckpoint.identity(f, model, data));
            // the classifier's N(0, 0.001) initialisation gives every study the same statuses (and so
            // the same prompt); larger weights let the random model's statuses differ per study
            Map<String, NdArray> w = scaled(model.stateDict(), List.of("classifier.head.weight"), 1000);
            new Checkpoint(0, w, Map.of(), Map.of(), states, cfg.toYaml()).save(file);
        }
        return file;
    }

    /** The weights with the named tensors multiplied by {@code factor}. */
    static Map<String, NdArray> scaled(Map<String, NdArray> weights, List<String> names, float factor) {
        Map<String, NdArray> w = new LinkedHashMap<>(weights);
        for (String k : names) {
            float[] v = w.get(k).toFloats();
            for (int i = 0; i < v.length; i++) v[i] *= factor;
            w.put(k, NdArray.ofFloats(w.get(k).shape(), v));
        }
        return w;
    }

    /** A copy of a checkpoint with some states replaced (a moved cache, a foreign data path...). */
    public static Path withStates(Path ckpt, Path out, Map<String, String> replace) {
        Checkpoint c = Checkpoint.load(ckpt);
        Map<String, String> s = new LinkedHashMap<>(c.state());
        s.putAll(replace);
        new Checkpoint(c.step(), c.model(), c.optimizer(), c.rng(), s, c.config()).save(out);
        return out;
    }
}
