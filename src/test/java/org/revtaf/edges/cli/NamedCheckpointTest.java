package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.Checkpoint;

/**
 * Issue 20: a checkpoint the user names on the command line ({@code generate --checkpoint CKPT},
 * {@code retrieve --checkpoint}, {@code precompute --foundation}, {@code --text-encoder}) that is truncated or has a flipped bit is an error naming that file
 * (exit 1); unlike {@code --resume}, nothing falls back to another file, and the named file is left
 * exactly as it was (not moved aside, not rewritten).
 */
class NamedCheckpointTest {
    @TempDir
    static Path dir;

    static Path data, good;

    @BeforeAll
    static void files() {
        data = StageFixtures.synth(dir.resolve("data"), 12, 32, 5);
        good = dir.resolve("good.safetensors");
        new Checkpoint(
                        1,
                        Map.of("w", NdArray.ofFloats(new long[] {64}, new float[64])),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        "")
                .save(good);
    }

    static Path anImage() throws java.io.IOException {
        try (Stream<Path> s = Files.walk(data)) {
            return s.filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow();
        }
    }

    @Test
    void aDamagedFoundationCheckpointIsAnErrorNamingItAndIsLeftAlone() throws Exception {
        byte[] bytes = Files.readAllBytes(good);
        byte[] flipped = bytes.clone();
        flipped[flipped.length - 7] ^= 0x10;
        for (Map.Entry<String, byte[]> damage : Map.of(
                        "flipped", flipped, "truncated", Arrays.copyOf(bytes, bytes.length - 100))
                .entrySet()) {
            Path ckpt = dir.resolve(damage.getKey() + ".safetensors");
            Files.write(ckpt, damage.getValue());
            for (String option : List.of("--foundation", "--text-encoder", "generate", "retrieve")) {
                List<String> args = new java.util.ArrayList<>();
                String image = anImage().toString();
                switch (option) {
                    case "generate" ->
                        args.addAll(List.of("generate", "--checkpoint", ckpt.toString(), "--data", data.toString()));
                    case "retrieve" ->
                        args.addAll(List.of("retrieve", "--checkpoint", ckpt.toString(), "--image", image));
                    default -> {
                        args.addAll(List.of(
                                "precompute",
                                "--config",
                                StageFixtures.microConfig().toString(),
                                "--data",
                                data.toString(),
                                "--out",
                                dir.resolve("cache-" + damage.getKey() + option).toString()));
                        if (option.equals("--foundation")) args.addAll(List.of("--foundation", ckpt.toString()));
                        else args.addAll(List.of("--foundation", "truth", "--text-encoder", ckpt.toString()));
                    }
                }
                CliRun r = CliRun.run(args.toArray(String[]::new));
                String what = damage.getKey() + " " + option + ": " + r.err();
                assertEquals(1, r.status(), what);
                assertTrue(
                        r.err().contains(ckpt.toString())
                                && (r.err().contains("damaged") || r.err().contains("truncated")),
                        what);
                assertFalse(r.err().contains("\tat org."), "no stack trace: " + what);
                assertArrayEquals(damage.getValue(), Files.readAllBytes(ckpt), "left as it was: " + what);
                try (Stream<Path> s = Files.list(dir)) {
                    assertEquals(
                            List.of(),
                            s.filter(p -> p.getFileName().toString().contains(".damaged"))
                                    .toList(),
                            "not moved aside: " + what);
                }
            }
        }
    }
}
