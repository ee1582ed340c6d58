package org.revtaf.pipeline;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.revtaf.data.synth.SyntheticGenerator;
import org.revtaf.text.Labelers;

/** Small synthetic datasets and the micro config for stage tests. */
public final class StageFixtures {
    private StageFixtures() {}

    /** {@code revtaf synth} output in {@code dir}. */
    public static Path synth(Path dir, int studies, int size, long seed) {
        SyntheticGenerator.write(dir, studies, size, seed, 1, false, Labelers.standard(), s -> {});
        return dir;
    }

    /** The test config of src/test/resources/org/revtaf/pipeline/micro.yaml. */
    public static Path microConfig() {
        try {
            return Path.of(StageFixtures.class.getResource("micro.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
