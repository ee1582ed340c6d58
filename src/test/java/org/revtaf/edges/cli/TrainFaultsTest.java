package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.Checkpoint;

/**
 * {@code train} on bad numbers and damaged checkpoints (issue 20): a cache row that holds NaN or an
 * overflowing value stops the run naming where the values went non-finite, or is skipped and counted
 * with {@code --on-nonfinite skip}; {@code --resume} falls back past a damaged last checkpoint; a
 * damaged checkpoint the user names is an error naming it.
 */
class TrainFaultsTest {
    @RegisterExtension
    static final MicroTrainRun MICRO = new MicroTrainRun();

    static Path nanCache, infCache;

    @BeforeAll
    static void dataAndCaches() throws Exception {
        nanCache = withLrpRow(MICRO.cache(), MICRO.dir().resolve("nan-cache"), 5, Float.NaN);
        infCache = withLrpRow(MICRO.cache(), MICRO.dir().resolve("inf-cache"), 5, Float.NEGATIVE_INFINITY);
    }

    /**
     * A copy of {@code from} in which the LRP of entity 0 of study row {@code row} (a training study),
     * and only that study's, is {@code v}: its lrp_row points to a triplet of entity 0 that no study
     * uses, whose triplet_emb row is filled with {@code v}.
     */
    static Path withLrpRow(Path from, Path to, int row, float v) throws Exception {
        TrainCommandTest.copyTree(from, to);
        Path studies = to.resolve("studies.safetensors"), table = to.resolve("triplet_table.safetensors");
        Map<String, NdArray> st = new LinkedHashMap<>(Safetensors.readAll(studies));
        Map<String, NdArray> tt = new LinkedHashMap<>(Safetensors.readAll(table));
        long[] rows = st.get("lrp_row").toLongs();
        java.util.Set<Long> used = new java.util.HashSet<>();
        for (long r : rows) used.add(r);
        long unused = 0; // entity 0's triplets are rows 0..101
        while (used.contains(unused)) unused++;
        assertTrue(unused < 102, "entity 0 has an unused triplet");
        rows[row * 75] = unused;
        st.put("lrp_row", NdArray.ofLongs(st.get("lrp_row").shape(), rows));
        NdArray emb = tt.get("triplet_emb");
        float[] x = emb.toFloats();
        int dt = (int) emb.shape()[3];
        java.util.Arrays.fill(x, (int) unused * dt, (int) (unused + 1) * dt, v);
        tt.put("triplet_emb", NdArray.ofFloats(emb.shape(), x));
        rewrite(studies, st);
        rewrite(table, tt);
        return to;
    }

    /** Writes {@code tensors} over a safetensors file, keeping its metadata. */
    private static void rewrite(Path file, Map<String, NdArray> tensors) throws Exception {
        Map<String, String> meta;
        try (Safetensors st = Safetensors.open(file)) {
            meta = st.metadata();
        }
        Safetensors.write(file, tensors, meta);
    }

    static CliRun train(Path cache, Path out, String... more) {
        return CliRun.run(MicroTrainRun.trainArgs(MICRO.config(), MICRO.data(), cache, out, more));
    }

    @Test
    void aNonFiniteLossNamesTheModuleAndTensorAndKeepsTheLastGoodCheckpoint() throws Exception {
        // weights blown up by a huge learning rate: some module's output overflows from finite inputs
        Path out = MICRO.dir().resolve("huge");
        CliRun r = train(
                MICRO.cache(),
                out,
                "--set",
                "train.lr=1e30",
                "--set",
                "train.warmup_lr=1e30",
                "--set",
                "train.min_lr=1e30",
                "--set",
                "train.checkpoint_every=1");
        assertEquals(1, r.status(), r.err());
        Matcher m = Pattern.compile("non-finite (loss|gradient) at step (\\d+) .*: module ([a-z0-9_.]+)[,:] ")
                .matcher(r.err());
        assertTrue(m.find(), r.err());
        assertTrue(r.err().contains(" holds "), r.err());
        assertTrue(r.err().contains("the last good checkpoint is " + out.resolve("last.safetensors")), r.err());
        long failed = Long.parseLong(m.group(2));
        assertEquals(
                failed - 1, Checkpoint.load(out.resolve("last.safetensors")).step());
        assertFalse(r.err().contains("\tat org."), "no stack trace: " + r.err());

        // an infinite input: the loss names the batch input as where the values came from
        r = train(infCache, MICRO.dir().resolve("inf"));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("first non-finite: the batch input 'lrp' [8, 75, "), r.err());
        assertTrue(r.err().contains("holds -inf"), r.err());
    }

    @Test
    void detectAnomalyNamesTheNanAtItsSourceAndSkipCountsTheSkippedSteps() throws Exception {
        Path out = MICRO.dir().resolve("anomaly");
        CliRun r = train(nanCache, out, "--detect-anomaly");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("(--detect-anomaly): the batch input 'lrp' [8, 75, "), r.err());
        assertTrue(r.err().contains("holds NaN"), r.err());

        // the same data, skipping: the study is in one batch per epoch, so 2 of the 8 steps are skipped
        Path skip = MICRO.dir().resolve("skip");
        r = train(nanCache, skip, "--on-nonfinite", "skip", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(
                2, r.err().lines().filter(l -> l.contains("skipped the step")).count(), r.err());
        assertTrue(r.err().contains("(--on-nonfinite skip; 2 skipped so far)"), r.err());
        List<String> lines = Files.readAllLines(skip.resolve("metrics.csv"));
        assertTrue(lines.get(0).endsWith(",CE_F1,skipped_steps,wall_s"), lines.get(0));
        String[] lastStep = lines.get(lines.size() - 2).split(",", -1);
        assertEquals("8", lastStep[0]);
        assertEquals("2", lastStep[lastStep.length - 2], "skipped_steps counts all skipped steps");
        for (String l : lines.subList(1, lines.size()))
            assertFalse(l.contains("nan") || l.contains("inf"), "no non-finite value is logged: " + l);
        Checkpoint last = Checkpoint.load(skip.resolve("last.safetensors"));
        assertEquals(8, last.step());
        for (Map.Entry<String, NdArray> e : last.model().entrySet())
            for (float v : e.getValue().toFloats()) assertTrue(Float.isFinite(v), e.getKey());
        assertEquals("2", last.state().get("skipped_steps"));

        r = train(MICRO.cache(), MICRO.dir().resolve("bad-flag"), "--on-nonfinite", "ignore");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--on-nonfinite must be fail or skip, got 'ignore'"), r.err());
    }

    @Test
    void resumeFallsBackPastADamagedLastCheckpointNamingBoth() throws Exception {
        Path out = MICRO.dir().resolve("damaged");
        CliRun r = train(MICRO.cache(), out, "--stop-after", "3", "--set", "train.checkpoint_every=1");
        assertEquals(0, r.status(), r.err());
        Path last = out.resolve("last.safetensors");
        byte[] b = Files.readAllBytes(last);
        b[b.length / 2] ^= 1;
        Files.write(last, b);
        r = train(MICRO.cache(), out, "--resume", "--set", "train.checkpoint_every=1");
        assertEquals(0, r.status(), r.err());
        Path step3 = out.resolve("checkpoints/step-3.safetensors");
        assertTrue(r.err().contains(last + " is damaged"), r.err());
        assertTrue(r.err().contains("using " + step3 + " (step 3) instead of the damaged " + last), r.err());
        assertTrue(r.err().contains("resuming " + out + " at step 3"), r.err());
        assertArrayEquals(b, Files.readAllBytes(out.resolve("last.safetensors.damaged")), "kept as it was");
        assertEquals(8, Checkpoint.load(last).step(), "the run went on to its end");
        assertEquals(1 + 8 + 2, Files.readAllLines(out.resolve("metrics.csv")).size());
    }
}
