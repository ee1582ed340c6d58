package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.edges.pipeline.generate.GenerateFixture;
import org.revtaf.edges.pipeline.train.CachedFeatures;
import org.revtaf.edges.pipeline.train.RevtafCheckpoint;

/**
 * {@code revtaf generate} and {@code revtaf retrieve} on checkpoints of random weights (no
 * training): the output formats, the whole chain on image files, the baseline's retrieval, and the
 * errors for checkpoints whose cache, data or foundation checkpoint is missing or changed.
 */
class GenerateCommandTest {
    @TempDir
    static Path dir;

    static GenerateFixture fx;
    static Path full, baseline;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> STATUSES = Set.of("pos", "neg", "unc", "bla");

    @BeforeAll
    static void fixture() {
        fx = GenerateFixture.create(dir, 40, 7);
        full = fx.checkpoint("full", true, true, 11);
        baseline = fx.checkpoint("baseline", false, false, 12);
    }

    static List<JsonNode> lines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : text.strip().split("\n")) if (!l.isBlank()) out.add(JSON.readTree(l));
        return out;
    }

    static Path image(Study s) {
        return fx.dataset.resolveImage(s.imagePaths().getFirst(), s.id());
    }

    static List<String> trainIds() {
        return fx.dataset.split(Split.TRAIN).stream().map(Study::id).toList();
    }

    /** Every line has exactly the contract's keys, 18 statuses and a training study as its retrieval. */
    static void checkFormat(List<JsonNode> lines, boolean distance) {
        for (JsonNode j : lines) {
            List<String> keys = new ArrayList<>();
            j.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("id", "report", "labels", "retrieved_id", "retrieved_distance"), keys);
            assertTrue(j.get("report").isTextual());
            assertEquals(18, j.get("labels").size());
            j.get("labels").forEach(l -> assertTrue(STATUSES.contains(l.asText()), l.toString()));
            assertTrue(trainIds().contains(j.get("retrieved_id").asText()), j.toString());
            if (distance)
                assertTrue(j.get("retrieved_distance").isNumber()
                        && j.get("retrieved_distance").asDouble() >= 0);
            else assertTrue(j.get("retrieved_distance").isNull(), j.toString());
        }
    }

    @Test
    void generateWritesOneContractLinePerStudyOfTheSplit() throws Exception {
        Path out = dir.resolve("all.jsonl");
        var r = CliRun.run(
                "generate",
                "--checkpoint",
                full.toString(),
                "--data",
                fx.data.toString(),
                "--split",
                "all",
                "--out",
                out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("generate: 40 reports (beam 1)"), r.out()); // micro-train: generate.beams 1
        List<JsonNode> all = lines(Files.readString(out));
        assertEquals(
                fx.dataset.all().stream().map(Study::id).toList(),
                all.stream().map(j -> j.get("id").asText()).toList());
        checkFormat(all, true);

        assertFalse(r.err().contains(ProfileTables.TITLE), "no table without --profile: " + r.err());

        var test = CliRun.run(
                "generate", "--checkpoint", full.toString(), "--data", fx.data.toString(), "--beam", "3", "--profile");
        assertEquals(0, test.status(), test.err());
        List<JsonNode> t = lines(test.out()); // stdout: the JSON lines only, also with --profile
        assertEquals(
                fx.dataset.split(Split.TEST).stream().map(Study::id).toList(),
                t.stream().map(j -> j.get("id").asText()).toList());
        checkFormat(t, true);
        assertTrue(test.err().contains("(beam 3)"), test.err());
        // --profile: the table ends stderr, after the summary line
        String err = test.err();
        String table = err.substring(err.indexOf("profile (cpu): " + ProfileTables.TITLE));
        assertTrue(err.indexOf("(beam 3)") < err.indexOf(table), err);
        var ops = ProfileTables.check(table);
        assertTrue(ops.stream().anyMatch(o -> o.op().equals("linear") && o.dir().equals("fwd")), table);
        assertTrue(ops.stream().noneMatch(o -> o.dir().equals("bwd")), "no backward in generation: " + table);
        var stages = ProfileTables.stages(table);
        for (String st : List.of("loading the checkpoint", "data loading", "features and retrieval", "conditioning"))
            assertTrue(stages.containsKey(st), st + " in " + stages);
        assertEquals(stages.get("conditioning"), stages.get("beam search"), "one of each per batch: " + stages);
    }

    @Test
    void imageFilesRunTheWholeChainAndRetrieveLikeTheirCachedStudies() throws Exception {
        List<Study> test = fx.dataset.split(Split.TEST);
        var byData = lines(CliRun.run("generate", "--checkpoint", full.toString(), "--data", fx.data.toString())
                .out());
        String a = image(test.get(0)).toString(), b = image(test.get(1)).toString();
        var once = CliRun.run("generate", "--checkpoint", full.toString(), "--image", a, b);
        var repeated = CliRun.run("generate", "--checkpoint", full.toString(), "--image", a, "--image", b);
        assertEquals(0, once.status(), once.err());
        assertEquals(0, repeated.status(), repeated.err());
        List<JsonNode> x = lines(once.out()), y = lines(repeated.out());
        checkFormat(x, true);
        assertEquals(List.of(a, b), x.stream().map(j -> j.get("id").asText()).toList());
        assertEquals(
                x.stream().map(j -> j.get("id").asText()).toList(),
                y.stream().map(j -> j.get("id").asText()).toList());
        // the foundation model on the image gives the cached f_logit: the same training report is retrieved
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    byData.get(i).get("retrieved_id").asText(),
                    x.get(i).get("retrieved_id").asText());
            assertEquals(
                    byData.get(i).get("retrieved_distance").asDouble(),
                    x.get(i).get("retrieved_distance").asDouble(),
                    1e-3);
        }
    }

    @Test
    void retrieveJsonListsTheNearestTrainingStudiesWithTheirReports() throws Exception {
        Study s = fx.dataset.split(Split.TEST).get(2);
        String img = image(s).toString();
        var r = CliRun.run("retrieve", "--checkpoint", full.toString(), "--image", img, "--top", "4", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = JSON.readTree(r.out().strip());
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("image", "neighbours"), keys);
        assertEquals(img, j.get("image").asText());
        assertEquals(4, j.get("neighbours").size());
        Map<String, String> reports = new HashMap<>();
        fx.dataset.split(Split.TRAIN).forEach(t -> reports.put(t.id(), t.report()));
        double last = -1;
        for (JsonNode n : j.get("neighbours")) {
            List<String> k = new ArrayList<>();
            n.fieldNames().forEachRemaining(k::add);
            assertEquals(List.of("id", "distance", "report"), k);
            assertEquals(reports.get(n.get("id").asText()), n.get("report").asText());
            assertTrue(n.get("distance").asDouble() >= last);
            last = n.get("distance").asDouble();
        }
        JsonNode gen = lines(CliRun.run("generate", "--checkpoint", full.toString(), "--image", img)
                        .out())
                .getFirst();
        assertEquals(
                gen.get("retrieved_id").asText(),
                j.get("neighbours").get(0).get("id").asText());

        var text = CliRun.run("retrieve", "--checkpoint", full.toString(), "--image", img, "--top", "2");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("the 2 nearest training studies"), text.out());
        assertTrue(text.out().contains(j.get("neighbours").get(1).get("id").asText()), text.out());
    }

    @Test
    void aModelWithoutTheLreTakesTheBaselineTop1AndHasNoDistance() throws Exception {
        var r = CliRun.run("generate", "--checkpoint", baseline.toString(), "--data", fx.data.toString());
        assertEquals(0, r.status(), r.err());
        List<JsonNode> lines = lines(r.out());
        checkFormat(lines, false);
        try (CachedFeatures f = CachedFeatures.open(fx.cache, fx.dataset, fx.data, fx.config, fx.configFile)) {
            List<Study> test = fx.dataset.split(Split.TEST);
            for (int i = 0; i < test.size(); i++)
                assertEquals(
                        trainIds().get(f.firstMemory(f.row(test.get(i)))),
                        lines.get(i).get("retrieved_id").asText());
        }
        var ret = CliRun.run(
                "retrieve",
                "--checkpoint",
                baseline.toString(),
                "--image",
                image(fx.dataset.split(Split.TEST).get(0)).toString());
        assertEquals(1, ret.status());
        assertTrue(ret.err().contains("without the LRE"), ret.err());
    }

    /** The new-token count of the summary line ("... ms per report, 7.5 new tokens per report"). */
    static double newTokensPerReport(String summary) {
        var m = java.util.regex.Pattern.compile("([0-9.]+) new tokens per report")
                .matcher(summary);
        assertTrue(m.find(), summary);
        return Double.parseDouble(m.group(1));
    }

    /** {@code generate --checkpoint FULL --data DATA} with one {@code --set} per override. */
    static CliRun generateWith(String... overrides) {
        List<String> args =
                new ArrayList<>(List.of("generate", "--checkpoint", full.toString(), "--data", fx.data.toString()));
        for (String o : overrides) args.addAll(List.of("--set", o));
        return CliRun.run(args.toArray(String[]::new));
    }

    @Test
    void setChangesTheGenerateSectionForThisRunOnly() throws Exception {
        // at most 3 new tokens, never ended early before it (min_length 0)
        var shortRun = generateWith("generate.max_new_tokens=3", "generate.min_length=0");
        assertEquals(0, shortRun.status(), shortRun.err());
        assertTrue(newTokensPerReport(shortRun.err()) <= 3.0, shortRun.err());
        // min_length counts the 19-token prompt: 30 forces at least 11 new tokens per report
        var longRun = generateWith("generate.min_length=30", "generate.max_new_tokens=40", "generate.beams=2");
        assertEquals(0, longRun.status(), longRun.err());
        assertTrue(newTokensPerReport(longRun.err()) >= 11.0, longRun.err());
        assertTrue(longRun.err().contains("(beam 2)"), longRun.err());
        // the checkpoint itself is unchanged: a plain run decodes with its own section again
        var plain = generateWith();
        assertTrue(plain.err().contains("(beam 1)"), plain.err());

        generateWith("train.lr=1").assertFails(1, "--set train.lr=1", "train");
        generateWith("generate.min_lenght=3").assertFails(1, "min_lenght", "min_length");
        generateWith("generate.beams=0").assertFails(1, "beams");
        generateWith("generate.beams").assertFails(1, "KEY=VALUE");
    }

    @Test
    void badUsageIsExitTwo() {
        String img = image(fx.dataset.split(Split.TEST).get(0)).toString();
        for (String[] a : List.of(
                new String[] {"generate", "--checkpoint", full.toString()},
                new String[] {"generate", "--checkpoint", full.toString(), "--data", fx.data.toString(), "--image", img
                },
                new String[] {"generate", "--checkpoint", full.toString(), "--image", img, "--split", "test"},
                new String[] {
                    "generate", "--checkpoint", full.toString(), "--data", fx.data.toString(), "--split", "dev"
                },
                new String[] {"generate", "--checkpoint", full.toString(), "--data", fx.data.toString(), "--beam", "0"},
                new String[] {"retrieve", "--checkpoint", full.toString(), "--image", img, "--top", "0"})) {
            var r = CliRun.run(a);
            assertEquals(2, r.status(), String.join(" ", a) + ": " + r.err());
        }
    }

    @Test
    void missingOrChangedFilesAreClearErrors() throws Exception {
        String img = image(fx.dataset.split(Split.TEST).get(0)).toString();
        String data = fx.data.toString();

        CliRun.run("generate", "--checkpoint", fx.foundation.toString(), "--data", data)
                .assertFails(1, "not a REVTAF checkpoint");
        CliRun.run(
                        "generate",
                        "--checkpoint",
                        full.toString(),
                        "--image",
                        dir.resolve("none.png").toString())
                .assertFails(1, "none.png: no such file");

        // the cache was recomputed since training: its manifest is another file
        Path changed = copy(fx.cache, dir.resolve("cache-changed"));
        Files.writeString(
                changed.resolve(FeatureCache.MANIFEST),
                Files.readString(changed.resolve(FeatureCache.MANIFEST)) + "\n");
        Path c1 = withState("c1", "cache.path", changed);
        CliRun.run("generate", "--checkpoint", c1.toString(), "--data", data)
                .assertFails(1, "c1.safetensors was trained on the cache", "cache-changed", "another cache");

        Path c2 = withState("c2", "cache.path", dir.resolve("gone"));
        CliRun.run("generate", "--checkpoint", c2.toString(), "--data", data)
                .assertFails(1, "feature cache " + dir.resolve("gone") + ", which is gone");

        // a foundation checkpoint other than the one the cache was made with
        Path other = dir.resolve("other-foundation.safetensors");
        GenerateFixture.saveRandomFoundation(other, fx.config, fx.dataset, 99);
        Path c3 = withFoundationPath(full, "c3", other);
        CliRun.run("generate", "--checkpoint", c3.toString(), "--image", img)
                .assertFails(1, other + " is not the foundation checkpoint", "hash");
        assertEquals(
                0,
                CliRun.run("generate", "--checkpoint", c3.toString(), "--data", data)
                        .status(),
                "the cached studies do not need the foundation model");
        Path c4 = withFoundationPath(full, "c4", dir.resolve("no-foundation.safetensors"));
        CliRun.run("retrieve", "--checkpoint", c4.toString(), "--image", img)
                .assertFails(1, "no-foundation.safetensors", "it is gone");

        // the training data moved: --image needs it (the retrieval database's reports); --data DIR may give it
        Path c5 = withState("c5", "data.path", dir.resolve("moved"));
        CliRun.run("generate", "--checkpoint", c5.toString(), "--image", img)
                .assertFails(1, "trained on the data in " + dir.resolve("moved") + ", which is gone");
        assertEquals(
                0,
                CliRun.run("generate", "--checkpoint", c5.toString(), "--data", data)
                        .status());
    }

    @Test
    void anOracleCheckpointHasNoFoundationModelButReadsTheTruthOfOtherSyntheticData() throws Exception {
        Path oracleCache = dir.resolve("oracle-cache");
        GenerateFixture.precompute(fx.data, fx.dataset, fx.config, fx.configFile, null, oracleCache);
        Path oracle = fx.checkpoint("oracle", oracleCache, true, true, 13);
        String img = image(fx.dataset.split(Split.TEST).get(0)).toString();
        CliRun.run("generate", "--checkpoint", oracle.toString(), "--image", img)
                .assertFails(1, "oracle", "no foundation model exists");
        Path other = StageFixtures.synth(dir.resolve("other-data"), 20, 32, 9);
        CliRun r = CliRun.run("generate", "--checkpoint", oracle.toString(), "--data", other.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("ground truth"), r.err());
        List<JsonNode> lines = lines(r.out());
        assertEquals(2, lines.size()); // the test split of 20 studies
        checkFormat(lines, true);
    }

    /** DIR/NAME.safetensors: the trained checkpoint with one state entry set to {@code path}. */
    static Path withState(String name, String key, Path path) {
        return GenerateFixture.withStates(full, dir.resolve(name + ".safetensors"), Map.of(key, path.toString()));
    }

    /** A checkpoint whose cache (a copy) names another foundation checkpoint file, hash unchanged. */
    static Path withFoundationPath(Path ckpt, String name, Path foundation) throws IOException {
        Path c = copy(fx.cache, dir.resolve("cache-" + name));
        Path m = c.resolve(FeatureCache.MANIFEST);
        ObjectNode o = (ObjectNode) JSON.readTree(m.toFile());
        o.put("foundation_path", foundation.toString());
        Files.writeString(m, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        return GenerateFixture.withStates(
                ckpt,
                dir.resolve(name + ".safetensors"),
                Map.of("cache.path", c.toString(), "cache.manifest_hash", RevtafCheckpoint.manifestHash(c)));
    }

    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
        return to;
    }
}
