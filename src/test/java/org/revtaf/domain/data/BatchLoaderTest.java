package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.synth.SyntheticGenerator;

class BatchLoaderTest {
    @TempDir
    static Path tmp;

    static Dataset ds;
    static final ImagePipeline PIPE = new ImagePipeline(72, 64, 5, true);

    @BeforeAll
    static void synth() {
        SyntheticGenerator.write(
                tmp.resolve("ds"),
                20,
                64,
                3,
                2,
                false,
                r -> new int[] {1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2},
                m -> {});
        ds = AnnotationJson.readDir(tmp.resolve("ds"), AnnotationJson.Options.STRICT, m -> {});
    }

    private static List<BatchLoader.Batch> epoch(Dataset d, int workers, int prefetch, int epoch, BadSamplePolicy p) {
        List<BatchLoader.Batch> out = new ArrayList<>();
        try (BatchLoader l = new BatchLoader(
                d, d.split(Split.TRAIN), PIPE, 6, 11, epoch, true, workers, prefetch, new BadSamples(p))) {
            while (l.hasNext()) {
                out.add(l.next());
                assertTrue(l.queued() <= prefetch, "bounded prefetch");
            }
        }
        return out;
    }

    @Test
    void sameBatchesWhateverTheWorkers() {
        List<BatchLoader.Batch> a = epoch(ds, 1, 1, 0, BadSamplePolicy.FAIL);
        List<BatchLoader.Batch> b = epoch(ds, 3, 4, 0, BadSamplePolicy.FAIL);
        assertEquals(3, a.size(), "16 training studies in batches of 6");
        assertEquals(List.of(6, 6, 4), a.stream().map(BatchLoader.Batch::size).toList());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).studies(), b.get(i).studies());
            assertArrayEquals(a.get(i).images(), b.get(i).images());
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
        }
        // each sample is the pipeline applied with its own stream
        BatchLoader.Batch first = a.get(0);
        Study s = first.studies().get(1);
        float[] expect = PIPE.apply(
                Images.read(ds.resolveImage(s.imagePaths().get(0), "t")),
                new SplitMix64(SplitMix64.derive(SplitMix64.derive(11, 0), 1)));
        float[] got = java.util.Arrays.copyOfRange(first.images(), PIPE.outputSize(), 2 * PIPE.outputSize());
        assertArrayEquals(expect, got);
        assertArrayEquals(
                java.util.Arrays.copyOf(s.labels(), 18), java.util.Arrays.copyOfRange(first.labels(), 18, 36));
    }

    @Test
    void shufflesEveryStudyOncePerEpoch() {
        List<String> e0 = ids(epoch(ds, 2, 2, 0, BadSamplePolicy.FAIL));
        List<String> e1 = ids(epoch(ds, 2, 2, 1, BadSamplePolicy.FAIL));
        Set<String> all = new HashSet<>();
        for (Study s : ds.split(Split.TRAIN)) all.add(s.id());
        assertEquals(all, new HashSet<>(e0));
        assertEquals(16, e0.size());
        assertFalse(e0.equals(e1), "another epoch, another order");
    }

    private static List<String> ids(List<BatchLoader.Batch> batches) {
        List<String> out = new ArrayList<>();
        for (BatchLoader.Batch b : batches) for (Study s : b.studies()) out.add(s.id());
        return out;
    }

    @Test
    void badImageFailsNamingStudyOrIsSkipped() throws Exception {
        Path copy = tmp.resolve("broken");
        SyntheticGenerator.write(copy, 20, 64, 3, 2, false, r -> new int[18], m -> {});
        Dataset broken = AnnotationJson.readDir(copy, AnnotationJson.Options.STRICT, m -> {});
        Study victim = broken.split(Split.TRAIN).get(4);
        Files.writeString(broken.resolveImage(victim.imagePaths().get(0), "t"), "garbage");
        RevtafException e = assertThrows(RevtafException.class, () -> epoch(broken, 2, 2, 0, BadSamplePolicy.FAIL));
        assertTrue(e.getMessage().contains(victim.id()) && e.getMessage().contains("0.png"), e.getMessage());
        List<BatchLoader.Batch> skipped = epoch(broken, 2, 2, 0, BadSamplePolicy.SKIP);
        assertEquals(15, skipped.stream().mapToInt(BatchLoader.Batch::size).sum());
        assertFalse(ids(skipped).contains(victim.id()));
    }

    @Test
    void otherWorkerErrorsPropagateAndCloseStopsWorkers() {
        Study noImage = new Study("x", "train", "r", List.of(), null);
        Dataset odd = new Dataset(ds.source(), ds.imageRoot(), Map.of(Split.TRAIN, List.of(noImage)), 0);
        RevtafException e = assertThrows(RevtafException.class, () -> epoch(odd, 1, 1, 0, BadSamplePolicy.FAIL));
        assertTrue(e.getMessage().contains("worker failed"), e.getMessage());

        BatchLoader l = new BatchLoader(
                ds, ds.split(Split.TRAIN), PIPE, 1, 1, 0, false, 2, 3, new BadSamples(BadSamplePolicy.FAIL));
        assertEquals(16, l.batches());
        l.next();
        l.close();
        assertFalse(l.hasNext());
        assertEquals(0, l.queued());
    }
}
