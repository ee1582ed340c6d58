package org.revtaf.edges.pipeline;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.revtaf.domain.data.synth.SyntheticGenerator;
import org.revtaf.domain.text.Labelers;

/** Small synthetic datasets and the micro config for stage tests. */
public final class StageFixtures {
    private StageFixtures() {}

    /** {@code revtaf synth} output in {@code dir}. */
    public static Path synth(Path dir, int studies, int size, long seed) {
        SyntheticGenerator.write(dir, studies, size, seed, 1, false, Labelers.standard(), s -> {});
        return dir;
    }

    /** The arguments of {@code revtaf precompute --foundation truth} (the oracle cache). */
    public static String[] oracleCacheArgs(Object config, Path data, Path out) {
        return new String[] {
            "precompute",
            "--config",
            config.toString(),
            "--data",
            data.toString(),
            "--foundation",
            "truth",
            "--out",
            out.toString()
        };
    }

    /** Runs {@code revtaf precompute --foundation truth} in this JVM; an AssertionError with stderr if it fails. */
    public static Path oracleCache(Object config, Path data, Path out) {
        picocli.CommandLine cl = org.revtaf.edges.cli.Main.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        cl.setErr(new java.io.PrintWriter(err));
        int status = cl.execute(oracleCacheArgs(config, data, out));
        if (status != 0) throw new AssertionError("precompute of the test cache failed (" + status + "): " + err);
        return out;
    }

    /** The test config of src/test/resources/org/revtaf/edges/pipeline/micro.yaml. */
    public static Path microConfig() {
        return resource("/org/revtaf/edges/pipeline/micro.yaml");
    }

    /** The micro config with the training sections (src/test/resources/.../train/micro-train.yaml). */
    public static Path microTrainConfig() {
        return resource("/org/revtaf/edges/pipeline/train/micro-train.yaml");
    }

    /** A test resource by its absolute name ("/org/revtaf/..."), as a file. */
    public static Path resource(String name) {
        try {
            return Path.of(StageFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
