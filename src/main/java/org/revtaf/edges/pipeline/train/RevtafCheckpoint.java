package org.revtaf.edges.pipeline.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.RunCheckpoints;
import org.revtaf.edges.pipeline.cache.CacheManifest;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.nn.Checkpoint;

/**
 * The files {@code train} writes: {@code RUN/checkpoints/step-N.safetensors} and {@code
 * RUN/last.safetensors} (everything a resumed run needs: weights with base_probs, AdamW moments, the
 * dropout generator, the schedule position, the partial logging window, the best validation so far)
 * and {@code RUN/best.safetensors} (the weights of the best validation CE F1, no optimizer). Each is
 * a {@link Checkpoint} whose config is the run's resolved YAML and whose states ({@code state.KEY}
 * in the safetensors metadata) are:
 *
 * <pre>
 * kind                    "revtaf"
 * model.vocab, model.text_width, model.memory_dim     sizes that came with the cache
 * data.path                                           the training data folder (absolute)
 * cache.path, cache.manifest_hash                     the feature cache (absolute; its manifest.json's SHA-256)
 * cache.dataset_hash, cache.config_hash               from the manifest
 * foundation.path, foundation.hash                    the foundation checkpoint behind the cache ("truth")
 * embeddings_from                                     the manifest's text encoder
 * scheduler.epoch, scheduler.step_in_epoch            position of the next step (epoch > epochs: finished)
 * wall_s                                              training seconds so far
 * best.step, best.BLEU_1 .. best.CE_F1                the best validation so far (absent before one)
 * window.steps, window.total, window.lm, ...          the logging window's partial sums (last/step-N)
 * </pre>
 */
public final class RevtafCheckpoint {
    public static final String KIND_KEY = "kind", KIND = "revtaf";
    public static final String LAST = RunCheckpoints.LAST, BEST = "best.safetensors", DIR = RunCheckpoints.DIR;
    static final String WALL = "wall_s", BEST_STEP = "best.step", BEST_PREFIX = "best.";
    static final String RNG_DROPOUT = "dropout";

    private RevtafCheckpoint() {}

    /** The states that name the data, the cache and the model's data-given sizes. */
    public static Map<String, String> identity(CachedFeatures f, RevtafModel model, Path dataDir) {
        CacheManifest m = f.manifest();
        Map<String, String> s = new LinkedHashMap<>();
        s.put(KIND_KEY, KIND);
        s.put("model.vocab", Integer.toString(model.dims().vocab()));
        s.put("model.text_width", Integer.toString(model.dims().textWidth()));
        s.put("model.memory_dim", Integer.toString(model.dims().memoryDim()));
        s.put("data.path", dataDir.toAbsolutePath().normalize().toString());
        s.put("cache.path", f.dir().toAbsolutePath().normalize().toString());
        s.put("cache.manifest_hash", manifestHash(f.dir()));
        s.put("cache.dataset_hash", m.datasetHash());
        s.put("cache.config_hash", m.configHash());
        s.put("foundation.path", m.foundationPath());
        s.put("foundation.hash", m.foundationHash());
        s.put("embeddings_from", m.embeddingsFrom().toString());
        return s;
    }

    /** SHA-256 of the cache's manifest.json: what a checkpoint's {@code cache.manifest_hash} holds. */
    public static String manifestHash(Path cacheDir) {
        return Hashes.file(cacheDir.resolve(FeatureCache.MANIFEST));
    }

    /**
     * Reads a REVTAF checkpoint the user named: an error naming the file when it is damaged or not
     * one (another kind of checkpoint, or no checkpoint at all).
     */
    public static Checkpoint read(Path file) {
        if (!Files.isRegularFile(file)) throw new RevtafException(file + ": no such file (a REVTAF checkpoint)");
        return requireKind(Checkpoint.load(file), file);
    }

    /** {@code c} (read from {@code file}) when it is a REVTAF checkpoint; an error naming the file if not. */
    public static Checkpoint requireKind(Checkpoint c, Path file) {
        String kind = c.state().get(KIND_KEY);
        if (!KIND.equals(kind))
            throw new RevtafException(file + ": not a REVTAF checkpoint (kind "
                    + (kind == null ? "missing" : "'" + kind + "'") + "); give one that train wrote");
        for (String k : List.of("cache.path", "cache.manifest_hash", "foundation.path", "foundation.hash"))
            if (!c.state().containsKey(k)) throw new RevtafException(file + ": REVTAF checkpoint without '" + k + "'");
        return c;
    }

    /**
     * Checks that {@code ckpt} (read from {@code file}) was trained on the cache in {@code cacheDir}:
     * the same manifest, hence the same dataset, foundation checkpoint and config. A mismatch is an
     * error naming both caches and what differs.
     */
    public static void requireCache(Checkpoint ckpt, Path file, Path cacheDir) {
        Map<String, String> s = ckpt.state();
        String have = manifestHash(cacheDir);
        if (have.equals(s.get("cache.manifest_hash"))) return;
        CacheManifest m = FeatureCache.readManifest(cacheDir);
        List<String> why = new ArrayList<>();
        if (!m.datasetHash().equals(s.get("cache.dataset_hash"))) why.add("another dataset");
        if (!m.foundationHash().equals(s.get("foundation.hash")))
            why.add("another foundation checkpoint (" + m.foundationPath() + ", " + m.foundationHash()
                    + "; the checkpoint's: " + s.get("foundation.path") + ", " + s.get("foundation.hash") + ")");
        if (!m.configHash().equals(s.get("cache.config_hash"))) why.add("another config");
        if (why.isEmpty()) why.add("a recomputed manifest");
        throw new RevtafException(file + " was trained on the cache " + s.get("cache.path") + " (manifest "
                + s.get("cache.manifest_hash") + "), but " + cacheDir + " is another cache (manifest " + have
                + ": " + String.join(", ", why) + "); give the cache it was trained on");
    }

    /** Copies the checkpoint's weights into {@code model}: an error naming the file for another model's weights. */
    public static void loadWeights(Checkpoint c, Path file, RevtafModel model) {
        Map<String, NdArray> w = c.model();
        model.loadStateDict(w, file + " (a checkpoint of another model: model.lre/model.fvtaf or sizes differ)");
    }
}
