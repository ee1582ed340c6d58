package org.revtaf.edges.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.revtaf.edges.cli.CliRun;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.engine.backend.cpu.kernels.Parallel;

class BenchCommandTest {
    @Test
    void gemmJsonHasTheContractKeysAndPlausibleFigures() throws Exception {
        int t = Parallel.threads();
        try {
            CliRun r = CliRun.run(
                    "bench",
                    "gemm",
                    "--m",
                    "64",
                    "--n",
                    "48",
                    "--k",
                    "33",
                    "--json",
                    "--seconds",
                    "0.05",
                    "--warmup",
                    "0.01",
                    "--threads",
                    "1");
            assertEquals(0, r.status(), r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertEquals("gemm", j.get("name").asText());
            assertEquals("cpu", j.get("device").asText());
            assertEquals(1, j.get("threads").asInt());
            double seconds = j.get("seconds").asDouble(),
                    gflops = j.get("gflops").asDouble();
            assertTrue(seconds > 0 && gflops > 0);
            assertEquals(2.0 * 64 * 48 * 33 / seconds * 1e-9, gflops, 1e-6 * gflops);
        } finally {
            Parallel.setThreads(t);
        }
    }

    @Test
    void convRunsOnReferenceAndCpu() throws Exception {
        for (String device : new String[] {"cpu", "reference"}) {
            CliRun r = CliRun.run(
                    "bench",
                    "conv",
                    "--device",
                    device,
                    "--batch",
                    "1",
                    "--size",
                    "16",
                    "--pass",
                    "train",
                    "--seconds",
                    "0.01",
                    "--json");
            assertEquals(0, r.status(), r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertEquals("conv", j.get("name").asText());
            assertEquals(device, j.get("device").asText());
            assertTrue(j.get("gflops").asDouble() > 0);
            assertTrue(j.get("layers_gflops").has("stem7x7s2"));
        }
    }

    @Test
    void badUsageExitsTwoWithAClearMessage() {
        CliRun unknown = CliRun.run("bench", "nope");
        assertEquals(2, unknown.status());
        assertTrue(
                unknown.err().contains("unknown workload 'nope'")
                        && unknown.err().contains("gemm, conv"),
                unknown.err());
        CliRun device = CliRun.run("bench", "gemm", "--device", "cuda");
        assertEquals(2, device.status());
        assertTrue(device.err().contains("does not run on device 'cuda'")
                && device.err().contains("cpu, reference"));
        CliRun option = CliRun.run("bench", "gemm", "--mm", "3");
        assertEquals(2, option.status());
        assertTrue(
                option.err().contains("unknown option --mm") && option.err().contains("--m, --n, --k"), option.err());
        CliRun value = CliRun.run("bench", "gemm", "--m", "abc");
        assertEquals(2, value.status());
        assertTrue(value.err().contains("--m must be an integer"), value.err());
        CliRun pass = CliRun.run("bench", "conv", "--pass", "sideways");
        assertEquals(2, pass.status());
        assertTrue(pass.err().contains("--pass must be forward or train"));
    }

    @Test
    void aRepeatedWorkloadOptionIsBadUsageNamingIt() {
        CliRun r = CliRun.run("bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--m", "16");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.err().contains("option --m given more than once ('8' and '16')"), r.err());
        CliRun eq = CliRun.run("bench", "gemm", "--seconds=0.01", "--k", "8", "--seconds", "0.02");
        assertEquals(2, eq.status());
        assertTrue(eq.err().contains("option --seconds given more than once"), eq.err());
        CliRun device = CliRun.run("bench", "gemm", "--device", "cpu", "--m", "8", "--device", "reference");
        assertEquals(2, device.status());
        assertTrue(device.err().contains("--device"), device.err());
    }

    @Test
    void zeroWarmupIsAllowedAndNegativeIsNot() throws Exception {
        CliRun zero = CliRun.run(
                "bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--seconds", "0.001", "--warmup", "0", "--json");
        assertEquals(0, zero.status(), zero.err());
        JsonNode j = new ObjectMapper().readTree(zero.out());
        assertEquals("gemm", j.get("name").asText());
        assertTrue(j.get("gflops").asDouble() > 0);
        for (String bad : new String[] {"-1", "-0.5", "NaN", "Infinity"}) {
            CliRun r = CliRun.run("bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--warmup", bad);
            assertEquals(2, r.status(), bad);
            assertTrue(r.err().contains("--warmup must be a number >= 0, got " + bad), r.err());
        }
        CliRun seconds = CliRun.run("bench", "gemm", "--m", "8", "--seconds", "0");
        assertEquals(2, seconds.status());
        assertTrue(seconds.err().contains("--seconds must be a positive number, got 0"), seconds.err());
    }

    @Test
    void listShowsWorkloadsWithOptions() {
        CliRun r = CliRun.run("bench", "--list");
        assertEquals(0, r.status());
        for (Workload w : Workloads.ALL) assertTrue(r.out().contains(w.name()), w.name());
        assertTrue(r.out().contains("--batch"));
    }

    @Test
    void trainStepTimesTheWholeStepOfAConfigAndNamesAMissingSection() throws Exception {
        String micro = StageFixtures.microTrainConfig().toString();
        CliRun r = CliRun.run(
                "bench",
                "train-step",
                "--config",
                micro,
                "--batch",
                "2",
                "--warmup",
                "0",
                "--iters",
                "1",
                "--json",
                "--profile");
        assertEquals(0, r.status(), r.err());
        // --profile: the op table of the whole workload on stderr, the JSON alone on stdout
        var ops = org.revtaf.edges.cli.ProfileTables.check(r.err());
        assertTrue(ops.stream().anyMatch(o -> o.op().equals("linear") && o.dir().equals("bwd")), r.err());
        var stages = org.revtaf.edges.cli.ProfileTables.stages(r.err());
        for (String st : java.util.List.of("forward", "backward", "optimizer step"))
            assertTrue(stages.getOrDefault(st, 0L) >= 1, st + " in " + stages);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("train-step", j.get("name").asText());
        assertEquals(2, j.get("batch").asInt());
        assertEquals(32, j.get("image_size").asInt());
        assertTrue(j.get("seconds").asDouble() > 0 && j.get("items_per_s").asDouble() > 0, j.toString());
        assertTrue(j.get("peak_heap_mb").asLong() > 0 && j.get("live_heap_mb").asLong() > 0, j.toString());
        assertTrue(j.get("parameters").asLong() > 1000, j.toString());

        java.nio.file.Path noModel = java.nio.file.Files.createTempFile("no-model", ".yaml");
        try {
            java.nio.file.Files.writeString(noModel, "seed: 1\ndata:\n  crop: 32\n  resize: 32\n");
            r = CliRun.run("bench", "train-step", "--config", noModel.toString());
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("is not a config for bench train-step: it has no 'text' section"), r.err());
        } finally {
            java.nio.file.Files.deleteIfExists(noModel);
        }
        r = CliRun.run("bench", "train-step");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--config"), r.err());
    }
}
