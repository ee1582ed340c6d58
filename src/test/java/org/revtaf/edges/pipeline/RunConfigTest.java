package org.revtaf.edges.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.edges.config.ConfigLoader;
import org.revtaf.edges.config.FoundationConfig;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.edges.config.TrainConfig;
import org.revtaf.learning.model.revtaf.RevtafConfig;

class RunConfigTest {
    @TempDir
    Path dir;

    static List<Path> shippedConfigs() throws Exception {
        try (Stream<Path> s = Files.walk(Path.of("configs"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyShippedConfigLoadsRoundTripsAndIsCommentedLineByLine() throws Exception {
        List<Path> files = shippedConfigs();
        assertTrue(files.size() >= 3, files.toString());
        for (Path f : files) {
            RunConfig c = RunConfig.load(f, List.of());
            RunConfig back = ConfigLoader.parse(c.toYaml(), "resolved", RunConfig.class, null, List.of());
            assertEquals(c, back, f.toString());
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++)
                if (!lines.get(i).isBlank())
                    assertTrue(lines.get(i).contains("#"), f + ":" + (i + 1) + " has no comment: " + lines.get(i));
        }
    }

    @Test
    void tinyFitsTwoCoresAndThePaperConfigIsMedklips() {
        RunConfig tiny = RunConfig.load(Path.of("configs/tiny.yaml"), List.of());
        FoundationConfig f = tiny.foundation().orElseThrow();
        assertTrue(f.imageEncoder().width() < 64 && tiny.data().orElseThrow().crop() <= 128);
        assertTrue(f.textEncoder().layers() <= 2 && f.textEncoder().hidden() <= 128);
        RunConfig paper = RunConfig.load(Path.of("configs/mimic-cxr-paper.yaml"), List.of());
        FoundationConfig p = paper.foundation().orElseThrow();
        assertEquals(new FoundationConfig.ImageEncoder(50, 64), p.imageEncoder());
        assertEquals(new FoundationConfig.Decoder(256, 4, 4, 1024, 0.1, false, false, false), p.decoder());
        assertEquals(7, p.train().positionNegatives());
        assertEquals(21, paper.precompute().orElseThrow().memoryK());
        assertEquals(512, paper.precompute().orElseThrow().memoryDim());
    }

    @Test
    void aMissingSectionNamesTheFileTheStageAndTheKey() throws Exception {
        Path f = Files.writeString(dir.resolve("partial.yaml"), "seed: 3\ndata:\n  resize: 40\n  crop: 32\n");
        RunConfig c = RunConfig.load(f, List.of());
        assertEquals(40, c.data().orElseThrow().resize());
        assertEquals(5, c.data().orElseThrow().maxRotation(), "absent keys of a section take its defaults");
        assertEquals(Optional.empty(), c.foundation());
        RevtafException e = assertThrows(
                RevtafException.class, () -> RunConfig.require(c.foundation(), f, "pretrain", "foundation"));
        assertEquals(f + " is not a config for pretrain: it has no 'foundation' section", e.getMessage());
    }

    @Test
    void unknownKeysAndWrongTypesNameTheFileLineAndKey() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), "seed: 1\nfoundation:\n  decoder:\n    dd: 3\n");
        RevtafException e = assertThrows(RevtafException.class, () -> RunConfig.load(f, List.of()));
        assertTrue(
                e.getMessage().contains(f + ":4") && e.getMessage().contains("foundation.decoder.dd"), e.getMessage());
        Path g = Files.writeString(dir.resolve("bad2.yaml"), "precompute:\n  memory_k: many\n");
        e = assertThrows(RevtafException.class, () -> RunConfig.load(g, List.of()));
        assertTrue(e.getMessage().contains(g + ":2") && e.getMessage().contains("precompute.memory_k"), e.getMessage());
        assertTinyRejects("foundation.decoder.heads=3", "foundation.decoder", "divisible");
        assertTinyRejects("foundation.decoder.standardize_books=true", "foundation.decoder", "exclusive");
        assertTinyRejects("foundation.train.positive_weight_power=2", "foundation.train", "positive_weight_power");
    }

    /** configs/tiny.yaml with one override is refused with a message containing every fragment. */
    private static void assertTinyRejects(String override, String... fragments) {
        RevtafException e = assertThrows(
                RevtafException.class, () -> RunConfig.load(Path.of("configs/tiny.yaml"), List.of(override)));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), override + ": " + e.getMessage());
    }

    @Test
    void ablationConfigsAreTinyWithTheSwitchesAndShareItsCache() {
        RunConfig tiny = RunConfig.load(Path.of("configs/tiny.yaml"), List.of());
        String tinyCache = org.revtaf.edges.pipeline.cache.Precompute.configHash(tiny, true);
        Map<String, boolean[]> rows = Map.of(
                "baseline", new boolean[] {false, false},
                "lre", new boolean[] {true, false},
                "fvtaf", new boolean[] {false, true},
                "full", new boolean[] {true, true});
        rows.forEach((name, sw) -> {
            RunConfig a = RunConfig.load(Path.of("configs/ablation/" + name + ".yaml"), List.of());
            RevtafConfig m = a.model().orElseThrow();
            assertEquals(sw[0], m.lre(), name);
            assertEquals(sw[1], m.fvtaf(), name);
            RunConfig same = new RunConfig(
                    a.seed(),
                    a.data(),
                    a.text(),
                    a.foundation(),
                    a.precompute(),
                    Optional.of(m.withSwitches(true, true)),
                    a.train(),
                    a.generate());
            assertEquals(tiny, same, name + " differs from tiny.yaml in more than model.lre/model.fvtaf");
            assertEquals(tinyCache, org.revtaf.edges.pipeline.cache.Precompute.configHash(a, true), name);
        });
    }

    @Test
    void theTrainingSectionsHoldThePapersValues() {
        RunConfig paper = RunConfig.load(Path.of("configs/mimic-cxr-paper.yaml"), List.of());
        assertEquals(RevtafConfig.defaults(), paper.model().orElseThrow());
        TrainConfig t = paper.train().orElseThrow(), d = TrainConfig.defaults();
        assertEquals(
                List.of(6, 18, 2000, 0.05, 0.1, 5e-5, 5e-6, 5e-7),
                List.of(
                        t.epochs(),
                        t.batchSize(),
                        t.warmupSteps(),
                        t.weightDecay(),
                        t.gradClip(),
                        t.lr(),
                        t.minLr(),
                        t.warmupLr()));
        assertEquals(List.of(d.epochs(), d.batchSize(), d.lr()), List.of(t.epochs(), t.batchSize(), t.lr()));
        assertEquals(GenerateConfig.defaults(), paper.generate().orElseThrow());
        GenerateConfig iu = RunConfig.load(Path.of("configs/iu-xray.yaml"), List.of())
                .generate()
                .orElseThrow();
        assertEquals(110, iu.maxNewTokens());
        assertEquals(60, iu.minLength());
        RunConfig hyp = RunConfig.load(Path.of("configs/tiny.yaml"), List.of("train.grp_source=hyperbolic"));
        assertEquals(TrainConfig.GrpSource.HYPERBOLIC, hyp.train().orElseThrow().grpSource());
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> RunConfig.load(Path.of("configs/tiny.yaml"), List.of("train.grp_source=nearest")));
        assertTrue(e.getMessage().contains("train.grp_source"), e.getMessage());
        e = assertThrows(
                RevtafException.class, () -> RunConfig.load(Path.of("configs/tiny.yaml"), List.of("train.min_lr=1")));
        assertTrue(e.getMessage().contains("min_lr"), e.getMessage());
    }
}
