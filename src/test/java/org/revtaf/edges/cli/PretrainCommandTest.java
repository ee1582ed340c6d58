package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.pipeline.StageFixtures;

class PretrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void pretrainPrintsTheTableAndJsonThenResumeOfAFinishedRunSaysSo() throws Exception {
        Path data = StageFixtures.synth(dir.resolve("data"), 40, 32, 13);
        String cfg = StageFixtures.microConfig().toString();
        Path run = dir.resolve("run");
        var r = CliRun.run("pretrain", "--config", cfg, "--data", data.toString(), "--out", run.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = r.lastJson();
        assertTrue(
                j.has("val_auroc")
                        && j.has("val_position_acc")
                        && j.get("seconds").asDouble() > 0,
                j.toString());
        assertTrue(r.out().contains("entity\tpositives\tnegatives\tauroc"), r.out());
        assertTrue(r.err().contains("pretrain entity: epoch 1/1"), r.err());
        assertTrue(Files.isRegularFile(run.resolve("foundation.safetensors")));

        r = CliRun.run(
                "pretrain", "--config", cfg, "--data", data.toString(), "--out", run.toString(), "--resume", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("is finished"), r.out());
        assertTrue(r.lastJson().get("already_finished").asBoolean());

        r = CliRun.run("pretrain", "--config", cfg, "--data", data.toString(), "--out", run.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("already holds a pretrain run") && r.err().contains("--resume"), r.err());
    }

    @Test
    void usageAndConfigErrors() throws Exception {
        Path data = StageFixtures.synth(dir.resolve("data"), 12, 32, 14);
        String cfg = StageFixtures.microConfig().toString();
        var r = CliRun.run("pretrain", "--config", cfg, "--data", data.toString());
        assertEquals(2, r.status(), "--out is required");
        r = CliRun.run("pretrain", "--config", cfg, "--data", data.toString(), "--out", "", "--device", "cpu");
        assertEquals(2, r.status());
        r = CliRun.run("pretrain", "--config", cfg, "--data", data.toString(), "--out", "x", "--threads", "0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--threads"), r.err());
        Path noFoundation = Files.writeString(dir.resolve("pre.yaml"), "precompute: {memory_k: 3}\n");
        Path run = dir.resolve("run");
        r = CliRun.run(
                "pretrain", "--config", noFoundation.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("is not a config for pretrain: it has no 'data' section"), r.err());
        assertFalse(Files.exists(run));
        r = CliRun.run(
                "pretrain",
                "--config",
                cfg,
                "--data",
                data.toString(),
                "--out",
                run.toString(),
                "--set",
                "foundation.decoder.dd=2");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("foundation.decoder.dd"), r.err());
    }
}
