package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.pipeline.StageFixtures;
import picocli.CommandLine;

class PrecomputeCommandTest {
    @TempDir
    static Path dir;

    static Path data;
    static String config;

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = Main.execute(cl, args);
        return new Result(status, out.toString(), err.toString());
    }

    @BeforeAll
    static void data() {
        data = StageFixtures.synth(dir.resolve("data"), 30, 32, 11);
        config = StageFixtures.microConfig().toString();
    }

    @Test
    void oracleCacheThenUpToDateWithJsonOnTheLastLine() throws Exception {
        Path cache = dir.resolve("cache");
        String[] truth = {
            "precompute",
            "--config",
            config,
            "--data",
            data.toString(),
            "--foundation",
            "truth",
            "--out",
            cache.toString()
        };
        Result r = run(concat(truth, "--json"));
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isRegularFile(cache.resolve("manifest.json")));
        JsonNode j = new ObjectMapper()
                .readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertFalse(j.get("up_to_date").asBoolean());
        assertEquals(30, j.get("studies").asInt());
        assertTrue(r.err().contains("seeded initialisation"), r.err());

        r = run(truth);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("up to date"), r.out());
    }

    @Test
    void badUsageIsExitTwoAndBadInputExitOneWithOneMessage() throws Exception {
        Path cache = dir.resolve("c2");
        String[] base = {"precompute", "--config", config, "--data", data.toString(), "--out", cache.toString()};
        Result r = run(concat(base, "--foundation", "truth", "--device", "tpu"));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("tpu"), r.err());
        r = run(concat(base, "--foundation", "x.safetensors", "--text-encoder", "y.safetensors"));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--text-encoder"), r.err());

        r = run(concat(base, "--foundation", dir.resolve("missing.safetensors").toString()));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("missing.safetensors") && r.err().contains("no such file"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path notCkpt = Files.writeString(dir.resolve("junk.safetensors"), "garbage, not a checkpoint");
        r = run(concat(base, "--foundation", notCkpt.toString()));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("junk.safetensors"), r.err());

        Path noPrecompute = Files.writeString(dir.resolve("data-only.yaml"), "seed: 1\n");
        r = run(
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
