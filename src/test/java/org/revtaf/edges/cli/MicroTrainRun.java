package org.revtaf.edges.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.revtaf.edges.io.FileTrees;
import org.revtaf.edges.pipeline.StageFixtures;

/**
 * The data of the {@code revtaf train} tests, made once per test class: a synthetic set of 40
 * studies (32 px, seed 3), the micro train config and its oracle feature cache, in a temporary
 * folder that the tests also write their runs to and that goes when the class is done. A test
 * class registers it with {@code @RegisterExtension static final MicroTrainRun MICRO = new
 * MicroTrainRun();}.
 */
final class MicroTrainRun implements BeforeAllCallback, AfterAllCallback {
    private Path dir, data, cache;
    private String config;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("revtaf-train-test-");
        data = StageFixtures.synth(dir.resolve("data"), 40, 32, 3);
        config = StageFixtures.microTrainConfig().toString();
        cache = StageFixtures.oracleCache(config, data, dir.resolve("cache"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        FileTrees.delete(dir);
    }

    /** The class's temporary folder (data/ and cache/ are in it). */
    Path dir() {
        return dir;
    }

    Path data() {
        return data;
    }

    Path cache() {
        return cache;
    }

    String config() {
        return config;
    }

    /** {@code revtaf train} on this data and cache into {@code out}, with {@code more} arguments. */
    String[] train(Path out, String... more) {
        return trainArgs(config, data, cache, out, more);
    }

    /** {@code revtaf train} with a config, data and cache of the test's choosing. */
    static String[] trainArgs(String config, Path data, Path cache, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "train",
                "--config",
                config,
                "--data",
                data.toString(),
                "--cache",
                cache.toString(),
                "--out",
                out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }
}
