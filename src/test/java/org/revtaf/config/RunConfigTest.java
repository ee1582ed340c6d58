package org.revtaf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

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
        assertEquals(new FoundationConfig.Decoder(256, 4, 4, 1024, 0.1, false), p.decoder());
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
        e = assertThrows(
                RevtafException.class,
                () -> RunConfig.load(Path.of("configs/tiny.yaml"), List.of("foundation.decoder.heads=3")));
        assertTrue(
                e.getMessage().contains("foundation.decoder") && e.getMessage().contains("divisible"), e.getMessage());
    }
}
