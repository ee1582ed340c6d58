package org.revtaf.edges.pipeline.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.AtomicDirectory;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.edges.io.TextFiles;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.NdArray;

/**
 * The feature cache {@code CACHE/} that {@code precompute} writes and {@code train}/{@code generate}
 * read (CONTRACTS.md): {@code manifest.json} ({@link CacheManifest}), {@code vocab.txt}, and three
 * safetensors files.
 *
 * <pre>
 * studies.safetensors        all studies, train then val then test, each split in annotation order
 *   f_logit     f32 [N, 75]        P(present) per entity
 *   lrp_row     i64 [N, 75]        the LRP of each entity: a row of triplet_emb seen as [75 * 51 * 2, dt],
 *                                  (entity * 51 + position) * 2 + exist
 *   labels      i64 [N, 18]        status 0 blank, 1 pos, 2 neg, 3 unc (annotation.json)
 *   memory_idx  i64 [N, K]         indices into the train split, self excluded for train
 * train_reports.safetensors  the train split, annotation order
 *   grp_idx     i64 [Ntr, S]       the GRPs: rows of sentence_emb, -1 past the report's last sentence
 *   sentence_emb f32 [U, dt]       embedding of each distinct sentence of the training reports
 *   memory_feat f32 [Ntr, 512]     memory feature of each report
 *   hamming_nn  i64 [Ntr]          first argmin of the 72-bit status Hamming distance, self excluded
 * triplet_table.safetensors
 *   triplet_emb f32 [75, 51, 2, dt] embedding of "entity position not exist" ([..., 0, :]) and
 *                                   "entity position exist" ([..., 1, :]); see {@link #tripletText}
 * </pre>
 *
 * The LRPs and GRPs are stored as indices into tables of distinct texts, not as one embedding per
 * study: at MIMIC-CXR scale (270k studies, dt 768) the dense lrp [N, 75, dt] and grp [Ntr, S, dt]
 * would take 62 and 10 GB; the indices take 160 and 26 MB, and the tables hold only distinct texts.
 *
 * A cache is written whole into a temporary sibling folder and renamed into place, so a reader never
 * sees half of one. Opening checks every file, dtype and shape against the manifest.
 */
public final class FeatureCache implements AutoCloseable {
    public static final String MANIFEST = "manifest.json", VOCAB = "vocab.txt";
    public static final String STUDIES = "studies.safetensors",
            TRAIN_REPORTS = "train_reports.safetensors",
            TRIPLET_TABLE = "triplet_table.safetensors";
    public static final int ENTITIES = 75, POSITIONS = 51, LABELS = 18;

    /** One tensor of the format: its file, dtype and shape ({@link #ANY} where the data decides a size). */
    public record Spec(String file, DType dtype, long[] shape) {
        /** A dimension the format leaves free (the number of distinct sentences). */
        public static final long ANY = -1;

        /** Whether {@code dims} has this spec's rank and sizes, any size where the spec says {@link #ANY}. */
        public boolean fits(long[] dims) {
            if (dims.length != shape.length) return false;
            for (int i = 0; i < dims.length; i++) if (shape[i] != ANY && shape[i] != dims[i]) return false;
            return true;
        }
    }

    /** Every tensor of a cache with these sizes, by name, in file order. */
    public static Map<String, Spec> schema(int studies, int train, int dt, int sentences, int k, int memoryDim) {
        Map<String, Spec> m = new LinkedHashMap<>();
        m.put("f_logit", new Spec(STUDIES, DType.FLOAT32, new long[] {studies, ENTITIES}));
        m.put("lrp_row", new Spec(STUDIES, DType.INT64, new long[] {studies, ENTITIES}));
        m.put("labels", new Spec(STUDIES, DType.INT64, new long[] {studies, LABELS}));
        m.put("memory_idx", new Spec(STUDIES, DType.INT64, new long[] {studies, k}));
        m.put("grp_idx", new Spec(TRAIN_REPORTS, DType.INT64, new long[] {train, sentences}));
        m.put("sentence_emb", new Spec(TRAIN_REPORTS, DType.FLOAT32, new long[] {Spec.ANY, dt}));
        m.put("memory_feat", new Spec(TRAIN_REPORTS, DType.FLOAT32, new long[] {train, memoryDim}));
        m.put("hamming_nn", new Spec(TRAIN_REPORTS, DType.INT64, new long[] {train}));
        m.put("triplet_emb", new Spec(TRIPLET_TABLE, DType.FLOAT32, new long[] {ENTITIES, POSITIONS, 2, dt}));
        return m;
    }

    /** The schema of a manifest's sizes. */
    public static Map<String, Spec> schema(CacheManifest m) {
        return schema(m.studies(), m.trainStudies(), m.textWidth(), m.maxSentences(), m.memoryK(), m.memoryDim());
    }

    /**
     * The triplet text embedded at {@code triplet_emb[entity, position, exist ? 1 : 0]}: entity and
     * position names with spaces, then "exist" or "not exist" (METHOD.md section 1.2), e.g.
     * "effusion left pleural exist".
     */
    public static String tripletText(int entity, int position, boolean exist) {
        return (TripletExtractor.ENTITIES.get(entity) + " " + TripletExtractor.POSITIONS.get(position))
                        .replace('_', ' ')
                + (exist ? " exist" : " not exist");
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * Writes a complete cache to {@code dir}, replacing an existing cache there only once the new one
     * is complete. {@code tensors} must hold every tensor of the schema with its dtype and shape;
     * the manifest's {@code tensors} entry is filled from them. A non-empty {@code dir} that is not a
     * cache is refused (nothing there is touched).
     */
    public static CacheManifest write(
            Path dir, CacheManifest manifest, String vocabText, Map<String, NdArray> tensors) {
        checkTarget(dir);
        Map<String, Spec> schema = schema(manifest);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, Map<String, NdArray>> files = new LinkedHashMap<>();
        for (Map.Entry<String, Spec> e : schema.entrySet()) {
            NdArray a = tensors.get(e.getKey());
            Spec s = e.getValue();
            if (a == null) throw new IllegalArgumentException("cache: tensor '" + e.getKey() + "' missing");
            if (a.dtype() != s.dtype() || !s.fits(a.shape()))
                throw new IllegalArgumentException("cache: tensor '" + e.getKey() + "' is " + a.dtype() + " "
                        + Arrays.toString(a.shape()) + ", the format needs " + s.dtype() + " "
                        + Arrays.toString(s.shape()));
            shapes.put(e.getKey(), a.shape());
            files.computeIfAbsent(s.file(), f -> new LinkedHashMap<>()).put(e.getKey(), a);
        }
        if (tensors.size() != schema.size())
            throw new IllegalArgumentException("cache: unexpected tensors " + tensors.keySet());
        CacheManifest m = new CacheManifest(
                manifest.datasetHash(),
                manifest.foundationHash(),
                manifest.foundationPath(),
                manifest.configHash(),
                manifest.embeddingsFrom(),
                manifest.textWidth(),
                manifest.maxSentences(),
                manifest.memoryK(),
                manifest.memoryDim(),
                manifest.splits(),
                shapes);
        AtomicDirectory.write(dir, true, tmp -> {
            for (Map.Entry<String, Map<String, NdArray>> f : files.entrySet())
                Safetensors.write(tmp.resolve(f.getKey()), f.getValue(), Map.of("revtaf.format", CacheManifest.FORMAT));
            AtomicFile.writeString(tmp.resolve(VOCAB), vocabText);
            AtomicFile.writeString(tmp.resolve(MANIFEST), m.toJson()); // last: a manifest means a complete cache
        });
        return m;
    }

    /** An absent or empty folder, or an existing cache, may be (re)written; anything else is an error. */
    static void checkTarget(Path dir) {
        if (!Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new RevtafException(dir + ": exists and is not a folder");
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) return;
        } catch (IOException e) {
            throw new RevtafException(dir + ": cannot list the folder: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(dir.resolve(MANIFEST)))
            throw new RevtafException(dir + ": folder is not empty and is not a feature cache (no " + MANIFEST
                    + "); choose another --out");
        readManifest(dir);
    }

    // ---- reading ------------------------------------------------------------------------------

    /** The manifest of the cache in {@code dir}; errors name the file. */
    public static CacheManifest readManifest(Path dir) {
        Path f = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(f)) throw new RevtafException(f + ": no such file (not a feature cache)");
        return CacheManifest.parse(TextFiles.readUtf8(f, "cache manifest"), f);
    }

    private final Path dir;
    private final CacheManifest manifest;
    private final Map<String, Safetensors> files = new LinkedHashMap<>();
    private final Map<String, Spec> schema;

    private FeatureCache(Path dir, CacheManifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
        this.schema = schema(manifest);
    }

    /**
     * Opens the cache in {@code dir}: the manifest and every tensor (memory-mapped) are checked against
     * the format; a missing, truncated or inconsistent file is an error naming it.
     */
    public static FeatureCache open(Path dir) {
        CacheManifest m = readManifest(dir);
        FeatureCache c = new FeatureCache(dir, m);
        try {
            for (Map.Entry<String, Spec> e : c.schema.entrySet()) {
                Spec s = e.getValue();
                Path f = dir.resolve(s.file());
                Safetensors st = c.files.get(s.file());
                if (st == null) {
                    st = Safetensors.open(f);
                    c.files.put(s.file(), st);
                }
                if (!st.contains(e.getKey()))
                    throw new RevtafException(f + ": no tensor '" + e.getKey() + "' (cache incomplete)");
                long[] shape = st.shape(e.getKey());
                if (st.dtype(e.getKey()) != s.dtype() || !s.fits(shape))
                    throw new RevtafException(f + ": tensor '" + e.getKey() + "' is " + st.dtype(e.getKey()) + " "
                            + Arrays.toString(shape) + ", " + dir.resolve(MANIFEST) + " needs " + s.dtype() + " "
                            + Arrays.toString(s.shape())
                            + (Arrays.stream(s.shape()).anyMatch(x -> x == Spec.ANY) ? " (-1: any size)" : "")
                            + " (a manifest of another cache?)");
                long[] listed = m.tensors().get(e.getKey());
                if (listed == null || !Arrays.equals(listed, shape))
                    throw new RevtafException(dir.resolve(MANIFEST) + ": 'tensors." + e.getKey() + "' is "
                            + (listed == null ? "missing" : Arrays.toString(listed)) + ", the file's is "
                            + Arrays.toString(shape));
            }
            if (!Files.isRegularFile(dir.resolve(VOCAB)))
                throw new RevtafException(dir.resolve(VOCAB) + ": no such file (cache incomplete)");
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Opens the cache and checks that it was made from the dataset {@code datasetHash} (named
     * {@code dataName} in the error); a cache of another dataset is an error naming the manifest.
     */
    public static FeatureCache open(Path dir, String datasetHash, String dataName) {
        FeatureCache c = open(dir);
        if (!c.manifest.datasetHash().equals(datasetHash)) {
            c.close();
            throw new RevtafException(dir.resolve(MANIFEST) + ": the cache was made from another dataset ("
                    + c.manifest.datasetHash() + ") than " + dataName + " (" + datasetHash + "); run precompute"
                    + " on it");
        }
        return c;
    }

    public Path dir() {
        return dir;
    }

    public CacheManifest manifest() {
        return manifest;
    }

    /** A tensor by name (memory-mapped, valid until {@link #close}). */
    public NdArray get(String name) {
        Spec s = schema.get(name);
        if (s == null) throw new IllegalArgumentException("no cache tensor '" + name + "' (" + schema.keySet() + ")");
        return files.get(s.file()).get(name);
    }

    /** The WordPiece vocabulary of the cache (the text encoder's, and the REVTAF decoder's). */
    public WordPieceTokenizer tokenizer() {
        return WordPieceTokenizer.load(dir.resolve(VOCAB));
    }

    /** Row of a study in {@code studies.safetensors}. */
    public int row(Split split, int index) {
        return manifest.offset(split) + index;
    }

    /** The study ids of every row of {@code studies.safetensors}. */
    public List<String> ids() {
        List<String> out = new ArrayList<>();
        for (Split s : Split.ALL) out.addAll(manifest.splits().get(s));
        return out;
    }

    @Override
    public void close() {
        for (Safetensors s : files.values()) s.close();
        files.clear();
    }
}
