package org.revtaf.edges.pipeline.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Split;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.NdArray;

class FeatureCacheTest {
    @TempDir
    Path dir;

    static final int N = 5, NTR = 3, DT = 4, S = 2, K = 2, MEM = 6, DISTINCT = 7;

    static CacheManifest manifest(String datasetHash) {
        return new CacheManifest(
                datasetHash,
                "truth",
                "truth",
                "sha256:c",
                new CacheManifest.EmbeddingsFrom("run/foundation.safetensors", "sha256:f"),
                DT,
                S,
                K,
                MEM,
                Map.of(Split.TRAIN, List.of("a", "b", "c"), Split.VAL, List.of("d"), Split.TEST, List.of("e")),
                Map.of());
    }

    /** Every tensor of the schema filled with its element index (distinct values per tensor); DISTINCT sentences. */
    static Map<String, NdArray> tensors() {
        Map<String, NdArray> t = new LinkedHashMap<>();
        int salt = 0;
        for (var e : FeatureCache.schema(N, NTR, DT, S, K, MEM).entrySet()) {
            long[] shape = e.getValue().shape().clone();
            for (int i = 0; i < shape.length; i++) if (shape[i] == FeatureCache.Spec.ANY) shape[i] = DISTINCT;
            int n = (int) NdArray.numel(shape);
            salt += 1000;
            if (e.getValue().dtype() == DType.FLOAT32) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = salt + i * 0.5f;
                t.put(e.getKey(), NdArray.ofFloats(shape, v));
            } else {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = salt + i;
                t.put(e.getKey(), NdArray.ofLongs(shape, v));
            }
        }
        return t;
    }

    @Test
    void aCacheMatchesTheSameTextEncoderByHashWhereverItsCheckpointLies() {
        CacheManifest m = manifest("sha256:d");
        var moved = new CacheManifest.EmbeddingsFrom("/elsewhere/copy-of-foundation.safetensors", "sha256:f");
        var other = new CacheManifest.EmbeddingsFrom("run/foundation.safetensors", "sha256:e");
        assertTrue(
                m.matches("sha256:d", "truth", "sha256:c", moved), "a copied or moved checkpoint is the same encoder");
        assertFalse(m.matches("sha256:d", "truth", "sha256:c", other), "another checkpoint at the same path is not");
        assertFalse(m.matches("sha256:d", "truth", "sha256:c", CacheManifest.EmbeddingsFrom.SEEDED_INIT));
        assertFalse(m.matches("sha256:x", "truth", "sha256:c", moved), "the dataset still keys the cache");
        assertTrue(CacheManifest.EmbeddingsFrom.SEEDED_INIT.sameEncoder(CacheManifest.EmbeddingsFrom.SEEDED_INIT));
    }

    @Test
    void writeThenOpenRoundTripsEveryTensorAndTheManifest() {
        Path c = dir.resolve("cache");
        Map<String, NdArray> t = tensors();
        CacheManifest written = FeatureCache.write(c, manifest("sha256:d"), "[PAD]\n[UNK]\nx\n", t);
        assertArrayEquals(new long[] {75, 51, 2, DT}, written.tensors().get("triplet_emb"));
        assertArrayEquals(new long[] {DISTINCT, DT}, written.tensors().get("sentence_emb"), "the data's size");
        try (FeatureCache fc = FeatureCache.open(c)) {
            assertEquals(written, fc.manifest());
            t.forEach((k, v) -> assertEquals(v, fc.get(k), k));
            assertEquals(3, fc.tokenizer().size());
            assertEquals(List.of("a", "b", "c", "d", "e"), fc.ids());
            assertEquals(4, fc.row(Split.TEST, 0));
            assertEquals(3, fc.manifest().offset(Split.VAL));
        }
        CacheManifest again = CacheManifest.parse(written.toJson(), c.resolve("manifest.json"));
        assertEquals(written, again);
        assertTrue(again.matches("sha256:d", "truth", "sha256:c", written.embeddingsFrom()));
        assertFalse(again.matches("sha256:d", "truth", "sha256:c", CacheManifest.EmbeddingsFrom.SEEDED_INIT));
    }

    @Test
    void aTensorOfTheWrongShapeIsNotWritten() {
        Map<String, NdArray> t = tensors();
        t.put("grp_idx", NdArray.ofLongs(new long[] {NTR, S + 1}, new long[NTR * (S + 1)]));
        Path c = dir.resolve("cache");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> FeatureCache.write(c, manifest("sha256:d"), "[UNK]\n", t));
        assertTrue(e.getMessage().contains("grp_idx"), e.getMessage());
        assertFalse(Files.exists(c));
    }

    @Test
    void damagedOrForeignCachesAreErrorsNamingTheFile() throws Exception {
        Path c = dir.resolve("cache");
        FeatureCache.write(c, manifest("sha256:d"), "[UNK]\n", tensors());
        RevtafException e = assertThrows(RevtafException.class, () -> FeatureCache.open(c, "sha256:other", "--data x"));
        assertTrue(
                e.getMessage().contains("manifest.json") && e.getMessage().contains("another dataset"), e.getMessage());
        FeatureCache.open(c, "sha256:d", "--data x").close();

        Path studies = c.resolve(FeatureCache.STUDIES);
        try (FileChannel ch = FileChannel.open(studies, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 16);
        }
        e = assertThrows(RevtafException.class, () -> FeatureCache.open(c));
        assertTrue(e.getMessage().contains(studies.toString()), e.getMessage());

        Files.writeString(c.resolve("manifest.json"), "{\"format\": \"something-else\"}");
        e = assertThrows(RevtafException.class, () -> FeatureCache.open(c));
        assertTrue(e.getMessage().contains("not a revtaf feature cache"), e.getMessage());

        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("keep.txt"), "mine");
        e = assertThrows(
                RevtafException.class, () -> FeatureCache.write(foreign, manifest("sha256:d"), "[UNK]\n", tensors()));
        assertTrue(e.getMessage().contains("not a feature cache"), e.getMessage());
        assertEquals("mine", Files.readString(foreign.resolve("keep.txt")));
    }

    @Test
    void tripletTextsSpellEntityPositionAndExistence() {
        assertEquals("effusion left pleural exist", FeatureCache.tripletText(8, 4, true));
        assertEquals("tail abnorm obs unspecified not exist", FeatureCache.tripletText(73, 49, false));
    }
}
