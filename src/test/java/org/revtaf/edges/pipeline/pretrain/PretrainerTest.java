package org.revtaf.edges.pipeline.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Datasets;
import org.revtaf.edges.pipeline.Hashes;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.RunConfig;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.cache.CacheManifest;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.edges.pipeline.cache.Precompute;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.Checkpoint;
import org.revtaf.learning.nn.NnTesting;

/** The pretrain stage end to end at micro sizes: outputs, resume equality, checkpoint checks, precompute on it. */
class PretrainerTest {
    @TempDir
    static Path dir;

    static Path data;
    static Dataset dataset;
    static RunConfig cfg;
    static Path runA;
    static Pretrainer.Result a;

    static final List<String> SET = List.of("foundation.train.epochs=2");

    static Pretrainer.Result pretrain(Path out, boolean resume, Writer err) {
        return Pretrainer.run(
                new Pretrainer.Request(
                        "--data " + data, dataset, cfg, StageFixtures.microConfig(), out, Device.CPU, resume),
                new Log(new PrintWriter(err), false));
    }

    @BeforeAll
    static void runOnce() {
        data = StageFixtures.synth(dir.resolve("data"), 60, 32, 21);
        dataset = Datasets.open(data, Datasets.Where.DEFAULT, BadSamplePolicy.FAIL, s -> {});
        cfg = RunConfig.load(StageFixtures.microConfig(), SET);
        // a first run warms the JIT up: the cpu kernels' vector reductions round differently before and
        // after C2 compiles them, so only runs made after the warm-up are compared with each other
        pretrain(dir.resolve("warm-up"), false, new StringWriter());
        runA = dir.resolve("a");
        a = pretrain(runA, false, new StringWriter());
    }

    @Test
    void aRunWritesItsFilesAndMetricsRows() throws Exception {
        assertFalse(a.alreadyFinished());
        for (String f : List.of(
                "foundation.safetensors",
                "last.safetensors",
                "metrics.csv",
                "config.yaml",
                "log.txt",
                "run.json",
                "val_entities.csv")) assertTrue(Files.isRegularFile(runA.resolve(f)), f);
        List<String> rows = Files.readAllLines(runA.resolve("metrics.csv"));
        assertEquals(
                "phase,epoch,step,lr,loss,loss_ce,loss_position,val_mlm_loss,val_auroc,val_position_acc,wall_s",
                rows.get(0));
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("mlm,1,")), rows.toString());
        long valRows = rows.stream()
                .filter(r -> r.startsWith("entity,") && r.matches(".*,,,,,,[^,]+,[^,]+,[^,]+"))
                .count();
        assertEquals(2, valRows, "one validation row per entity epoch: " + rows);
        assertTrue(Files.readString(runA.resolve("log.txt")).contains("pretrain entity: epoch 2/2"));
        assertTrue(Files.readString(runA.resolve("val_entities.csv")).startsWith("entity,positives,negatives,auroc"));

        Pretrainer.Result again = pretrain(runA, true, new StringWriter());
        assertTrue(again.alreadyFinished());
        assertEquals(a.valAuroc(), again.valAuroc(), 0.0);
    }

    /** A log writer that fails like a crash once a line with {@code trigger} is written. */
    static Writer crashingAt(String trigger) {
        return new StringWriter() {
            @Override
            public void write(String s, int off, int len) {
                super.write(s, off, len);
                if (toString().contains(trigger)) throw new IllegalStateException("simulated crash");
            }
        };
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne() throws Exception {
        Path b = dir.resolve("b");
        assertThrows(IllegalStateException.class, () -> pretrain(b, false, crashingAt("pretrain entity: epoch 2/2")));
        assertFalse(Files.exists(b.resolve("foundation.safetensors")));
        Pretrainer.Result rb = pretrain(b, true, new StringWriter());
        assertFalse(rb.alreadyFinished());
        Map<String, NdArray>
                wa = Checkpoint.load(runA.resolve("foundation.safetensors")).model(),
                wb = Checkpoint.load(b.resolve("foundation.safetensors")).model();
        assertEquals(wa.keySet(), wb.keySet());
        // equal up to float rounding (see runOnce); a lost optimizer or dropout state moves weights by ~lr
        wa.forEach((k, v) -> NnTesting.assertClose(k, v.toDoubles(), wb.get(k).toDoubles(), 1e-4));
        assertEquals(a.valAuroc(), rb.valAuroc(), 1e-3);
        List<List<String>> ra = withoutWall(runA.resolve("metrics.csv")), rb2 = withoutWall(b.resolve("metrics.csv"));
        assertEquals(ra.size(), rb2.size(), "the same rows");
        for (int i = 0; i < ra.size(); i++)
            for (int j = 0; j < ra.get(i).size(); j++) {
                String x = ra.get(i).get(j), y = rb2.get(i).get(j);
                if (x.equals(y)) continue;
                assertEquals(
                        Double.parseDouble(x),
                        Double.parseDouble(y),
                        1e-3 * Math.abs(Double.parseDouble(x)),
                        "row " + i + " column " + j);
            }
    }

    /** Cells of every row but the wall_s column. */
    static List<List<String>> withoutWall(Path f) throws Exception {
        return Files.readAllLines(f).stream()
                .map(l -> List.of(l.substring(0, l.lastIndexOf(',')).split(",", -1)))
                .toList();
    }

    @Test
    void foreignTruncatedOrStateCheckpointsAreRefusedByName() throws Exception {
        FoundationCheckpoint.Loaded l =
                FoundationCheckpoint.load(runA.resolve("foundation.safetensors"), Device.CPU, 16);
        assertEquals(Hashes.dataset(dataset), l.datasetHash());
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> FoundationCheckpoint.load(runA.resolve("last.safetensors"), Device.CPU, 16));
        assertTrue(
                e.getMessage().contains("last.safetensors") && e.getMessage().contains("not a foundation"),
                e.getMessage());
        byte[] bytes = Files.readAllBytes(runA.resolve("foundation.safetensors"));
        Path cut = Files.write(dir.resolve("cut.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(RevtafException.class, () -> FoundationCheckpoint.load(cut, Device.CPU, 16));
        assertTrue(e.getMessage().contains("cut.safetensors"), e.getMessage());

        Path c = dir.resolve("c");
        Files.createDirectories(c);
        Files.writeString(c.resolve("mine.txt"), "x");
        e = assertThrows(RevtafException.class, () -> pretrain(c, false, new StringWriter()));
        assertTrue(e.getMessage().contains("not a revtaf run"), e.getMessage());
        RunConfig other = RunConfig.load(StageFixtures.microConfig(), List.of("foundation.train.epochs=3"));
        e = assertThrows(
                RevtafException.class,
                () -> Pretrainer.run(
                        new Pretrainer.Request(
                                "--data " + data,
                                dataset,
                                other,
                                StageFixtures.microConfig(),
                                runA.resolve("../b2"),
                                Device.CPU,
                                true),
                        new Log(new PrintWriter(new StringWriter()), false)));
        assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
    }

    @Test
    void precomputeWithTheFoundationThenTruthWithItsTextEncoder() throws Exception {
        Path ckpt = runA.resolve("foundation.safetensors");
        Path cache = dir.resolve("cache");
        Precompute.Result r = Precompute.run(
                new Precompute.Request(data, dataset, cfg, StageFixtures.microConfig(), ckpt, null, cache, Device.CPU),
                new Log(new PrintWriter(new StringWriter()), false));
        assertFalse(r.upToDate());
        FoundationCheckpoint.Loaded l = FoundationCheckpoint.load(ckpt, Device.CPU, 16);
        try (FeatureCache c = FeatureCache.open(cache, Hashes.dataset(dataset), "--data")) {
            CacheManifest m = c.manifest();
            assertEquals(Hashes.file(ckpt), m.foundationHash());
            assertEquals(ckpt.toString(), m.embeddingsFrom().path());
            float[] f = c.get("f_logit").toFloats();
            // the first images' F_logit is the model's P(present) on the evaluation transform
            var d = cfg.data().orElseThrow();
            var img = org.revtaf.domain.data.Images.read(
                    dataset.resolveImage(dataset.all().get(0).imagePaths().get(0), "s"));
            float[] x = d.evalPipeline().apply(img, new org.revtaf.domain.data.SplitMix64(0));
            var pred =
                    l.foundation().predict(org.revtaf.engine.tensor.Tensor.of(Device.CPU, x, 1, 3, d.crop(), d.crop()));
            for (int e = 0; e < 75; e++) assertEquals(pred.presence()[e], f[e], 1e-5f, "entity " + e);
            assertEquals(l.foundation().text().width(), m.textWidth());
        }
        assertTrue(Precompute.run(
                        new Precompute.Request(
                                data, dataset, cfg, StageFixtures.microConfig(), ckpt, null, cache, Device.CPU),
                        new Log(new PrintWriter(new StringWriter()), false))
                .upToDate());

        Path oracle = dir.resolve("oracle");
        Precompute.run(
                new Precompute.Request(data, dataset, cfg, StageFixtures.microConfig(), null, ckpt, oracle, Device.CPU),
                new Log(new PrintWriter(new StringWriter()), false));
        try (FeatureCache c = FeatureCache.open(oracle)) {
            assertEquals("truth", c.manifest().foundationHash());
            assertEquals(ckpt.toString(), c.manifest().embeddingsFrom().path());
            float[] e = l.foundation().text().embed(List.of(FeatureCache.tripletText(8, 4, true)), 4);
            float[] table = c.get("triplet_emb").toFloats();
            int row = (8 * 51 + 4) * 2 + 1;
            for (int j = 0; j < e.length; j++) assertEquals(e[j], table[row * e.length + j], 1e-5f);
        }
    }
}
