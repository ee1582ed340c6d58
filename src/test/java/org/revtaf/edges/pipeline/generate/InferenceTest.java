package org.revtaf.edges.pipeline.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.edges.pipeline.train.ReportDecoder;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.generate.BeamSearch;
import org.revtaf.learning.model.retrieval.PoincareIndex;
import org.revtaf.learning.model.retrieval.PoincareIndexTest;

/**
 * Generation's pieces on a checkpoint of random weights (no training needed): the whole chain on
 * image files gives the cached features, the LRE retrieval is the brute-force nearest neighbour and
 * its index is cached keyed by the checkpoint, and batched beam search through the full model
 * equals study-by-study decoding.
 */
class InferenceTest {
    @TempDir
    static Path dir;

    static GenerateFixture fx;
    static Path ckpt;

    @BeforeAll
    static void fixture() {
        fx = GenerateFixture.create(dir, 40, 7);
        ckpt = fx.checkpoint("full", true, true, 11);
    }

    static BatchLoader.Batch batch(Dataset d, List<Study> studies, Inference inf) {
        try (BatchLoader l = new BatchLoader(
                d,
                studies,
                inf.data().evalPipeline(),
                studies.size(),
                0,
                0,
                false,
                1,
                1,
                new BadSamples(BadSamplePolicy.FAIL))) {
            return l.next();
        }
    }

    @Test
    void theWholeChainOnImageFilesGivesTheFeaturesTheCacheHolds() {
        try (Inference inf = Inference.open(ckpt, fx.data, Device.CPU, GenerateFixture.quietLog());
                Scope s = Scope.open()) {
            assertTrue(inf.givenIsTraining());
            List<Study> test = fx.dataset.split(Split.TEST);
            List<Path> files = test.stream()
                    .map(st -> fx.dataset.resolveImage(st.imagePaths().getFirst(), st.id()))
                    .toList();
            Dataset images = ImageFiles.dataset(files);
            StudyFeatures.Batch cached = StudyFeatures.cached(inf).of(batch(fx.dataset, test, inf));
            StudyFeatures.Batch chain =
                    StudyFeatures.foundation(inf, images, "test").of(batch(images, images.split(Split.TEST), inf));
            float[] a = cached.fLogit().toFloats(), b = chain.fLogit().toFloats();
            assertEquals(a.length, b.length);
            double spread = 0;
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5, "f_logit " + i);
                spread = Math.max(spread, Math.abs(a[i] - a[i % FeatureCache.ENTITIES]));
            }
            assertTrue(spread > 1e-3, "the random foundation model tells the images apart: " + spread);
            assertArrayEquals(cached.firstMemory(), chain.firstMemory());
            assertArrayEquals(cached.memory().toFloats(), chain.memory().toFloats());
            int dt = inf.features().manifest().textWidth();
            float[] la = cached.lrp().toFloats(), lb = chain.lrp().toFloats();
            int compared = 0;
            for (int e = 0; e < a.length; e++) {
                if (Math.abs(a[e] - 0.5) < 1e-4) continue; // a threshold this close may fall either way
                for (int j = 0; j < dt; j++) assertEquals(la[e * dt + j], lb[e * dt + j], "lrp " + e + "/" + j);
                compared++;
            }
            assertTrue(compared > a.length / 2);
        }
    }

    @Test
    void lreRetrievalReturnsTheBruteForceNearestTrainingStudy() {
        try (Inference inf = Inference.open(ckpt, fx.data, Device.CPU, GenerateFixture.quietLog());
                Scope s = Scope.open()) {
            int ntr = inf.features().manifest().trainStudies(), n = fx.dataset.size();
            int[] rows = new int[n - ntr];
            for (int i = 0; i < rows.length; i++) rows[i] = ntr + i; // val and test studies
            Tensor q = inf.features().fLogit(Device.CPU, rows);
            PoincareIndex.Neighbors nb = inf.lre().search(q, 3);
            float[] db = inf.hyperbolic(inf.features().trainFLogit(Device.CPU)).toFloats();
            float[] hq = inf.hyperbolic(q).toFloats();
            int d = inf.model().lre.dim();
            java.util.Set<Integer> tops = new java.util.HashSet<>();
            for (int i = 0; i < rows.length; i++) {
                double[] dist = new double[ntr];
                for (int t = 0; t < ntr; t++) dist[t] = PoincareIndexTest.dist(hq, i, db, t, d);
                Integer[] order = new Integer[ntr];
                for (int t = 0; t < ntr; t++) order[t] = t;
                Arrays.sort(order, (x, y) -> Double.compare(dist[x], dist[y]));
                // float32 distances of nearby points are good to about 1e-3 (PoincareIndexTest bounds the
                // kernel); where the brute force's top two are further apart the index must be its top-1
                double tol = 2e-3 * (1 + dist[order[0]]);
                int got = nb.index()[i][0];
                assertTrue(dist[got] - dist[order[0]] <= tol, "query " + i + ": " + got + " vs " + order[0]);
                if (dist[order[1]] - dist[order[0]] > 2 * tol) assertEquals(order[0], got, "query " + i);
                for (int k = 0; k < 3; k++) assertEquals(dist[nb.index()[i][k]], nb.distance()[i][k], tol);
                assertTrue(nb.distance()[i][0] <= nb.distance()[i][1]);
                tops.add(got);
            }
            assertTrue(tops.size() > 1, "queries retrieve different studies: " + tops);
        }
    }

    @Test
    void theRetrievalIndexIsCachedNextToTheCheckpointAndRebuiltForOtherWeights() throws Exception {
        Path b = fx.checkpoint("b", true, true, 21);
        Path file = dir.resolve("b.lre-index.safetensors");
        float[] first;
        try (Inference inf = Inference.open(b, fx.data, Device.CPU, GenerateFixture.quietLog())) {
            first = inf.lre().index().points().toFloats();
            assertTrue(Files.isRegularFile(file));
            assertEquals(inf.indexKey(), PoincareIndex.load(file, Device.CPU).key());
        }
        // a second open reads the file: a marked copy of the points comes back
        PoincareIndex saved = PoincareIndex.load(file, Device.CPU);
        float[] marked = saved.points().toFloats();
        marked[0] *= 0.5f;
        PoincareIndex.build(Tensor.of(Device.CPU, marked, saved.size(), saved.dim()), saved.curvature(), saved.key())
                .save(file);
        try (Inference inf = Inference.open(b, fx.data, Device.CPU, GenerateFixture.quietLog())) {
            assertEquals(marked[0], inf.lre().index().points().toFloats()[0]);
        }
        // other weights under the same file name: the stale index is rebuilt
        fx.checkpoint("b", true, true, 22);
        StringWriter log = new StringWriter();
        try (Inference inf = Inference.open(b, fx.data, Device.CPU, new Log(new PrintWriter(log), false))) {
            float[] again = inf.lre().index().points().toFloats();
            assertFalse(Arrays.equals(first, again));
            assertArrayEquals(LreIndex.encode(inf).toFloats(), again);
        }
        assertTrue(log.toString().contains("another checkpoint or cache; rebuilding"), log.toString());
        // a damaged file is rebuilt too
        Files.writeString(file, "not a safetensors file");
        try (Inference inf = Inference.open(b, fx.data, Device.CPU, GenerateFixture.quietLog())) {
            assertEquals(
                    inf.features().manifest().trainStudies(), inf.lre().index().size());
        }
        assertEquals(saved.size(), PoincareIndex.load(file, Device.CPU).size(), "rewritten");
    }

    @Test
    void batchedBeamSearchThroughTheFullModelEqualsStudyByStudy() {
        try (Inference inf = Inference.open(ckpt, fx.data, Device.CPU, GenerateFixture.quietLog());
                Scope s = Scope.open()) {
            List<Study> test = fx.dataset.all(); // 40 studies: enough for the random classifier to differ
            BeamSearch.Options o =
                    new BeamSearch.Options(3, 10, 24, inf.model().prompt().sep(), 1.0);
            StudyFeatures source = StudyFeatures.cached(inf);
            BatchLoader.Batch all = batch(fx.dataset, test, inf);
            List<ReportDecoder.Decoded> together = decode(inf, source, all, o);
            assertEquals(test.size(), together.size());
            java.util.Set<String> prompts = new java.util.HashSet<>();
            for (int i = 0; i < test.size(); i++) {
                BatchLoader.Batch one = batch(fx.dataset, List.of(test.get(i)), inf);
                ReportDecoder.Decoded alone = decode(inf, source, one, o).getFirst();
                ReportDecoder.Decoded t = together.get(i);
                assertArrayEquals(alone.statuses(), t.statuses(), "study " + i);
                assertArrayEquals(alone.posProbs(), t.posProbs(), 1e-5, "study " + i);
                assertArrayEquals(alone.best().tokens(), t.best().tokens(), "study " + i);
                assertEquals(alone.best().score(), t.best().score(), 1e-4);
                assertEquals(alone.report(), t.report());
                assertTrue(t.best().tokens().length >= 24 - 19, "min length counts the 19 prompt tokens");
                prompts.add(Arrays.toString(t.statuses()));
            }
            assertTrue(prompts.size() > 1, "studies get different statuses (prompts): " + prompts);
        }
    }

    static List<ReportDecoder.Decoded> decode(
            Inference inf, StudyFeatures source, BatchLoader.Batch b, BeamSearch.Options o) {
        StudyFeatures.Batch f = source.of(b);
        Generate.Retrieved r = Generate.retrieve(inf, f);
        return ReportDecoder.decode(inf.model(), Generate.inputs(inf, b, f, r.train()), o, inf.tokenizer());
    }
}
