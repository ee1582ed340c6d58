package org.revtaf.edges.pipeline.train;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.cache.CacheManifest;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.edges.pipeline.cache.Precompute;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;

/**
 * The feature cache as the REVTAF stages read it (CONTRACTS.md): opened against the dataset it must
 * describe and the config it must have been made with, the small per-study tables held in memory
 * (labels, f_logit, memory indices, Hamming neighbours, GRP indices), the large ones (the LRP rows,
 * the triplet and sentence tables, memory_feat) read row by row from the memory-mapped files when a
 * batch needs them.
 *
 * <pre>
 * study row r (studies.safetensors: train, val, test)   training index t (train_reports.safetensors)
 * f_logit (B, 75)    labels (B, 18)    memory (B, K, md) = memory_feat[memory_idx[r]]
 * lrp (B, 75, dt)    = triplet_emb rows lrp_row[r]
 * grp (B, S, dt)     = sentence_emb rows grp_idx[t] (zeros past the last sentence), grp_mask (B, S)
 *                      of the training studies chosen as GRP sources
 * </pre>
 */
public final class CachedFeatures implements AutoCloseable {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private static final int TRIPLETS = FeatureCache.ENTITIES * FeatureCache.POSITIONS * 2;

    private final FeatureCache cache;
    private final CacheManifest manifest;
    private final Map<String, Integer> rowOfId = new HashMap<>();
    private final long[] labels, memoryIdx, hammingNn, grpIdx;
    private final float[] fLogit;
    private final NdArray lrpRow, tripletEmb, sentenceEmb, memoryFeat;
    private final int trainStudies, textWidth, sentences, memoryK, memoryDim;

    private CachedFeatures(FeatureCache cache) {
        this.cache = cache;
        this.manifest = cache.manifest();
        List<String> ids = cache.ids();
        for (int r = 0; r < ids.size(); r++) rowOfId.put(ids.get(r), r);
        labels = cache.get("labels").toLongs();
        memoryIdx = cache.get("memory_idx").toLongs();
        hammingNn = cache.get("hamming_nn").toLongs();
        fLogit = cache.get("f_logit").toFloats();
        grpIdx = cache.get("grp_idx").toLongs();
        lrpRow = cache.get("lrp_row");
        tripletEmb = cache.get("triplet_emb");
        sentenceEmb = cache.get("sentence_emb");
        memoryFeat = cache.get("memory_feat");
        trainStudies = manifest.trainStudies();
        textWidth = manifest.textWidth();
        sentences = manifest.maxSentences();
        memoryK = manifest.memoryK();
        memoryDim = manifest.memoryDim();
        for (long v : memoryIdx) checkTrainIndex(v, "memory_idx");
        for (long v : hammingNn) checkTrainIndex(v, "hamming_nn");
        checkLrpRows();
        checkGrpIdx();
    }

    /** Each lrp_row entry names a triplet of its own entity: (entity * 51 + position) * 2 + exist. */
    private void checkLrpRows() {
        MemorySegment seg = lrpRow.data();
        int m = FeatureCache.ENTITIES, per = FeatureCache.POSITIONS * 2;
        long n = seg.byteSize() / 8;
        for (long i = 0; i < n; i++) {
            long v = seg.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            if (v < 0 || v >= TRIPLETS || v / per != i % m)
                throw new RevtafException(cache.dir() + ": lrp_row of study row " + i / m + ", entity " + i % m
                        + " holds " + v + ", not a triplet of that entity (" + (i % m) * per + ".."
                        + ((i % m + 1) * per - 1) + "); the cache is damaged, run precompute again");
        }
    }

    /** grp_idx rows: sentence_emb rows, then -1 to the end. */
    private void checkGrpIdx() {
        long distinct = sentenceEmb.shape()[0];
        for (int t = 0; t < trainStudies; t++) {
            boolean padding = false;
            for (int j = 0; j < sentences; j++) {
                long v = grpIdx[t * sentences + j];
                boolean bad = v < -1 || v >= distinct || (padding && v != -1);
                padding |= v == -1;
                if (bad)
                    throw new RevtafException(cache.dir() + ": grp_idx of training study " + t + ", sentence " + j
                            + " holds " + v + ", not a row of sentence_emb (0.." + (distinct - 1)
                            + ") or -1 after the last sentence; the cache is damaged, run precompute again");
            }
        }
    }

    private void checkTrainIndex(long v, String what) {
        if (v < 0 || v >= trainStudies)
            throw new RevtafException(cache.dir() + ": " + what + " holds " + v + ", not a training index (0.."
                    + (trainStudies - 1) + "); the cache is damaged, run precompute again");
    }

    /**
     * Opens the cache in {@code dir} for {@code data} (read from {@code dataDir}) and a config: the
     * cache must list the dataset's studies in the same splits and order, have been made from the
     * same data (dataset hash, with findings.json for an oracle cache) and with the same config
     * sections ({@link Precompute#configHash}); each mismatch is an error naming the manifest and
     * what differs.
     */
    public static CachedFeatures open(Path dir, Dataset data, Path dataDir, RunConfig config, Path configFile) {
        Path manifestFile = dir.resolve(FeatureCache.MANIFEST);
        CacheManifest m = FeatureCache.readManifest(dir);
        for (Split s : Split.ALL) {
            List<String> want = data.split(s).stream().map(Study::id).toList();
            List<String> have = m.splits().get(s);
            for (int i = 0; i < Math.max(want.size(), have.size()); i++) {
                String w = i < want.size() ? want.get(i) : "(none)", h = i < have.size() ? have.get(i) : "(none)";
                if (!w.equals(h))
                    throw new RevtafException(manifestFile + ": the cache was not made from --data " + dataDir
                            + ": its " + s.key() + " study " + (i + 1) + " is '" + h + "', the data's is '" + w
                            + "' (" + have.size() + " vs " + want.size() + " " + s.key()
                            + " studies); run precompute on this data");
            }
        }
        boolean truth = m.foundationHash().equals(CacheManifest.TRUTH);
        Path findings = dataDir.resolve("findings.json");
        if (truth && !Files.isRegularFile(findings))
            throw new RevtafException(findings + ": no such file; the cache " + dir + " is an oracle cache"
                    + " (--foundation truth) of synthetic data, which has it");
        String datasetHash = truth ? Hashes.dataset(data, findings) : Hashes.dataset(data);
        String configHash =
                Precompute.configHash(config, truth && m.embeddingsFrom().seededInit());
        if (!m.configHash().equals(configHash))
            throw new RevtafException(manifestFile + ": the cache was made with another config (config_hash "
                    + m.configHash() + ") than " + configFile + " (" + configHash + "; its seed, data, text,"
                    + " precompute" + (truth && m.embeddingsFrom().seededInit() ? ", foundation" : "")
                    + " sections are hashed); run precompute with " + configFile
                    + ", or train with the config the cache was made with");
        FeatureCache c = FeatureCache.open(dir, datasetHash, "--data " + dataDir);
        try {
            return new CachedFeatures(c);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public Path dir() {
        return cache.dir();
    }

    public CacheManifest manifest() {
        return manifest;
    }

    /** The cache's WordPiece vocabulary with the decoder's special tokens. */
    public WordPieceTokenizer tokenizer() {
        return cache.tokenizer();
    }

    /** Row of a study in studies.safetensors; an error for a study the cache does not hold. */
    public int row(Study s) {
        Integer r = rowOfId.get(s.id());
        if (r == null) throw new RevtafException(cache.dir() + ": no features for study '" + s.id() + "'");
        return r;
    }

    /** The rows of these studies. */
    public int[] rows(List<Study> studies) {
        int[] out = new int[studies.size()];
        for (int i = 0; i < out.length; i++) out[i] = row(studies.get(i));
        return out;
    }

    /** The cache's Hamming neighbour (a training index) of the training study in row {@code row}. */
    public int hammingNeighbour(int row) {
        if (row >= trainStudies) throw new IllegalArgumentException("row " + row + " is not a training study");
        return (int) hammingNn[row];
    }

    /** The first of a study's memory indices: its top-1 training report of the baseline retrieval. */
    public int firstMemory(int row) {
        return (int) memoryIdx[row * memoryK];
    }

    /** Status codes (B, 18) int64. */
    public Tensor labels(Device d, int[] rows) {
        int c = FeatureCache.LABELS;
        long[] out = new long[rows.length * c];
        for (int i = 0; i < rows.length; i++) System.arraycopy(labels, rows[i] * c, out, i * c, c);
        return Tensor.ofLongs(d, out, rows.length, c);
    }

    /** Status codes of these rows, row-major. */
    public long[] labelValues(int[] rows) {
        int c = FeatureCache.LABELS;
        long[] out = new long[rows.length * c];
        for (int i = 0; i < rows.length; i++) System.arraycopy(labels, rows[i] * c, out, i * c, c);
        return out;
    }

    /** Status codes of the training split, row-major (N_train, 18): base_probs. */
    public long[] trainLabels() {
        return java.util.Arrays.copyOf(labels, trainStudies * FeatureCache.LABELS);
    }

    /** f_logit (B, 75). */
    public Tensor fLogit(Device d, int[] rows) {
        int m = FeatureCache.ENTITIES;
        float[] out = new float[rows.length * m];
        for (int i = 0; i < rows.length; i++) System.arraycopy(fLogit, rows[i] * m, out, i * m, m);
        return Tensor.of(d, out, rows.length, m);
    }

    /** f_logit of every training study (N_train, 75): the LRE's retrieval database. */
    public Tensor trainFLogit(Device d) {
        int m = FeatureCache.ENTITIES;
        return Tensor.of(d, java.util.Arrays.copyOf(fLogit, trainStudies * m), trainStudies, m);
    }

    /** lrp (B, 75, dt): the triplet_emb rows that lrp_row names. */
    public Tensor lrp(Device d, int[] rows) {
        int m = FeatureCache.ENTITIES;
        MemorySegment seg = lrpRow.data();
        long[] triplets = new long[rows.length * m];
        for (int i = 0; i < rows.length; i++)
            MemorySegment.copy(seg, ValueLayout.JAVA_LONG_UNALIGNED, (long) rows[i] * m * 8, triplets, i * m, m);
        return lrpOf(d, triplets);
    }

    /**
     * lrp (B, 75, dt) of B studies whose triplets are given (B * 75 rows of triplet_emb, row-major, as
     * {@link Precompute#lrpRows} computes them): the LRPs of studies outside the cache.
     */
    public Tensor lrpOf(Device d, long[] tripletRows) {
        int m = FeatureCache.ENTITIES;
        if (tripletRows.length % m != 0)
            throw new IllegalArgumentException(tripletRows.length + " triplet rows are not B x " + m);
        int[] idx = new int[tripletRows.length];
        for (int i = 0; i < idx.length; i++) {
            if (tripletRows[i] < 0 || tripletRows[i] >= TRIPLETS)
                throw new IllegalArgumentException("triplet row " + tripletRows[i] + " outside 0.." + (TRIPLETS - 1));
            idx[i] = (int) tripletRows[i];
        }
        return Tensor.of(d, gather(tripletEmb, idx, textWidth), idx.length / m, m, textWidth);
    }

    /** grp (B, S, dt) of training studies {@code train}: their sentences' embeddings, zeros past the last. */
    public Tensor grp(Device d, int[] train) {
        MemorySegment seg = sentenceEmb.data();
        float[] out = new float[train.length * sentences * textWidth];
        for (int i = 0; i < train.length; i++)
            for (int j = 0; j < sentences; j++) {
                long row = grpIdx[train[i] * sentences + j];
                if (row >= 0)
                    MemorySegment.copy(seg, F32, row * textWidth * 4, out, (i * sentences + j) * textWidth, textWidth);
            }
        return Tensor.of(d, out, train.length, sentences, textWidth);
    }

    /** grp_mask (B, S) of training studies {@code train}: 1 for a real sentence, 0 for padding. */
    public Tensor grpMask(Device d, int[] train) {
        float[] out = new float[train.length * sentences];
        for (int i = 0; i < train.length; i++)
            for (int j = 0; j < sentences; j++) out[i * sentences + j] = grpIdx[train[i] * sentences + j] >= 0 ? 1 : 0;
        return Tensor.of(d, out, train.length, sentences);
    }

    /** memory (B, K, md): memory_feat rows of each study's memory_idx. */
    public Tensor memory(Device d, int[] rows) {
        int[] idx = new int[rows.length * memoryK];
        for (int i = 0; i < rows.length; i++)
            for (int j = 0; j < memoryK; j++) idx[i * memoryK + j] = (int) memoryIdx[rows[i] * memoryK + j];
        return memoryOf(d, idx);
    }

    /**
     * memory (B, K, md) of K training indices per study (B * K of them, row-major): the memory of
     * studies outside the cache, retrieved from its training reports.
     */
    public Tensor memoryOf(Device d, int[] trainIdx) {
        if (trainIdx.length % memoryK != 0)
            throw new IllegalArgumentException(trainIdx.length + " memory indices are not B x " + memoryK);
        for (int t : trainIdx) checkTrainIndex(t, "a memory index");
        return Tensor.of(d, gather(memoryFeat, trainIdx, memoryDim), trainIdx.length / memoryK, memoryK, memoryDim);
    }

    /** K, the memory items per study (precompute.memory_k). */
    public int memoryK() {
        return memoryK;
    }

    /** Rows of {@code rowFloats} float32 values each, read from the (memory-mapped) array. */
    private static float[] gather(NdArray a, int[] rows, int rowFloats) {
        MemorySegment seg = a.data();
        float[] out = new float[rows.length * rowFloats];
        for (int i = 0; i < rows.length; i++)
            MemorySegment.copy(seg, F32, (long) rows[i] * rowFloats * 4, out, i * rowFloats, rowFloats);
        return out;
    }

    @Override
    public void close() {
        cache.close();
    }
}
