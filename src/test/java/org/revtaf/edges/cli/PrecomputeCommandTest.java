package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.pipeline.StageFixtures;

class PrecomputeCommandTest {
    @TempDir
    static Path dir;

    static Path data;
    static String config;

    @BeforeAll
    static void data() {
        data = StageFixtures.synth(dir.resolve("data"), 30, 32, 11);
        config = StageFixtures.microConfig().toString();
    }

    @Test
    void oracleCacheThenUpToDateWithJsonOnTheLastLine() throws Exception {
        Path cache = dir.resolve("cache");
        String[] truth = StageFixtures.oracleCacheArgs(config, data, cache);
        CliRun r = CliRun.run(concat(truth, "--json"));
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isRegularFile(cache.resolve("manifest.json")));
        JsonNode j = r.lastJson();
        assertFalse(j.get("up_to_date").asBoolean());
        assertEquals(30, j.get("studies").asInt());
        assertTrue(r.err().contains("seeded initialisation"), r.err());

        r = CliRun.run(truth);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("up to date"), r.out());
    }

    @Test
    void badUsageIsExitTwoAndBadInputExitOneWithOneMessage() throws Exception {
        Path cache = dir.resolve("c2");
        String[] base = {"precompute", "--config", config, "--data", data.toString(), "--out", cache.toString()};
        CliRun r = CliRun.run(concat(base, "--foundation", "truth", "--device", "tpu"));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("tpu"), r.err());
        r = CliRun.run(concat(base, "--foundation", "x.safetensors", "--text-encoder", "y.safetensors"));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--text-encoder"), r.err());

        r = CliRun.run(
                concat(base, "--foundation", dir.resolve("missing.safetensors").toString()));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("missing.safetensors") && r.err().contains("no such file"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path notCkpt = Files.writeString(dir.resolve("junk.safetensors"), "garbage, not a checkpoint");
        r = CliRun.run(concat(base, "--foundation", notCkpt.toString()));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("junk.safetensors"), r.err());

        Path noPrecompute = Files.writeString(dir.resolve("data-only.yaml"), "seed: 1\n");
        r = CliRun.run(
                "precompute",
                "--config",
                noPrecompute.toString(),
                "--data",
                data.toString(),
                "--foundation",
                "truth",
                "--out",
                cache.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("is not a config for precompute: it has no 'precompute' section"), r.err());
        assertFalse(Files.exists(cache));
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
