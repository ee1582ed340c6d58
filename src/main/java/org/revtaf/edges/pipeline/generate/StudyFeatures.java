package org.revtaf.edges.pipeline.generate;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Image;
import org.revtaf.domain.data.ImagePipeline;
import org.revtaf.domain.data.Images;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.data.Study;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.edges.pipeline.cache.Memory;
import org.revtaf.edges.pipeline.cache.OracleFindings;
import org.revtaf.edges.pipeline.cache.Precompute;
import org.revtaf.edges.pipeline.pretrain.FoundationCheckpoint;
import org.revtaf.edges.pipeline.train.CachedFeatures;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.foundation.Foundation;

/**
 * Where the per-study features of a batch come from (CONTRACTS.md: f_logit, LRPs, memory):
 *
 * <ul>
 *   <li>{@link #cached}: studies of the training data, read from the checkpoint's feature cache;
 *   <li>{@link #foundation}: images never seen, through the foundation model the cache was made
 *       with (on the evaluation transform of its own data section, as precompute): P(present) and
 *       the top position per entity, the LRPs looked up in the cache's
 *       triplet table, the memory retrieved from the training reports as precompute retrieves it
 *       (cosine of f_logit with the reports' entity vectors);
 *   <li>{@link #oracle}: studies of other synthetic data for an oracle-cache checkpoint: the same
 *       chain with the truth of their {@code findings.json} in place of the foundation model.
 * </ul>
 *
 * <pre>
 * fLogit (B, 75)   lrp (B, 75, dt)   memory (B, K, md)   firstMemory (B): the baseline's top-1
 * </pre>
 */
public sealed interface StudyFeatures {
    /** The features of one batch. */
    record Batch(Tensor fLogit, Tensor lrp, Tensor memory, int[] firstMemory) {}

    /** The features of the studies of {@code b} (whose images it holds). */
    Batch of(BatchLoader.Batch b);

    /** Studies of the checkpoint's own data: rows of its cache. */
    static StudyFeatures cached(Inference inf) {
        return new Cached(inf.features(), inf.device());
    }

    /**
     * Never-seen images of {@code d} through the foundation model ({@code what} names the caller for
     * errors).
     */
    static StudyFeatures foundation(Inference inf, Dataset d, String what) {
        return new Computed(inf, inf.foundation(what), d, null);
    }

    /** Studies of other synthetic data with their ground truth ({@code findings.json}). */
    static StudyFeatures oracle(Inference inf, Path findings, List<Study> studies) {
        List<OracleFindings.Triplets> t = OracleFindings.read(findings, studies);
        Map<String, OracleFindings.Triplets> byId = new HashMap<>();
        for (int i = 0; i < studies.size(); i++) byId.put(studies.get(i).id(), t.get(i));
        return new Computed(inf, null, null, byId);
    }

    /** Rows of the cache. */
    record Cached(CachedFeatures f, Device device) implements StudyFeatures {
        @Override
        public Batch of(BatchLoader.Batch b) {
            int[] rows = f.rows(b.studies());
            int[] first = new int[rows.length];
            for (int i = 0; i < rows.length; i++) first[i] = f.firstMemory(rows[i]);
            return new Batch(f.fLogit(device, rows), f.lrp(device, rows), f.memory(device, rows), first);
        }
    }

    /** Entity predictions (a foundation model, or the oracle's table by study id) turned into features. */
    final class Computed implements StudyFeatures {
        private final Inference inf;
        private final Foundation foundation;
        private final ImagePipeline foundationImages; // null: the batch's images are the foundation's too
        private final Dataset images;
        private final Map<String, OracleFindings.Triplets> truth;
        private final float[] reportEntities;

        Computed(
                Inference inf,
                FoundationCheckpoint.Loaded foundation,
                Dataset images,
                Map<String, OracleFindings.Triplets> truth) {
            this.inf = inf;
            this.foundation = foundation == null ? null : foundation.foundation();
            ImagePipeline own = foundation == null
                    ? null
                    : foundation.config().data().orElseThrow().evalPipeline();
            this.foundationImages = own == null || own.equals(inf.data().evalPipeline()) ? null : own;
            this.images = images;
            this.truth = truth;
            this.reportEntities = Memory.reportEntities(inf.trainingData().split(Split.TRAIN).stream()
                    .map(Study::report)
                    .toList());
        }

        @Override
        public Batch of(BatchLoader.Batch b) {
            int n = b.size(), m = FeatureCache.ENTITIES;
            float[] presence;
            int[] position;
            if (foundation != null) {
                Foundation.Prediction p = foundation.predict(foundationImages(b));
                presence = p.presence();
                position = p.topPosition();
            } else {
                presence = new float[n * m];
                position = new int[n * m];
                for (int i = 0; i < n; i++) {
                    OracleFindings.Triplets t = truth.get(b.studies().get(i).id());
                    System.arraycopy(t.presence(), 0, presence, i * m, m);
                    System.arraycopy(t.position(), 0, position, i * m, m);
                }
            }
            return features(presence, position, n);
        }

        /**
         * The batch's images as the foundation model takes them (B, 3, h, w): the evaluation transform
         * of its own data section, as precompute applies it; the batch's own when that is the same.
         */
        private Tensor foundationImages(BatchLoader.Batch b) {
            Device dev = inf.device();
            int n = b.size();
            if (foundationImages == null) {
                int crop = inf.data().crop();
                return Tensor.of(dev, b.images(), n, 3, crop, crop);
            }
            int per = foundationImages.outputSize(), crop = foundationImages.crop();
            float[] px = new float[n * per];
            for (int i = 0; i < n; i++) {
                Study s = b.studies().get(i);
                Image img = Images.read(images.resolveImage(s.imagePaths().getFirst(), "study " + s.id()));
                foundationImages.applyInto(img, new SplitMix64(0), px, i * per); // evaluation: no randomness
            }
            return Tensor.of(dev, px, n, 3, crop, crop);
        }

        /** The features of n studies from P(present) (n, 75) and positions (n, 75). */
        Batch features(float[] presence, int[] position, int n) {
            CachedFeatures f = inf.features();
            int m = FeatureCache.ENTITIES, k = f.memoryK();
            Device dev = inf.device();
            long[] triplets = Precompute.lrpRows(presence, position, n);
            long[] mem = Memory.topK(presence, n, reportEntities, f.manifest().trainStudies(), m, k, -1);
            int[] idx = new int[mem.length], first = new int[n];
            for (int i = 0; i < idx.length; i++) idx[i] = (int) mem[i];
            for (int i = 0; i < n; i++) first[i] = idx[i * k];
            return new Batch(Tensor.of(dev, presence, n, m), f.lrpOf(dev, triplets), f.memoryOf(dev, idx), first);
        }
    }
}
