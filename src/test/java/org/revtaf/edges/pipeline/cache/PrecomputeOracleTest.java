package org.revtaf.edges.pipeline.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.ClinicalSentence;
import org.revtaf.domain.text.StatusVectors;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.engine.tensor.Device;
import org.revtaf.learning.model.foundation.Foundation;
import org.revtaf.learning.model.foundation.TextEncoder;
import org.revtaf.learning.nn.NnContext;

/** The oracle cache ({@code --foundation truth}) against findings.json, and the reuse rules. */
class PrecomputeOracleTest {
    @TempDir
    static Path shared;

    static Path data;
    static Path cache;
    static Precompute.Result first;

    static int ent(String n) {
        return TripletExtractor.ENTITIES.indexOf(n);
    }

    static int pos(String n) {
        return TripletExtractor.POSITIONS.indexOf(n);
    }

    static Precompute.Result run(Path dataDir, Path out, List<String> set, StringWriter err) {
        RunConfig cfg = RunConfig.load(StageFixtures.microConfig(), set);
        Dataset d = Datasets.open(dataDir, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, s -> {});
        return Precompute.run(
                new Precompute.Request(dataDir, d, cfg, StageFixtures.microConfig(), null, null, out, Device.CPU),
                new Log(new PrintWriter(err), false));
    }

    @BeforeAll
    static void build() {
        data = StageFixtures.synth(shared.resolve("data"), 40, 32, 5);
        cache = shared.resolve("cache");
        first = run(data, cache, List.of(), new StringWriter());
    }

    @Test
    void oracleRowsFollowFindingsJson() throws Exception {
        assertFalse(first.upToDate());
        JsonNode studies = new ObjectMapper()
                .readTree(data.resolve("findings.json").toFile())
                .get("studies");
        try (FeatureCache c = FeatureCache.open(cache)) {
            List<String> ids = c.ids();
            float[] f = c.get("f_logit").toFloats();
            long[] lrpRow = c.get("lrp_row").toLongs();
            int effusion = ent("effusion"), normal = ent("normal"), cardio = ent("cardiomegaly");
            int checkedLeftEffusion = 0, checkedNormal = 0;
            for (JsonNode s : studies) {
                int row = ids.indexOf(s.get("id").asText());
                boolean eff = false, leftEff = false, pathology = false, cm = false;
                for (JsonNode x : s.get("findings")) {
                    String e = x.get("entity").asText();
                    eff |= e.equals("pleural effusion");
                    leftEff |= e.equals("pleural effusion")
                            && x.get("position").asText().equals("left base");
                    cm |= e.equals("cardiomegaly");
                    pathology |= !x.get("label").asText().equals("Support Devices");
                }
                assertEquals(eff ? 1f : 0f, f[row * 75 + effusion], s.toString());
                assertEquals(cm ? 1f : 0f, f[row * 75 + cardio], s.toString());
                assertEquals(pathology ? 0f : 1f, f[row * 75 + normal], s.toString());
                int expect = leftEff
                        ? (effusion * 51 + pos("left_pleural")) * 2 + 1
                        : eff ? -1 : (effusion * 51 + pos("unspecified")) * 2;
                if (expect >= 0) {
                    assertEquals(expect, lrpRow[row * 75 + effusion], s.toString());
                    if (leftEff) checkedLeftEffusion++;
                }
                if (!pathology) checkedNormal++;
            }
            assertTrue(checkedLeftEffusion > 0 && checkedNormal > 0, "the data must exercise both cases");
        }
    }

    @Test
    void labelsNeighboursSentencesAndMemoryFollowTheData() {
        Dataset d = Datasets.open(data, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, s -> {});
        List<Study> all = d.all(), train = d.split(Split.TRAIN);
        try (FeatureCache c = FeatureCache.open(cache)) {
            CacheManifest m = c.manifest();
            assertEquals(train.stream().map(Study::id).toList(), m.splits().get(Split.TRAIN));
            long[] labels = c.get("labels").toLongs();
            for (int i = 0; i < all.size(); i++)
                for (int k = 0; k < 18; k++) assertEquals(all.get(i).label(k), labels[i * 18 + k]);
            int[][] st = train.stream().map(Study::labels).toArray(int[][]::new);
            int[] ref = StatusVectors.nearestNeighboursReference(st);
            long[] nn = c.get("hamming_nn").toLongs();
            for (int i = 0; i < ref.length; i++) assertEquals(ref[i], nn[i], "hamming_nn of " + i);
            long[] grpIdx = c.get("grp_idx").toLongs();
            int s = m.maxSentences(), dt = m.textWidth();
            float[] sentenceEmb = c.get("sentence_emb").toFloats();
            Map<String, Long> rowOfSentence = new HashMap<>();
            for (int i = 0; i < train.size(); i++) {
                List<ClinicalSentence> ss = ClinicalSentence.split(train.get(i).report());
                for (int j = 0; j < s; j++) {
                    long row = grpIdx[i * s + j];
                    if (j >= ss.size()) {
                        assertEquals(-1, row, "padding of " + train.get(i).id());
                        continue;
                    }
                    // one row per distinct sentence, shared by every report that has it
                    Long seen = rowOfSentence.putIfAbsent(ss.get(j).text, row);
                    assertEquals(seen == null ? row : seen, row, ss.get(j).text);
                }
            }
            assertEquals(rowOfSentence.size(), sentenceEmb.length / dt, "each distinct sentence embedded once");
            assertEquals(rowOfSentence.size(), new java.util.HashSet<>(rowOfSentence.values()).size());
            long[] mem = c.get("memory_idx").toLongs();
            int k = m.memoryK();
            for (int i = 0; i < all.size(); i++)
                for (int j = 0; j < k; j++) {
                    long x = mem[i * k + j];
                    assertTrue(x >= 0 && x < train.size());
                    if (i < train.size()) assertNotEquals(i, x, "a training image never retrieves itself");
                }
        }
    }

    @Test
    void seededInitEmbeddingsAreTheConfigsFreshTextEncoder() {
        RunConfig cfg = RunConfig.load(StageFixtures.microConfig(), List.of());
        Dataset d = Datasets.open(data, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, s -> {});
        var tok = Foundation.vocabulary(
                cfg.text().orElseThrow(),
                d.split(Split.TRAIN).stream().map(Study::report).toList());
        TextEncoder te = TextEncoder.create(
                NnContext.of(Device.CPU, cfg.seed()),
                cfg.foundation().orElseThrow().textEncoder(),
                cfg.text().orElseThrow(),
                tok);
        float[] e = te.embed(List.of(FeatureCache.tripletText(8, 4, true)), 4);
        try (FeatureCache c = FeatureCache.open(cache)) {
            assertEquals(CacheManifest.EmbeddingsFrom.SEEDED_INIT, c.manifest().embeddingsFrom());
            assertEquals(tok.toVocabText(), String.join("\n", c.tokenizer().vocab()) + "\n");
            float[] table = c.get("triplet_emb").toFloats();
            int dt = e.length, row = (8 * 51 + 4) * 2 + 1;
            for (int j = 0; j < dt; j++) assertEquals(e[j], table[row * dt + j], 1e-5f);
        }
    }

    @Test
    void aMatchingCacheIsReusedAndAChangedConfigOrDatasetRecomputes(@TempDir Path tmp) throws Exception {
        Path d2 = StageFixtures.synth(tmp.resolve("d2"), 30, 32, 6);
        Path c2 = tmp.resolve("c2");
        run(d2, c2, List.of(), new StringWriter());
        String manifest = Files.readString(c2.resolve("manifest.json"));
        Precompute.Result again = run(d2, c2, List.of(), new StringWriter());
        assertTrue(again.upToDate());
        assertEquals(manifest, Files.readString(c2.resolve("manifest.json")));

        StringWriter err = new StringWriter();
        Precompute.Result changed = run(d2, c2, List.of("precompute.max_sentences=5"), err);
        assertFalse(changed.upToDate());
        assertTrue(err.toString().contains("the config changed"), err.toString());
        assertEquals(5, FeatureCache.readManifest(c2).maxSentences());

        // training-stage keys are not part of the cache's sections: the cache stays up to date; a key that
        // does not exist is an error of the config, not a silent recompute
        assertTrue(run(d2, c2, List.of("precompute.max_sentences=5", "train.lr=1"), new StringWriter())
                .upToDate());
        assertThrows(RevtafException.class, () -> run(d2, c2, List.of("train.lrr=1"), new StringWriter()));

        StageFixtures.synth(tmp.resolve("d3"), 30, 32, 7);
        Files.delete(d2.resolve("annotation.json"));
        Files.copy(tmp.resolve("d3/annotation.json"), d2.resolve("annotation.json"));
        Files.delete(d2.resolve("findings.json"));
        Files.copy(tmp.resolve("d3/findings.json"), d2.resolve("findings.json"));
        err = new StringWriter();
        Precompute.Result redone = run(d2, c2, List.of("precompute.max_sentences=5"), err);
        assertFalse(redone.upToDate());
        assertTrue(err.toString().contains("the dataset changed"), err.toString());
    }

    @Test
    void badInputIsAnErrorNamingTheFileAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        Path d = StageFixtures.synth(tmp.resolve("d"), 30, 32, 8);
        Files.delete(d.resolve("findings.json"));
        Path out = tmp.resolve("c");
        RevtafException e = assertThrows(RevtafException.class, () -> run(d, out, List.of(), new StringWriter()));
        assertTrue(e.getMessage().contains("findings.json") && e.getMessage().contains("synthetic"), e.getMessage());
        assertFalse(Files.exists(out));

        Files.writeString(
                d.resolve("findings.json"),
                "{\"studies\": [{\"id\": \"s000001\", \"findings\": []}]}"); // a study missing
        e = assertThrows(RevtafException.class, () -> run(d, out, List.of(), new StringWriter()));
        assertTrue(e.getMessage().contains("findings.json") && e.getMessage().contains("s000002"), e.getMessage());
        Files.writeString(
                d.resolve("findings.json"),
                "{\"studies\": [{\"id\": \"s000001\", \"findings\": [{\"entity\": \"dragon\"}]}]}");
        e = assertThrows(RevtafException.class, () -> run(d, out, List.of(), new StringWriter()));
        assertTrue(e.getMessage().contains("s000001") && e.getMessage().contains("'dragon'"), e.getMessage());

        e = assertThrows(
                RevtafException.class, () -> run(data, out, List.of("precompute.memory_k=40"), new StringWriter()));
        assertTrue(e.getMessage().contains("memory_k") && e.getMessage().contains("training studies"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
