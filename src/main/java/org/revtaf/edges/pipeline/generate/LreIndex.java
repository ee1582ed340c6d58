package org.revtaf.edges.pipeline.generate;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.revtaf.RevtafException;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.train.CachedFeatures;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.retrieval.PoincareIndex;

/**
 * The LRE retrieval at inference (reference section 1.5): every training study's f_logit encoded
 * once through the trained LRE into the Poincare ball, top-k by Poincare distance (first index on
 * ties, no self-exclusion). The encoded database is cached next to the checkpoint ({@code
 * NAME.lre-index.safetensors}) under the key of {@link Inference#indexKey}: the checkpoint file's
 * hash and the feature cache's hashes; a stale or foreign file is rebuilt, an unwritable folder
 * only costs the cache.
 */
public final class LreIndex {
    /** Training studies encoded per LRE call when building. */
    static final int CHUNK = 4096;

    private final PoincareIndex index;
    private final Inference inference;

    private LreIndex(PoincareIndex index, Inference inference) {
        this.index = index;
        this.inference = inference;
    }

    static LreIndex open(Inference inf, Log log) {
        if (inf.model().lre == null)
            throw new IllegalStateException("the model has no LRE (model.lre: false)"); // callers check
        Map<String, String> key = inf.indexKey();
        Path file = inf.indexFile();
        try {
            Optional<PoincareIndex> got = PoincareIndex.loadIfFresh(file, key, inf.device());
            if (got.isPresent()) return new LreIndex(got.get(), inf);
            if (java.nio.file.Files.exists(file))
                log.line("generate: " + file + " was built from another checkpoint or cache; rebuilding it");
        } catch (RevtafException e) {
            log.line("generate: " + e.getMessage() + "; rebuilding the retrieval index");
        }
        PoincareIndex idx = PoincareIndex.build(encode(inf), inf.model().lre.curvature(), key);
        try {
            idx.save(file);
        } catch (RevtafException | java.io.UncheckedIOException e) {
            log.line("generate: cannot cache the retrieval index (" + e.getMessage() + "); continuing without");
        }
        return new LreIndex(idx, inf);
    }

    /** The LRE embeddings (N_train, dh) of the training split, encoded in chunks. */
    static Tensor encode(Inference inf) {
        CachedFeatures f = inf.features();
        int n = f.manifest().trainStudies(), dh = inf.model().lre.dim();
        float[] all = new float[n * dh];
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            int[] rows = new int[to - from];
            for (int i = 0; i < rows.length; i++) rows[i] = from + i; // train rows come first in the cache
            try (Scope s = Scope.open()) {
                float[] h = inf.hyperbolic(f.fLogit(inf.device(), rows)).toFloats(); // (rows, dh)
                System.arraycopy(h, 0, all, from * dh, h.length);
            }
        }
        return Tensor.of(inf.device(), all, n, dh);
    }

    public PoincareIndex index() {
        return index;
    }

    /**
     * The k nearest training studies of each query's f_logit (B, 75) in the learned space, nearest
     * first.
     */
    public PoincareIndex.Neighbors search(Tensor fLogit, int k) {
        try (Scope s = Scope.open()) {
            return index.search(inference.hyperbolic(fLogit), k);
        }
    }
}
