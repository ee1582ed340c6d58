package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.train.Trainer;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.Checkpoint;

/**
 * {@code revtaf train} end to end on a synthetic set of 40 studies with the micro config (32
 * training studies, 2 epochs of 4 steps): the files of a run, resume equal to an uninterrupted run,
 * and the errors of bad input.
 */
class TrainCommandTest {
    @RegisterExtension
    static final MicroTrainRun MICRO = new MicroTrainRun();

    /** The rows of a metrics.csv without the wall_s column. */
    static List<String> rowsWithoutWall(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.csv")))
            out.add(line.substring(0, line.lastIndexOf(',')));
        return out;
    }

    @Test
    void aRunWritesEveryFileAndResumingEqualsTheUninterruptedRun() throws Exception {
        Path full = MICRO.dir().resolve("full");
        CliRun r = CliRun.run(MICRO.train(full, "--json"));
        assertEquals(0, r.status(), r.err());
        for (String f : List.of(
                "metrics.csv",
                "last.safetensors",
                "best.safetensors",
                "config.yaml",
                "log.txt",
                "run.json",
                "checkpoints/step-8.safetensors",
                "checkpoints/step-6.safetensors")) assertTrue(Files.isRegularFile(full.resolve(f)), f);
        try (Stream<Path> s = Files.list(full.resolve("checkpoints"))) {
            assertEquals(2, s.count(), "keep_checkpoints: 2 keeps the two newest step files");
        }
        List<String> lines = Files.readAllLines(full.resolve("metrics.csv"));
        assertEquals(
                "step,epoch,lr,loss,loss_lm,loss_cls,loss_rank,loss_fcc,BLEU_1,BLEU_2,BLEU_3,BLEU_4,METEOR,ROUGE_L,"
                        + "CIDEr,CE_P,CE_R,CE_F1,wall_s",
                lines.get(0));
        assertEquals(1 + 8 + 2, lines.size(), "a step row per step (log_every 1) and one validation row per epoch");
        assertTrue(lines.get(5).startsWith("4,1,,,,,,,"), "validation row after epoch 1: " + lines.get(5));
        JsonNode j = r.lastJson();
        for (String k : Trainer.VALIDATION) assertTrue(j.has(k), k + " in " + j);
        assertTrue(j.get("best_step").asLong() == 4 || j.get("best_step").asLong() == 8, j.toString());
        assertTrue(j.get("seconds").asDouble() > 0);

        Map<String, String> meta;
        try (Safetensors st = Safetensors.open(full.resolve("last.safetensors"))) {
            meta = st.metadata();
        }
        for (String k : List.of(
                "state.kind",
                "state.cache.path",
                "state.cache.manifest_hash",
                "state.cache.dataset_hash",
                "state.cache.config_hash",
                "state.foundation.path",
                "state.foundation.hash",
                "state.scheduler.epoch",
                "state.best.CE_F1",
                "config")) assertTrue(meta.containsKey(k), k + " in " + meta.keySet());
        assertEquals("revtaf", meta.get("state.kind"));
        assertEquals("truth", meta.get("state.foundation.hash"));
        assertEquals("3", meta.get("state.scheduler.epoch"), "the position after the last epoch: finished");

        // stopped mid-epoch, then resumed: the rows of an uninterrupted run, bit for bit
        Path split = MICRO.dir().resolve("split");
        r = CliRun.run(MICRO.train(split, "--stop-after", "3"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("stopped after step 3"), r.out());
        assertFalse(Files.exists(split.resolve("best.safetensors")), "no validation before the stop");
        assertEquals(4, Files.readAllLines(split.resolve("metrics.csv")).size(), "header and steps 1-3");
        r = CliRun.run(MICRO.train(split, "--resume"));
        assertEquals(0, r.status(), r.err());
        assertEquals(
                Files.readAllLines(full.resolve("metrics.csv")).size(),
                Files.readAllLines(split.resolve("metrics.csv")).size());
        Checkpoint a = Checkpoint.load(full.resolve("last.safetensors"));

        // resuming a finished run says so and exits 0
        r = CliRun.run(MICRO.train(full, "--resume", "--json"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("is finished"), r.out());
        assertEquals(j.get("CE_F1"), r.lastJson().get("CE_F1"));

        // a checkpoint of another model, or of another kind, is refused on resume
        Path other = copyRun(full, "other-model");
        Map<String, NdArray> fewer = new LinkedHashMap<>(a.model());
        fewer.keySet().removeIf(k -> k.startsWith("fvtaf."));
        new Checkpoint(a.step(), fewer, a.optimizer(), a.rng(), a.state(), a.config())
                .withScheduler(new org.revtaf.learning.optim.LrSchedule.State(2, 1))
                .save(other.resolve("last.safetensors"));
        r = CliRun.run(MICRO.train(other, "--resume"));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("another model") && r.err().contains("missing fvtaf."), r.err());
        Map<String, String> foundation = new LinkedHashMap<>(a.state());
        foundation.put("kind", "foundation");
        new Checkpoint(a.step(), a.model(), Map.of(), Map.of(), foundation, a.config())
                .save(other.resolve("last.safetensors"));
        r = CliRun.run(MICRO.train(other, "--resume"));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("not a REVTAF checkpoint (kind 'foundation')"), r.err());

        // resuming on another cache (a different manifest) is refused, naming both
        Path cache2 = MICRO.dir().resolve("cache2");
        copyTree(MICRO.cache(), cache2);
        Files.writeString(cache2.resolve("manifest.json"), Files.readString(cache2.resolve("manifest.json")) + "\n");
        Path mid = MICRO.dir().resolve("mid");
        assertEquals(0, CliRun.run(MICRO.train(mid, "--stop-after", "2")).status());
        r = CliRun.run(MicroTrainRun.trainArgs(MICRO.config(), MICRO.data(), cache2, mid, "--resume"));
        assertEquals(1, r.status(), r.err());
        assertTrue(
                r.err().contains("was trained on the cache " + MICRO.cache())
                        && r.err().contains(cache2.toString()),
                r.err());
    }

    /**
     * A run stopped after step 3 and resumed writes the rows and weights of an uninterrupted run, bit
     * for bit. Both run in one child JVM whose JIT stops at C1: C2 compiles the Vector API's lane
     * reductions and exp into code that rounds differently from the interpreter's, so runs that meet
     * the kernels in different compilation states differ in the last bits (see benchmarks/README.md);
     * with one numeric code path the comparison is exact.
     */
    @Test
    void aResumedRunEqualsTheUninterruptedOneBitForBit() throws Exception {
        Path full = MICRO.dir().resolve("c1-full"), split = MICRO.dir().resolve("c1-split");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("--add-modules")
                    || a.startsWith("--enable-native-access")
                    || a.startsWith("-D")
                    || a.startsWith("-Xss")) cmd.add(a);
        cmd.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ResumeEquality.class.getName(),
                MICRO.config(),
                MICRO.data().toString(),
                MICRO.cache().toString(),
                full.toString(),
                split.toString(),
                "3"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        assertEquals(rowsWithoutWall(full), rowsWithoutWall(split), log);
        Checkpoint a = Checkpoint.load(full.resolve("last.safetensors"));
        Checkpoint b = Checkpoint.load(split.resolve("last.safetensors"));
        assertEquals(a.scheduler(), b.scheduler());
        for (Map.Entry<String, NdArray> e : a.model().entrySet())
            assertArrayEquals(e.getValue().toFloats(), b.model().get(e.getKey()).toFloats(), e.getKey());
        for (Map.Entry<String, NdArray> e : a.optimizer().entrySet())
            assertArrayEquals(
                    e.getValue().toFloats(), b.optimizer().get(e.getKey()).toFloats(), e.getKey());
    }

    @Test
    void theSwitchesAndTheHyperbolicGrpSourceTrain() throws Exception {
        Path base = MICRO.dir().resolve("baseline");
        CliRun r = CliRun.run(
                MICRO.train(base, "--set", "model.lre=false", "--set", "model.fvtaf=false", "--set", "train.epochs=1"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("lre off, fvtaf off"), r.err());
        Checkpoint best = Checkpoint.load(base.resolve("best.safetensors"));
        assertTrue(best.model().keySet().stream().noneMatch(k -> k.startsWith("lre.") || k.startsWith("fvtaf.")));
        List<String> rows = Files.readAllLines(base.resolve("metrics.csv"));
        assertTrue(rows.get(1).matches("1,1,[^,]+,[^,]+,[^,]+,[^,]+,0,0,.*"), "rank and fcc are 0: " + rows.get(1));

        assertFalse(r.err().contains(ProfileTables.TITLE), "no table without --profile: " + r.err());
        assertFalse(Files.exists(base.resolve("profile.txt")));

        Path fvtaf = MICRO.dir().resolve("fvtaf-only");
        r = CliRun.run(MICRO.train(fvtaf, "--set", "model.lre=false", "--set", "train.epochs=1", "--profile"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("validation epoch 1"), r.err());
        // --profile: the table on stderr and in RUN/profile.txt, stdout as without it
        String table = Files.readString(fvtaf.resolve("profile.txt"));
        assertTrue(r.err().endsWith(table), "the table ends stderr:\n" + r.err());
        assertFalse(r.out().contains(ProfileTables.TITLE), r.out());
        assertTrue(r.out().startsWith("train: 4 steps"), r.out());
        var ops = ProfileTables.check(table);
        var names = ops.stream().map(x -> x.op() + " " + x.dir()).toList();
        for (String op : List.of("linear fwd", "linear bwd", "grad_accumulate bwd"))
            assertTrue(names.contains(op), op + " in " + names);
        assertTrue(ops.stream().allMatch(x -> x.calls() > 0 && x.mb() >= 0), table);
        var stages = ProfileTables.stages(table);
        for (String st : List.of("data loading", "batch inputs", "forward", "backward", "optimizer step"))
            assertEquals(4L, stages.get(st), st + " once per step (4 steps): " + stages);
        assertEquals(1L, stages.get("validation"), table);
        assertTrue(stages.get("validation/beam search") >= 1, table);
        assertEquals(2L, stages.get("checkpoint"), "saves at step 2 (checkpoint_every) and after the epoch: " + stages);

        Path hyp = MICRO.dir().resolve("hyperbolic");
        r = CliRun.run(MICRO.train(hyp, "--set", "model.lre=false", "--set", "train.grp_source=hyperbolic"));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("it needs model.lre: true"), r.err());
        assertFalse(Files.exists(hyp));
        r = CliRun.run(MICRO.train(hyp, "--set", "train.grp_source=hyperbolic", "--stop-after", "2"));
        assertEquals(0, r.status(), r.err());
        assertEquals(3, Files.readAllLines(hyp.resolve("metrics.csv")).size());
    }

    @Test
    void aCacheOfOtherDataOrAnotherConfigIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path smaller = StageFixtures.synth(MICRO.dir().resolve("data30"), 30, 32, 3);
        Path out = MICRO.dir().resolve("refused");
        CliRun r = CliRun.run(MicroTrainRun.trainArgs(MICRO.config(), smaller, MICRO.cache(), out));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("was not made from --data " + smaller), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        r = CliRun.run(MICRO.train(out, "--set", "precompute.max_sentences=5"));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("made with another config"), r.err());

        Path noModel = Files.writeString(
                MICRO.dir().resolve("no-model.yaml"),
                Files.readString(StageFixtures.microTrainConfig()).replaceAll("(?s)\nmodel:.*?\ntrain:", "\ntrain:"));
        r = CliRun.run(MicroTrainRun.trainArgs(noModel.toString(), MICRO.data(), MICRO.cache(), out));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains(noModel + " is not a config for train: it has no 'model' section"), r.err());
        assertFalse(Files.exists(out), "nothing written");

        r = CliRun.run(MICRO.train(out, "--stop-after", "0"));
        assertEquals(2, r.status(), r.err());
    }

    static Path copyRun(Path from, String name) throws Exception {
        Path to = MICRO.dir().resolve(name);
        copyTree(from, to);
        return to;
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
