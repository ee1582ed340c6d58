package org.revtaf.edges.pipeline.cache;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.ClinicalSentence;
import org.revtaf.domain.text.StatusVectors;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.PrecomputeConfig;
import org.revtaf.edges.config.TextConfig;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.Progress;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.pretrain.FoundationCheckpoint;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.foundation.Foundation;
import org.revtaf.learning.model.foundation.TextEncoder;
import org.revtaf.learning.nn.NnContext;

/**
 * The {@code precompute} stage (METHOD.md section 1.2): from a dataset and a foundation checkpoint
 * (or the synthetic ground truth, {@code truth}), the feature cache of {@link FeatureCache}. A cache
 * whose manifest matches the dataset, foundation and config hashes is reused ("up to date").
 */
public final class Precompute {
    private Precompute() {}

    /**
     * What to compute.
     *
     * @param dataset the loaded data; {@code dataDir} its folder (findings.json for the oracle)
     * @param config the run config and {@code configFile} its file (for messages)
     * @param foundation a foundation checkpoint, or null for the oracle ({@code --foundation truth})
     * @param textEncoder oracle only: a foundation checkpoint whose text encoder embeds the texts, or null
     *     for the seeded initialisation of the config's sizes
     * @param out the cache folder
     */
    public record Request(
            Path dataDir,
            Dataset dataset,
            RunConfig config,
            Path configFile,
            Path foundation,
            Path textEncoder,
            Path out,
            Device device) {}

    /** The outcome: whether the existing cache was reused, its manifest, and the seconds spent. */
    public record Result(boolean upToDate, CacheManifest manifest, double seconds) {}

    public static Result run(Request r, Log log) {
        long t0 = System.nanoTime();
        RunConfig cfg = r.config();
        Path file = r.configFile();
        PrecomputeConfig pc = RunConfig.require(cfg.precompute(), file, "precompute", "precompute");
        boolean truth = r.foundation() == null;
        Path findings = r.dataDir().resolve("findings.json");
        if (truth && r.textEncoder() == null) {
            RunConfig.require(cfg.text(), file, "precompute", "text");
            RunConfig.require(cfg.foundation(), file, "precompute", "foundation");
        }
        for (Path ckpt : java.util.Arrays.asList(r.foundation(), r.textEncoder()))
            if (ckpt != null && !java.nio.file.Files.isRegularFile(ckpt))
                throw new RevtafException(
                        ckpt + ": no such file (a foundation checkpoint, RUN/foundation.safetensors)");
        FeatureCache.checkTarget(r.out());

        // ---- keys: is an existing cache up to date?
        if (truth && !java.nio.file.Files.isRegularFile(findings))
            throw new RevtafException(findings + ": no such file; --foundation truth needs the ground truth that"
                    + " 'revtaf synth' writes (synthetic data only)");
        String datasetHash = truth ? Hashes.dataset(r.dataset(), findings) : Hashes.dataset(r.dataset());
        String foundationHash = truth ? CacheManifest.TRUTH : Hashes.file(r.foundation());
        Path embPath = truth ? r.textEncoder() : r.foundation();
        CacheManifest.EmbeddingsFrom emb = embPath == null
                ? CacheManifest.EmbeddingsFrom.SEEDED_INIT
                : new CacheManifest.EmbeddingsFrom(embPath.toString(), truth ? Hashes.file(embPath) : foundationHash);
        String configHash = configHash(cfg, truth && embPath == null);
        if (java.nio.file.Files.isRegularFile(r.out().resolve(FeatureCache.MANIFEST))) {
            CacheManifest old = FeatureCache.readManifest(r.out());
            if (old.matches(datasetHash, foundationHash, configHash, emb)) {
                try (FeatureCache c = FeatureCache.open(r.out())) {
                    return new Result(true, c.manifest(), (System.nanoTime() - t0) / 1e9);
                } catch (RevtafException e) {
                    log.line("precompute: the cache in " + r.out() + " is damaged (" + e.getMessage()
                            + "); recomputing");
                }
            } else {
                log.line("precompute: recomputing " + r.out() + ": "
                        + changed(old, datasetHash, foundationHash, configHash, emb));
            }
        }

        // ---- models
        Dataset d = r.dataset();
        List<Study> all = d.all(), train = d.split(Split.TRAIN);
        int n = all.size(), ntr = train.size();
        if (ntr - 1 < pc.memoryK())
            throw new RevtafException(file + ": precompute.memory_k (" + pc.memoryK() + ") needs at least "
                    + (pc.memoryK() + 1) + " training studies; " + r.dataDir() + " has " + ntr);
        Foundation foundation = null;
        DataConfig images = null; // the foundation model's own image transform
        TextEncoder text;
        if (embPath != null) {
            log.line("precompute: loading " + embPath);
            FoundationCheckpoint.Loaded l = FoundationCheckpoint.load(embPath, r.device(), pc.batchSize());
            foundation = l.foundation();
            text = foundation.text();
            if (!truth)
                images = RunConfig.require(
                        l.config().data(), Path.of(embPath + " (embedded config)"), "a foundation model", "data");
        } else {
            TextConfig tc = cfg.text().orElseThrow();
            FoundationConfig fc = cfg.foundation().orElseThrow();
            WordPieceTokenizer tok =
                    Foundation.vocabulary(tc, train.stream().map(Study::report).toList());
            log.line("precompute: text encoder from the seeded initialisation (vocabulary " + tok.size() + " tokens)");
            text = TextEncoder.create(NnContext.of(r.device(), cfg.seed()), fc.textEncoder(), tc, tok);
        }
        int dt = text.width(), m = FeatureCache.ENTITIES, s = pc.maxSentences(), k = pc.memoryK();

        // ---- per study: F_logit and the predicted triplet of every entity
        float[] fLogit = new float[n * m];
        int[] position = new int[n * m];
        if (truth) {
            List<OracleFindings.Triplets> o = OracleFindings.read(findings, all);
            for (int i = 0; i < n; i++) {
                System.arraycopy(o.get(i).presence(), 0, fLogit, i * m, m);
                System.arraycopy(o.get(i).position(), 0, position, i * m, m);
            }
        } else {
            predict(foundation, d, images, pc, fLogit, position, log);
        }

        // ---- the triplet table and the LRPs
        List<String> triplets = new ArrayList<>(m * FeatureCache.POSITIONS * 2);
        for (int e = 0; e < m; e++)
            for (int p = 0; p < FeatureCache.POSITIONS; p++)
                for (int x = 0; x < 2; x++) triplets.add(FeatureCache.tripletText(e, p, x == 1));
        float[] table = embed(text, triplets, pc.batchSize(), "precompute triplet texts", log);
        long[] lrpRow = lrpRows(fLogit, position, n);

        // ---- training reports: the distinct sentences, their embeddings (GRP), memory features, neighbours
        Map<String, Integer> distinct = new LinkedHashMap<>();
        long[] grpIdx = new long[ntr * s];
        Arrays.fill(grpIdx, -1);
        for (int i = 0; i < ntr; i++) {
            List<ClinicalSentence> ss = ClinicalSentence.split(train.get(i).report());
            for (int j = 0; j < Math.min(s, ss.size()); j++)
                grpIdx[i * s + j] = distinct.computeIfAbsent(ss.get(j).text, x -> distinct.size());
        }
        checkSize("sentence_emb", (long) distinct.size() * dt, distinct.size() + " x " + dt);
        float[] sentEmb =
                embed(text, new ArrayList<>(distinct.keySet()), pc.batchSize(), "precompute report sentences", log);
        double[] w = Memory.orthogonal(pc.memoryDim(), dt, cfg.seed());
        float[] memFeat = Memory.features(sentEmb, grpIdx, ntr, s, dt, w, pc.memoryDim());
        float[] reportEntities =
                Memory.reportEntities(train.stream().map(Study::report).toList());
        // rows 0..ntr-1 are the training images (self excluded); later rows index past the reports
        long[] memIdx = Memory.topK(fLogit, n, reportEntities, ntr, m, k, 0);
        long[] labels = new long[n * FeatureCache.LABELS];
        int[][] trainStatus = new int[ntr][];
        for (int i = 0; i < n; i++) {
            Study st = all.get(i);
            for (int c = 0; c < FeatureCache.LABELS; c++) labels[i * FeatureCache.LABELS + c] = st.label(c);
            if (i < ntr) {
                trainStatus[i] = new int[FeatureCache.LABELS];
                for (int c = 0; c < FeatureCache.LABELS; c++) trainStatus[i][c] = st.label(c);
            }
        }
        int[] nn = StatusVectors.nearestNeighbours(trainStatus);
        long[] hamming = new long[ntr];
        for (int i = 0; i < ntr; i++) hamming[i] = nn[i];

        // ---- write
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("f_logit", NdArray.ofFloats(new long[] {n, m}, fLogit));
        t.put("lrp_row", NdArray.ofLongs(new long[] {n, m}, lrpRow));
        t.put("labels", NdArray.ofLongs(new long[] {n, FeatureCache.LABELS}, labels));
        t.put("memory_idx", NdArray.ofLongs(new long[] {n, k}, memIdx));
        t.put("grp_idx", NdArray.ofLongs(new long[] {ntr, s}, grpIdx));
        t.put("sentence_emb", NdArray.ofFloats(new long[] {distinct.size(), dt}, sentEmb));
        t.put("memory_feat", NdArray.ofFloats(new long[] {ntr, pc.memoryDim()}, memFeat));
        t.put("hamming_nn", NdArray.ofLongs(new long[] {ntr}, hamming));
        t.put("triplet_emb", NdArray.ofFloats(new long[] {m, FeatureCache.POSITIONS, 2, dt}, table));
        Map<Split, List<String>> ids = new LinkedHashMap<>();
        for (Split sp : Split.ALL)
            ids.put(sp, d.split(sp).stream().map(Study::id).toList());
        CacheManifest manifest = new CacheManifest(
                datasetHash,
                foundationHash,
                truth ? CacheManifest.TRUTH : r.foundation().toString(),
                configHash,
                emb,
                dt,
                s,
                k,
                pc.memoryDim(),
                ids,
                Map.of());
        CacheManifest written =
                FeatureCache.write(r.out(), manifest, text.tokenizer().toVocabText(), t);
        return new Result(false, written, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The LRP of every entity of n studies (n, 75): the row of the triplet table (75, 51, 2, dt), seen
     * as (75 * 51 * 2, dt), that embeds "entity position exist" when P(present) > 0.5, else "entity
     * position not exist", at the entity's predicted position.
     *
     * @param fLogit (n, 75) P(present)
     * @param position (n, 75) predicted position per entity
     */
    public static long[] lrpRows(float[] fLogit, int[] position, int n) {
        int m = FeatureCache.ENTITIES;
        long[] rows = new long[n * m];
        for (int i = 0; i < n; i++)
            for (int e = 0; e < m; e++) {
                int x = fLogit[i * m + e] > 0.5f ? 1 : 0;
                rows[i * m + e] = (e * FeatureCache.POSITIONS + position[i * m + e]) * 2 + x;
            }
        return rows;
    }

    /**
     * The hash of the config sections the cache depends on ({@code seed}, {@code data}, {@code text},
     * {@code precompute}, and {@code foundation} when the seeded initialisation embeds the texts);
     * later sections (training, generation) do not invalidate a cache.
     */
    public static String configHash(RunConfig c, boolean seededText) {
        RunConfig keyed = new RunConfig(
                c.seed(), c.data(), c.text(), seededText ? c.foundation() : java.util.Optional.empty(), c.precompute());
        return Hashes.text(keyed.toYaml());
    }

    private static String changed(
            CacheManifest old, String dataset, String foundation, String config, CacheManifest.EmbeddingsFrom emb) {
        List<String> why = new ArrayList<>();
        if (!old.datasetHash().equals(dataset)) why.add("the dataset changed");
        if (!old.foundationHash().equals(foundation)) why.add("the foundation checkpoint changed");
        if (!old.configHash().equals(config)) why.add("the config changed");
        if (!old.embeddingsFrom().sameEncoder(emb))
            why.add("the text encoder changed (was " + old.embeddingsFrom() + ")");
        return String.join(", ", why);
    }

    /** The cache tensors are built in Java arrays: at most 2^31 - 9 elements each. */
    private static void checkSize(String tensor, long elements, String shape) {
        if (elements > Integer.MAX_VALUE - 8)
            throw new RevtafException("precompute: the cache tensor '" + tensor + "' would have " + shape + " = "
                    + elements + " floats (" + elements * 4 / (1L << 30) + " GiB), more than one array holds;"
                    + " use fewer studies or a smaller text width");
    }

    private static float[] embed(TextEncoder text, List<String> texts, int batch, String task, Log log) {
        int dt = text.width();
        float[] out = new float[texts.size() * dt];
        int chunk = Math.max(batch * 16, 1);
        try (Progress p = log.progress(task, texts.size(), "texts")) {
            for (int from = 0; from < texts.size(); from += chunk) {
                int to = Math.min(texts.size(), from + chunk);
                float[] e = text.embed(texts.subList(from, to), batch);
                System.arraycopy(e, 0, out, from * dt, e.length);
                p.update(to, null);
            }
        }
        return out;
    }

    /**
     * The foundation model's P(present) and top position of every study: the evaluation transform of
     * the data section the model was trained with, batches in study order.
     */
    private static void predict(
            Foundation f, Dataset d, DataConfig dc, PrecomputeConfig pc, float[] fLogit, int[] position, Log log) {
        List<Study> all = d.all();
        int m = FeatureCache.ENTITIES, crop = dc.crop();
        Device dev = f.image().classifier.weight.device();
        BadSamples bad =
                new BadSamples(org.revtaf.domain.data.BadSamplePolicy.FAIL); // every row of the cache needs its image
        try (BatchLoader loader = BatchLoader.inOrder(d, all, dc, pc.batchSize(), bad);
                Progress p = log.progress("precompute images", all.size(), "images")) {
            int at = 0;
            while (loader.hasNext()) {
                BatchLoader.Batch b = loader.next();
                Tensor images = Tensor.of(dev, b.images(), b.size(), 3, crop, crop);
                Foundation.Prediction pr = f.predict(images);
                System.arraycopy(pr.presence(), 0, fLogit, at * m, b.size() * m);
                System.arraycopy(pr.topPosition(), 0, position, at * m, b.size() * m);
                at += b.size();
                p.update(at, null);
            }
        }
    }
}
