package org.revtaf.edges.pipeline.generate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.ConfigLoader;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.edges.config.PrecomputeConfig;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.cache.CacheManifest;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.edges.pipeline.pretrain.FoundationCheckpoint;
import org.revtaf.edges.pipeline.train.CachedFeatures;
import org.revtaf.edges.pipeline.train.RevtafCheckpoint;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.revtaf.RevtafConfig;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnContext;

/**
 * A REVTAF checkpoint opened for inference, with everything it was trained with checked before
 * use: the feature cache it names ({@code cache.path}, by its manifest's hash), the training data
 * ({@code data.path}, or {@code --data} when that is the training data: the dataset hash of the
 * cache's manifest), the config embedded in the checkpoint (the cache's config hash) and, when a
 * never-seen image needs it, the foundation checkpoint ({@code foundation.path}, by its file hash).
 * A missing file or a mismatch is an error naming the file and what differs.
 *
 * <p>The training split is the retrieval database: the LRE's Poincare embeddings of its f_logit
 * ({@link LreIndex}, cached next to the checkpoint), its reports' GRPs and memory features from
 * the cache, its reports' entity vectors for the memory of new images. The model is in eval mode.
 */
public final class Inference implements AutoCloseable {
    private final Path file;
    private final Checkpoint checkpoint;
    private final RunConfig config;
    private final DataConfig data;
    private final GenerateConfig generate;
    private final Path trainDir;
    private final Dataset trainData;
    private final boolean givenIsTraining;
    private final CachedFeatures features;
    private final WordPieceTokenizer tokenizer;
    private final RevtafModel model;
    private final Device device;
    private final Log log;
    private LreIndex lre;
    private FoundationCheckpoint.Loaded foundation;

    private Inference(
            Path file,
            Checkpoint checkpoint,
            RunConfig config,
            Path trainDir,
            Dataset trainData,
            boolean givenIsTraining,
            CachedFeatures features,
            RevtafModel model,
            Device device,
            Log log) {
        this.file = file;
        this.checkpoint = checkpoint;
        this.config = config;
        this.data = config.data().orElseThrow();
        this.generate = config.generate().orElseThrow();
        this.trainDir = trainDir;
        this.trainData = trainData;
        this.givenIsTraining = givenIsTraining;
        this.features = features;
        this.tokenizer = features.tokenizer();
        this.model = model;
        this.device = device;
        this.log = log;
    }

    /**
     * Opens {@code checkpoint} (a REVTAF checkpoint of {@code train}).
     *
     * @param data the {@code --data} folder of the command, or null: when it is the training data it
     *     is used as such (the checkpoint's {@code data.path} is then not needed)
     */
    public static Inference open(Path checkpoint, Path data, Device device, Log log) {
        Checkpoint c = RevtafCheckpoint.read(checkpoint);
        Map<String, String> s = c.state();
        Path embedded = Path.of(checkpoint + " (embedded config)");
        RunConfig cfg = ConfigLoader.parse(c.config(), embedded.toString(), RunConfig.class, null, List.of());
        RunConfig.require(cfg.data(), embedded, "generate", "data");
        RevtafConfig mc = RunConfig.require(cfg.model(), embedded, "generate", "model");
        RunConfig.require(cfg.generate(), embedded, "generate", "generate");

        Path cacheDir = Path.of(s.get("cache.path"));
        if (!Files.isRegularFile(cacheDir.resolve(FeatureCache.MANIFEST)))
            throw new RevtafException(checkpoint + " was trained on the feature cache " + cacheDir + ", which is gone ("
                    + cacheDir.resolve(FeatureCache.MANIFEST) + ": no such file); generation reads the training"
                    + " database from it: restore it or run precompute again with the same data, config and"
                    + " foundation checkpoint");
        RevtafCheckpoint.requireCache(c, checkpoint, cacheDir);
        CacheManifest manifest = FeatureCache.readManifest(cacheDir);

        BadSamplePolicy policy = cfg.data().orElseThrow().onBadSample();
        Path trainDir = null;
        Dataset train = null;
        boolean givenIsTraining = false;
        if (data != null) {
            Dataset d = Datasets.open(data, Datasets.Where.DEFAULT, policy, log::line);
            if (isDataOf(d, data, manifest)) {
                trainDir = data;
                train = d;
                givenIsTraining = true;
            }
        }
        if (train == null) {
            String p = s.get("data.path");
            if (p == null)
                throw new RevtafException(checkpoint + " does not name its training data (no 'data.path': written"
                        + " before checkpoints recorded it); give the training data as --data");
            trainDir = Path.of(p);
            if (!Files.isDirectory(trainDir))
                throw new RevtafException(checkpoint + " was trained on the data in " + trainDir + ", which is gone;"
                        + " its training reports are the retrieval database: restore it");
            train = Datasets.open(trainDir, Datasets.Where.DEFAULT, policy, log::line);
            if (!isDataOf(train, trainDir, manifest))
                throw new RevtafException(trainDir + " is no longer the data " + checkpoint + " was trained on (its"
                        + " dataset hash differs from " + manifest.datasetHash() + " of the cache " + cacheDir
                        + "): the training reports are the retrieval database; restore them");
        }
        CachedFeatures f = CachedFeatures.open(cacheDir, train, trainDir, cfg, embedded);
        try (Scope scope = Scope.suspend()) { // the weights live as long as the returned object
            NnContext ctx = NnContext.of(device, cfg.seed());
            RevtafModel model = RevtafModel.build(
                    ctx,
                    mc,
                    f.tokenizer(),
                    f.manifest().textWidth(),
                    f.manifest().memoryDim());
            RevtafCheckpoint.loadWeights(c, checkpoint, model);
            model.eval();
            return new Inference(checkpoint, c, cfg, trainDir, train, givenIsTraining, f, model, device, log);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Whether {@code d} (read from {@code dir}) is the dataset the cache was made from. */
    private static boolean isDataOf(Dataset d, Path dir, CacheManifest m) {
        for (Split s : Split.ALL)
            if (!d.split(s).stream().map(Study::id).toList().equals(m.splits().get(s))) return false;
        Path findings = dir.resolve("findings.json");
        if (m.foundationHash().equals(CacheManifest.TRUTH)) {
            if (!Files.isRegularFile(findings)) return false;
            return Hashes.dataset(d, findings).equals(m.datasetHash());
        }
        return Hashes.dataset(d).equals(m.datasetHash());
    }

    public Path file() {
        return file;
    }

    public RevtafModel model() {
        return model;
    }

    public RunConfig config() {
        return config;
    }

    public DataConfig data() {
        return data;
    }

    public GenerateConfig generate() {
        return generate;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public Device device() {
        return device;
    }

    public CachedFeatures features() {
        return features;
    }

    /** Whether the command's {@code --data} is the training data (its studies are in the cache). */
    public boolean givenIsTraining() {
        return givenIsTraining;
    }

    /** The training data (the retrieval database's reports) and its folder. */
    public Dataset trainingData() {
        return trainData;
    }

    public Path trainingDir() {
        return trainDir;
    }

    /** Training study {@code t} (an index into the training split). */
    public Study trainStudy(int t) {
        return trainData.split(Split.TRAIN).get(t);
    }

    /** Whether the cache is an oracle cache ({@code --foundation truth}): no foundation model exists. */
    public boolean oracle() {
        return features.manifest().foundationHash().equals(CacheManifest.TRUTH);
    }

    /** The LRE retrieval over the training split (built or read from its cache file on first use). */
    public LreIndex lre() {
        if (lre == null)
            try (Scope s = Scope.suspend()) { // lives as long as this object, whatever scope asks first
                lre = LreIndex.open(this, log);
            }
        return lre;
    }

    /**
     * The foundation checkpoint the cache was made with, loaded on first use (its model, and its
     * config: images go through its own data section, as precompute sends them): an error for an
     * oracle cache, a missing file or a file that is not the one the checkpoint names (hash).
     *
     * @param what what needs it, for the message ("--image")
     */
    public FoundationCheckpoint.Loaded foundation(String what) {
        if (foundation != null) return foundation;
        CacheManifest m = features.manifest();
        if (oracle())
            throw new RevtafException(what + " needs the foundation model, but " + file + " was trained on the oracle"
                    + " cache " + features.dir() + " (--foundation truth: the synthetic ground truth, no foundation"
                    + " model exists); use a checkpoint trained on a cache of 'precompute --foundation"
                    + " RUN/foundation.safetensors'");
        Path p = Path.of(m.foundationPath());
        if (!Files.isRegularFile(p))
            throw new RevtafException(what + " needs the foundation checkpoint " + p + " that " + file
                    + " was trained with (through the cache " + features.dir() + "), but it is gone: restore it");
        log.line("loading the foundation model " + p);
        PrecomputeConfig pc = config.precompute().orElse(null);
        FoundationCheckpoint.Loaded l;
        try (Scope s = Scope.suspend()) { // the weights live as long as this object
            l = FoundationCheckpoint.load(p, device, pc == null ? 64 : pc.batchSize());
        }
        if (!l.hash().equals(m.foundationHash()))
            throw new RevtafException(p + " is not the foundation checkpoint " + file + " was trained with: its hash"
                    + " is " + l.hash() + ", the cache " + features.dir() + " was made with "
                    + m.foundationHash() + "; restore that file (or precompute and train again with this one)");
        RunConfig.require(l.config().data(), Path.of(p + " (embedded config)"), "a foundation model", "data");
        foundation = l;
        return foundation;
    }

    /** The hashes the LRE retrieval index is keyed by: the checkpoint and the cache's manifest. */
    Map<String, String> indexKey() {
        CacheManifest m = features.manifest();
        Map<String, String> key = new TreeMap<>();
        key.put("checkpoint", Hashes.file(file));
        key.put("cache.manifest_hash", checkpoint.state().get("cache.manifest_hash"));
        key.put("cache.dataset_hash", m.datasetHash());
        key.put("cache.foundation_hash", m.foundationHash());
        key.put("cache.config_hash", m.configHash());
        return key;
    }

    /** LRE embeddings (N, dh) of f_logit rows (N, 75) (no gradient). */
    Tensor hyperbolic(Tensor fLogit) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            return model.hyperbolic(fLogit);
        }
    }

    /** The cache file of the LRE index, next to the checkpoint: {@code NAME.lre-index.safetensors}. */
    Path indexFile() {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return file.resolveSibling(stem + ".lre-index.safetensors");
    }

    @Override
    public void close() {
        features.close();
    }
}
