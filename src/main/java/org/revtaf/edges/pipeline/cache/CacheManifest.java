package org.revtaf.edges.pipeline.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Split;

/**
 * {@code CACHE/manifest.json} (CONTRACTS.md): what a feature cache was made from and what it holds.
 *
 * @param datasetHash {@link org.revtaf.edges.pipeline.Hashes#dataset} of the data it was made from
 * @param foundationHash the foundation checkpoint's file hash, or {@code "truth"} for the oracle cache
 * @param foundationPath the checkpoint path as given, or {@code "truth"}
 * @param configHash hash of the config sections the features depend on
 * @param embeddingsFrom which text encoder embedded the texts
 * @param textWidth dt, the width of every text embedding
 * @param maxSentences S, sentences per training report in {@code grp}
 * @param memoryK retrieved training reports per image (21)
 * @param memoryDim width of {@code memory_feat} (512)
 * @param splits study ids per split, in annotation order (the row order of the tensors)
 * @param tensors every tensor's shape by name
 */
public record CacheManifest(
        String datasetHash,
        String foundationHash,
        String foundationPath,
        String configHash,
        EmbeddingsFrom embeddingsFrom,
        int textWidth,
        int maxSentences,
        int memoryK,
        int memoryDim,
        Map<Split, List<String>> splits,
        Map<String, long[]> tensors) {
    public static final String FORMAT = "revtaf-cache";
    public static final int VERSION = 2; // 2: LRPs and GRPs as indices into tables of distinct texts
    public static final String TRUTH = "truth";

    /**
     * The text encoder behind the embeddings: a pretrain run's checkpoint (path and hash), or the
     * seeded initialisation of the config's sizes ({@code "seeded-init"} in the file).
     */
    public record EmbeddingsFrom(String path, String hash) {
        public static final EmbeddingsFrom SEEDED_INIT = new EmbeddingsFrom(null, null);

        public boolean seededInit() {
            return path == null;
        }

        /** The same text encoder: both the seeded initialisation, or checkpoints with equal hashes (wherever they lie). */
        public boolean sameEncoder(EmbeddingsFrom o) {
            return o != null && seededInit() == o.seededInit() && Objects.equals(hash, o.hash);
        }

        @Override
        public String toString() {
            return seededInit() ? "seeded-init" : path + " (" + hash + ")";
        }
    }

    public CacheManifest {
        EnumMap<Split, List<String>> s = new EnumMap<>(Split.class);
        for (Split sp : Split.ALL) s.put(sp, List.copyOf(splits.getOrDefault(sp, List.of())));
        splits = java.util.Collections.unmodifiableMap(s);
        Map<String, long[]> t = new LinkedHashMap<>();
        tensors.forEach((k, v) -> t.put(k, v.clone()));
        tensors = java.util.Collections.unmodifiableMap(t);
    }

    /** Number of studies (all splits). */
    public int studies() {
        int n = 0;
        for (List<String> l : splits.values()) n += l.size();
        return n;
    }

    /** Number of training studies. */
    public int trainStudies() {
        return splits.get(Split.TRAIN).size();
    }

    /** Row of the first study of {@code split} in {@code studies.safetensors} (train, then val, then test). */
    public int offset(Split split) {
        int o = 0;
        for (Split s : Split.ALL) {
            if (s == split) return o;
            o += splits.get(s).size();
        }
        throw new IllegalArgumentException(String.valueOf(split));
    }

    /** Whether a cache with this manifest answers a request with these keys. */
    public boolean matches(String dataset, String foundation, String config, EmbeddingsFrom embeddings) {
        return datasetHash.equals(dataset)
                && foundationHash.equals(foundation)
                && configHash.equals(config)
                && embeddingsFrom.sameEncoder(embeddings);
    }

    /** The manifest as pretty JSON. */
    public String toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode r = om.createObjectNode();
        r.put("format", FORMAT);
        r.put("version", VERSION);
        r.put("dataset_hash", datasetHash);
        r.put("foundation_hash", foundationHash);
        r.put("foundation_path", foundationPath);
        r.put("config_hash", configHash);
        if (embeddingsFrom.seededInit()) r.put("embeddings_from", "seeded-init");
        else {
            ObjectNode e = r.putObject("embeddings_from");
            e.put("path", embeddingsFrom.path());
            e.put("hash", embeddingsFrom.hash());
        }
        r.put("text_width", textWidth);
        r.put("max_sentences", maxSentences);
        r.put("memory_k", memoryK);
        r.put("memory_dim", memoryDim);
        ObjectNode sp = r.putObject("splits");
        for (Split s : Split.ALL) {
            ArrayNode a = sp.putArray(s.key());
            splits.get(s).forEach(a::add);
        }
        ObjectNode ts = r.putObject("tensors");
        tensors.forEach((k, v) -> {
            ArrayNode a = ts.putArray(k);
            for (long d : v) a.add(d);
        });
        return r.toPrettyString() + "\n";
    }

    /** Reads a manifest; every problem is an error naming {@code file} and the key. */
    public static CacheManifest parse(String json, Path file) {
        JsonNode r;
        try {
            r = new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new RevtafException(file + ": not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (r == null || !r.isObject()) throw new RevtafException(file + ": not a cache manifest (no JSON object)");
        if (!FORMAT.equals(r.path("format").asText()))
            throw new RevtafException(file + ": not a revtaf feature cache (format is '"
                    + r.path("format").asText() + "', expected '" + FORMAT + "')");
        if (r.path("version").asInt(-1) != VERSION)
            throw new RevtafException(file + ": cache version " + r.path("version") + " is not supported (this build"
                    + " reads version " + VERSION + "); run precompute again");
        JsonNode e = r.path("embeddings_from");
        EmbeddingsFrom emb;
        if (e.isTextual() && e.asText().equals("seeded-init")) emb = EmbeddingsFrom.SEEDED_INIT;
        else if (e.isObject()) emb = new EmbeddingsFrom(text(e, "path", file), text(e, "hash", file));
        else throw new RevtafException(file + ": 'embeddings_from' must be \"seeded-init\" or {path, hash}");
        Map<Split, List<String>> splits = new EnumMap<>(Split.class);
        JsonNode sp = field(r, "splits", file);
        for (Split s : Split.ALL) {
            JsonNode a = sp.path(s.key());
            if (!a.isArray()) throw new RevtafException(file + ": 'splits." + s.key() + "' must be a list of ids");
            List<String> ids = new ArrayList<>();
            a.forEach(x -> ids.add(x.asText()));
            splits.put(s, ids);
        }
        Map<String, long[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> t : field(r, "tensors", file).properties()) {
            if (!t.getValue().isArray())
                throw new RevtafException(file + ": 'tensors." + t.getKey() + "' must be a shape list");
            long[] shape = new long[t.getValue().size()];
            for (int i = 0; i < shape.length; i++)
                shape[i] = t.getValue().get(i).asLong();
            tensors.put(t.getKey(), shape);
        }
        return new CacheManifest(
                text(r, "dataset_hash", file),
                text(r, "foundation_hash", file),
                text(r, "foundation_path", file),
                text(r, "config_hash", file),
                emb,
                integer(r, "text_width", file),
                integer(r, "max_sentences", file),
                integer(r, "memory_k", file),
                integer(r, "memory_dim", file),
                splits,
                tensors);
    }

    private static JsonNode field(JsonNode r, String key, Path file) {
        JsonNode n = r.get(key);
        if (n == null || n.isNull()) throw new RevtafException(file + ": missing key '" + key + "'");
        return n;
    }

    private static String text(JsonNode r, String key, Path file) {
        JsonNode n = field(r, key, file);
        if (!n.isTextual()) throw new RevtafException(file + ": '" + key + "' must be a string");
        return n.asText();
    }

    private static int integer(JsonNode r, String key, Path file) {
        JsonNode n = field(r, key, file);
        if (!n.canConvertToInt()) throw new RevtafException(file + ": '" + key + "' must be an integer");
        return n.asInt();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CacheManifest m)) return false;
        if (!m.tensors.keySet().equals(tensors.keySet())) return false;
        for (String k : tensors.keySet()) if (!Arrays.equals(tensors.get(k), m.tensors.get(k))) return false;
        return datasetHash.equals(m.datasetHash)
                && foundationHash.equals(m.foundationHash)
                && foundationPath.equals(m.foundationPath)
                && configHash.equals(m.configHash)
                && embeddingsFrom.equals(m.embeddingsFrom)
                && textWidth == m.textWidth
                && maxSentences == m.maxSentences
                && memoryK == m.memoryK
                && memoryDim == m.memoryDim
                && splits.equals(m.splits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(datasetHash, foundationHash, configHash, textWidth, splits);
    }
}
