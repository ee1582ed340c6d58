package org.revtaf.edges.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.PrecomputeConfig;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.cache.CacheManifest;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.edges.pipeline.cache.Precompute;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;

/** The cache as training reads it: rows gathered right, and caches of other data or configs refused. */
class CachedFeaturesTest {
    @TempDir
    Path dir;

    static final int DT = 3, S = 2, K = 2, MD = 4, DISTINCT = 5;

    /** The sentences of the 4 training studies as rows of sentence_emb; study 1 has one sentence. */
    static final long[] GRP_IDX = {0, 1, 2, -1, 1, 3, 4, 0};

    /** Study r's triplet of entity e: position (r + e) % 51, exist when r is odd. */
    static long lrpRow(int r, int e) {
        return (e * 51L + (r + e) % 51) * 2 + r % 2;
    }

    static long[] lrpRows(int n) {
        long[] v = new long[n * 75];
        for (int r = 0; r < n; r++) for (int e = 0; e < 75; e++) v[r * 75 + e] = lrpRow(r, e);
        return v;
    }

    static Dataset dataset(int train, int val) {
        Map<Split, List<Study>> m = new LinkedHashMap<>();
        List<Study> tr = new ArrayList<>(), va = new ArrayList<>();
        for (int i = 0; i < train; i++) tr.add(new Study("t" + i, "train", "report " + i, List.of(), new int[18]));
        for (int i = 0; i < val; i++) va.add(new Study("v" + i, "val", "report v" + i, List.of(), new int[18]));
        m.put(Split.TRAIN, tr);
        m.put(Split.VAL, va);
        return new Dataset(Path.of("mem"), Path.of("mem"), m, 0);
    }

    static RunConfig config(int maxSentences) {
        return new RunConfig(
                5,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(new PrecomputeConfig(K, MD, maxSentences, 8)));
    }

    Path cache(String name, Dataset d, RunConfig cfg, long[] memoryIdx) {
        return cache(name, d, cfg, memoryIdx, lrpRows(d.size()), GRP_IDX);
    }

    /** A cache whose float values encode their position: tensor id * 1000 + flat index. */
    Path cache(String name, Dataset d, RunConfig cfg, long[] memoryIdx, long[] lrpRow, long[] grpIdx) {
        int n = d.size(), ntr = d.split(Split.TRAIN).size();
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("f_logit", NdArray.ofFloats(new long[] {n, 75}, ramp(n * 75, 1)));
        t.put("lrp_row", NdArray.ofLongs(new long[] {n, 75}, lrpRow));
        long[] labels = new long[n * 18];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 4;
        t.put("labels", NdArray.ofLongs(new long[] {n, 18}, labels));
        t.put("memory_idx", NdArray.ofLongs(new long[] {n, K}, memoryIdx));
        t.put("grp_idx", NdArray.ofLongs(new long[] {ntr, S}, grpIdx));
        t.put("sentence_emb", NdArray.ofFloats(new long[] {DISTINCT, DT}, ramp(DISTINCT * DT, 3)));
        t.put("memory_feat", NdArray.ofFloats(new long[] {ntr, MD}, ramp(ntr * MD, 5)));
        long[] nn = new long[ntr];
        for (int i = 0; i < ntr; i++) nn[i] = (i + 1) % ntr;
        t.put("hamming_nn", NdArray.ofLongs(new long[] {ntr}, nn));
        t.put("triplet_emb", NdArray.ofFloats(new long[] {75, 51, 2, DT}, ramp(75 * 51 * 2 * DT, 2)));
        Map<Split, List<String>> ids = new LinkedHashMap<>();
        for (Split s : Split.ALL) ids.put(s, d.split(s).stream().map(Study::id).toList());
        CacheManifest m = new CacheManifest(
                Hashes.dataset(d),
                "sha256:f00d",
                "f.safetensors",
                Precompute.configHash(cfg, false),
                new CacheManifest.EmbeddingsFrom("f.safetensors", "sha256:f00d"),
                DT,
                S,
                K,
                MD,
                ids,
                Map.of());
        Path out = dir.resolve(name);
        String vocab = String.join("\n", WordPieceTokenizer.SPECIALS) + "\na\nb\n";
        FeatureCache.write(out, m, vocab, t);
        return out;
    }

    static float[] ramp(int n, int id) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = id * 1000 + i;
        return v;
    }

    @Test
    void rowsAreGatheredFromTheirTablesAndTheMemoryFollowsMemoryIdx() {
        Dataset d = dataset(4, 2);
        RunConfig cfg = config(S);
        long[] mem = {1, 2, 0, 3, 3, 2, 0, 1, 2, 2, 1, 0};
        try (CachedFeatures f = CachedFeatures.open(cache("c", d, cfg, mem), d, dir, cfg, Path.of("c.yaml"))) {
            int[] rows = f.rows(
                    List.of(d.split(Split.VAL).get(1), d.split(Split.TRAIN).get(2)));
            assertArrayEquals(new int[] {5, 2}, rows);
            float[] m = f.memory(Device.CPU, rows).toFloats(); // (2, K, MD)
            float[] want = new float[2 * K * MD];
            long[] idx = {mem[5 * K], mem[5 * K + 1], mem[2 * K], mem[2 * K + 1]};
            for (int i = 0; i < idx.length; i++) for (int c = 0; c < MD; c++) want[i * MD + c] = 5000 + idx[i] * MD + c;
            assertArrayEquals(want, m);
            float[] lrp = f.lrp(Device.CPU, rows).toFloats(); // (2, 75, DT): triplet_emb rows
            assertEquals(2000 + lrpRow(5, 0) * DT, lrp[0]);
            assertEquals(2000 + lrpRow(5, 40) * DT + 1, lrp[40 * DT + 1]);
            assertEquals(2000 + lrpRow(2, 74) * DT + DT - 1, lrp[lrp.length - 1]);
            assertArrayEquals(
                    lrp,
                    f.lrpOf(Device.CPU, concat(lrpRows(6), 5, 2)).toFloats(),
                    "lrpOf the same triplets gives the same LRPs");
            float[] grp = f.grp(Device.CPU, new int[] {3, 1}).toFloats(); // (2, S, DT): sentence_emb rows
            assertArrayEquals(
                    new float[] {3000 + 4 * DT, 3000 + 4 * DT + 1, 3000 + 4 * DT + 2, 3000, 3001, 3002},
                    java.util.Arrays.copyOf(grp, S * DT));
            assertArrayEquals(
                    new float[] {3000 + 2 * DT, 3000 + 2 * DT + 1, 3000 + 2 * DT + 2, 0, 0, 0},
                    java.util.Arrays.copyOfRange(grp, S * DT, 2 * S * DT),
                    "zeros past the last sentence");
            assertArrayEquals(
                    new float[] {1, 0, 1, 1},
                    f.grpMask(Device.CPU, new int[] {1, 2}).toFloats());
            assertArrayEquals(
                    new float[] {1000 + 2 * 75, 1000 + 2 * 75 + 74},
                    pick(f.fLogit(Device.CPU, new int[] {2}).toFloats()));
            assertEquals(2, f.hammingNeighbour(1));
            assertEquals((int) mem[4 * K], f.firstMemory(4));
            assertEquals(4 * 18, f.trainLabels().length);
        }
    }

    /** The 75 triplet rows of study a, then those of study b. */
    private static long[] concat(long[] all, int a, int b) {
        long[] out = new long[150];
        System.arraycopy(all, a * 75, out, 0, 75);
        System.arraycopy(all, b * 75, out, 75, 75);
        return out;
    }

    private static float[] pick(float[] row) {
        return new float[] {row[0], row[row.length - 1]};
    }

    @Test
    void otherDataAnotherConfigAndBadIndicesAreRefused() {
        Dataset d = dataset(4, 2);
        RunConfig cfg = config(S);
        long[] mem = new long[6 * K];
        Path c = cache("c", d, cfg, mem);
        RevtafException e = assertThrows(
                RevtafException.class, () -> CachedFeatures.open(c, dataset(5, 2), dir, cfg, Path.of("c.yaml")));
        assertTrue(e.getMessage().contains("its train study 5 is '(none)', the data's is 't4'"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> CachedFeatures.open(c, d, dir, config(S + 1), Path.of("x.yaml")));
        assertTrue(
                e.getMessage().contains("made with another config")
                        && e.getMessage().contains("x.yaml"),
                e.getMessage());
        Dataset relabelled = new Dataset(
                Path.of("mem"),
                Path.of("mem"),
                Map.of(
                        Split.TRAIN,
                        d.split(Split.TRAIN).stream()
                                .map(s -> s.withLabels(new int[] {1}))
                                .toList(),
                        Split.VAL,
                        d.split(Split.VAL)),
                0);
        e = assertThrows(RevtafException.class, () -> CachedFeatures.open(c, relabelled, dir, cfg, Path.of("c.yaml")));
        assertTrue(e.getMessage().contains("another dataset"), e.getMessage());
        mem[3] = 4; // not a training index
        Path bad = cache("bad", d, cfg, mem);
        e = assertThrows(RevtafException.class, () -> CachedFeatures.open(bad, d, dir, cfg, Path.of("c.yaml")));
        assertTrue(e.getMessage().contains("memory_idx holds 4"), e.getMessage());

        long[] lrp = lrpRows(6);
        lrp[3 * 75 + 7] = lrpRow(3, 8); // entity 8's triplet in entity 7's place
        Path wrongEntity = cache("entity", d, cfg, new long[6 * K], lrp, GRP_IDX);
        e = assertThrows(RevtafException.class, () -> CachedFeatures.open(wrongEntity, d, dir, cfg, Path.of("c.yaml")));
        assertTrue(e.getMessage().contains("lrp_row of study row 3, entity 7"), e.getMessage());
        long[] gap = GRP_IDX.clone();
        gap[4] = -1; // a sentence after padding
        Path gapped = cache("gap", d, cfg, new long[6 * K], lrpRows(6), gap);
        e = assertThrows(RevtafException.class, () -> CachedFeatures.open(gapped, d, dir, cfg, Path.of("c.yaml")));
        assertTrue(e.getMessage().contains("grp_idx of training study 2, sentence 1 holds 3"), e.getMessage());
        long[] past = GRP_IDX.clone();
        past[0] = DISTINCT;
        Path outside = cache("past", d, cfg, new long[6 * K], lrpRows(6), past);
        e = assertThrows(RevtafException.class, () -> CachedFeatures.open(outside, d, dir, cfg, Path.of("c.yaml")));
        assertTrue(e.getMessage().contains("grp_idx of training study 0, sentence 0 holds 5"), e.getMessage());
    }
}
