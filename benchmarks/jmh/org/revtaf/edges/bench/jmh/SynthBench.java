package org.revtaf.edges.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.revtaf.domain.data.AnnotationJson;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.ImagePipeline;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.synth.SyntheticGenerator;
import org.revtaf.domain.text.Labelers;

/**
 * The data path: {@code synth} of the default set (2,000 studies at 128x128, labels from the
 * project's labeler, PNGs written) and one training epoch of the prefetching batch loader over it
 * (decode, resize 144, random crop 128, rotation, normalise; batch 16). Single-shot seconds per run;
 * {@code threads=1} / {@code workers=1} is the named baseline measured in the same run, so the ratio
 * shows how well 2 cores are used.
 *
 * <pre>
 * ./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 1 -i 3 SynthBench"
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SynthBench {

    @State(Scope.Benchmark)
    public static class Synth {
        @Param({"1", "2"})
        public int threads;

        @Param({"2000"})
        public int studies;

        Path dir;

        @Setup(Level.Iteration)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("synth-bench");
        }

        @TearDown(Level.Iteration)
        public void tearDown() throws IOException {
            delete(dir);
        }
    }

    @Benchmark
    public Object synth(Synth s) {
        return SyntheticGenerator.write(
                s.dir.resolve("ds"), s.studies, 128, 1, s.threads, false, Labelers.standard(), m -> {});
    }

    @State(Scope.Benchmark)
    public static class Loader {
        @Param({"1", "2"})
        public int workers;

        Path dir;
        Dataset ds;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("loader-bench");
            SyntheticGenerator.write(dir.resolve("ds"), 2000, 128, 1, 2, false, Labelers.standard(), m -> {});
            ds = AnnotationJson.readDir(dir.resolve("ds"), AnnotationJson.Options.STRICT, m -> {});
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            delete(dir);
        }
    }

    @Benchmark
    public double loaderEpoch(Loader l) {
        double sum = 0;
        ImagePipeline p = new ImagePipeline(144, 128, 5, true);
        try (BatchLoader b = new BatchLoader(
                l.ds,
                l.ds.split(Split.TRAIN),
                p,
                16,
                1,
                0,
                true,
                l.workers,
                2 * l.workers + 2,
                new BadSamples(BadSamplePolicy.FAIL))) {
            while (b.hasNext()) sum += b.next().images()[0];
        }
        return sum;
    }

    static void delete(Path root) throws IOException {
        if (root == null || !Files.exists(root)) return;
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
