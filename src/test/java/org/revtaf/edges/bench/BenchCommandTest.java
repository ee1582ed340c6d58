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
    /** {@code revtaf bench ARGS --json}, ARGS written as on a command line, succeeds: its JSON object. */
    private static JsonNode json(String args) throws Exception {
        CliRun r = CliRun.run(("bench " + args + " --json").split(" "));
        assertEquals(0, r.status(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void gemmJsonHasTheContractKeysAndPlausibleFigures() throws Exception {
        int t = Parallel.threads();
        try {
            JsonNode j = json("gemm --m 64 --n 48 --k 33 --seconds 0.05 --warmup 0.01 --threads 1");
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
            JsonNode j = json("conv --device " + device + " --batch 1 --size 16 --pass train --seconds 0.01");
            assertEquals("conv", j.get("name").asText());
            assertEquals(device, j.get("device").asText());
            assertTrue(j.get("gflops").asDouble() > 0);
            assertTrue(j.get("layers_gflops").has("stem7x7s2"));
        }
    }

    @Test
    void attentionTimesFusedAgainstTheUnfusedCompositionWhichAgree() throws Exception {
        for (String device : new String[] {"cpu", "reference", "cuda-emu"}) {
            if (device.equals("cuda-emu")
                    && !org.revtaf.engine.backend.Backends.isAvailable(org.revtaf.engine.tensor.Device.CUDA_EMU))
                continue; // the emulator library is built by the Maven build; CI has it
            for (String pass : new String[] {"forward", "train"}) {
                JsonNode j = json("attention --device " + device + " --batch 2 --heads 2 --seq 9 --dim 8 --pass " + pass
                        + " --seconds 0.01");
                assertEquals("attention", j.get("name").asText());
                assertEquals(device, j.get("device").asText());
                double flops = 4.0 * 2 * 2 * 9 * 9 * 8 * (pass.equals("train") ? 3 : 1);
                assertEquals(
                        flops / j.get("seconds").asDouble() * 1e-9,
                        j.get("gflops").asDouble(),
                        1e-9);
                assertEquals(
                        j.get("unfused_seconds").asDouble() / j.get("seconds").asDouble(),
                        j.get("fused_speedup").asDouble(),
                        1e-9);
                assertTrue(j.get("max_abs_diff").asDouble() < 1e-5, j.toString());
            }
        }
        CliRun.run("bench", "attention", "--causal", "maybe").assertFails(2, "--causal must be true or false");
    }

    @Test
    void badUsageExitsTwoWithAClearMessage() {
        CliRun.run("bench", "nope").assertFails(2, "unknown workload 'nope'", "gemm, conv");
        CliRun.run("bench", "gemm", "--device", "cuda")
                .assertFails(2, "does not run on device 'cuda'", "cpu, reference");
        CliRun.run("bench", "gemm", "--mm", "3").assertFails(2, "unknown option --mm", "--m, --n, --k");
        CliRun.run("bench", "gemm", "--m", "abc").assertFails(2, "--m must be an integer");
        CliRun.run("bench", "conv", "--pass", "sideways").assertFails(2, "--pass must be forward or train");
    }

    @Test
    void aRepeatedWorkloadOptionIsBadUsageNamingIt() {
        CliRun.run("bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--m", "16")
                .assertFails(2, "option --m given more than once ('8' and '16')");
        CliRun.run("bench", "gemm", "--seconds=0.01", "--k", "8", "--seconds", "0.02")
                .assertFails(2, "option --seconds given more than once");
        CliRun.run("bench", "gemm", "--device", "cpu", "--m", "8", "--device", "reference")
                .assertFails(2, "--device");
    }

    @Test
    void zeroWarmupIsAllowedAndNegativeIsNot() throws Exception {
        JsonNode j = json("gemm --m 8 --n 8 --k 8 --seconds 0.001 --warmup 0");
        assertEquals("gemm", j.get("name").asText());
        assertTrue(j.get("gflops").asDouble() > 0);
        for (String bad : new String[] {"-1", "-0.5", "NaN", "Infinity"}) {
            CliRun.run("bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--warmup", bad)
                    .assertFails(2, "--warmup must be a number >= 0, got " + bad);
        }
        CliRun.run("bench", "gemm", "--m", "8", "--seconds", "0")
                .assertFails(2, "--seconds must be a positive number, got 0");
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
                java.util.List.of("bench", "train-step", "--config", micro),
                "--batch 2 --warmup 0 --iters 1 --json --profile".split(" "));
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
            CliRun.run("bench", "train-step", "--config", noModel.toString())
                    .assertFails(1, "is not a config for bench train-step: it has no 'text' section");
        } finally {
            java.nio.file.Files.deleteIfExists(noModel);
        }
        CliRun.run("bench", "train-step").assertFails(2, "--config");
    }
}
