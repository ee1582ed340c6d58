package org.revtaf.learning.model.foundation;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * The foundation model's training objective (reference study section 6): cross-entropy of the
 * entity logits against the existence targets (entities without a target ignored), plus the
 * position contrastive loss: for each present entity, the scores of its candidate positions (the
 * true one first, then the negatives) in a cross-entropy with target 0.
 *
 * <pre>
 * ce       = CE(logits (B*75, 2), exist)                      over entities with exist in {0, 1}
 *            (weighted: sum w * CE / sum w, w = positiveWeight[e] on exist 1, 1 on exist 0)
 * position = CE(gather(scores (B, 75, 51), candidates (B, 75, K)), 0)   over present entities
 * total    = ce + weight * position
 * </pre>
 */
public final class FoundationLoss {
    private FoundationLoss() {}

    /** Total and parts (scalars). */
    public record Parts(Tensor total, Tensor ce, Tensor position) {}

    /**
     * Batch targets as tensors: exist (B, 75) in {0, 1, -100}; candidates (B, 75, K); position (B,
     * 75) in {0, -100}; weighting null for the plain mean over the existence targets (MedKLIP).
     */
    public record Targets(Tensor exist, Tensor candidates, Tensor position, Weighting weighting) {
        /**
         * A weighted existence loss: weight (B, 75), 0 where exist is ignored; cls (B, 75, 1) the
         * target class with ignored ones as 0; sum the weights' total.
         */
        public record Weighting(Tensor weight, Tensor cls, double sum) {}

        /** Targets of a batch of studies with their candidates drawn for this epoch, unweighted. */
        public static Targets of(Device device, TripletTargets[] studies, long[][] candidates, int k) {
            return of(device, studies, candidates, k, null);
        }

        /**
         * Targets with the existence loss of entity e's positive targets weighted {@code
         * positiveWeight[e]} (negatives 1); a null array leaves the loss unweighted.
         */
        public static Targets of(
                Device device, TripletTargets[] studies, long[][] candidates, int k, float[] positiveWeight) {
            int b = studies.length, m = TripletTargets.ENTITIES;
            long[] exist = new long[b * m], pos = new long[b * m], cand = new long[b * m * k];
            float[] w = positiveWeight == null ? null : new float[b * m];
            long[] cls = positiveWeight == null ? null : new long[b * m];
            double wSum = 0;
            for (int i = 0; i < b; i++) {
                for (int e = 0; e < m; e++) {
                    int x = studies[i].exist()[e];
                    exist[i * m + e] = x < 0 ? MlmMasking.IGNORE : x;
                    pos[i * m + e] = studies[i].hasPosition(e) ? 0 : MlmMasking.IGNORE;
                    if (w != null) {
                        cls[i * m + e] = Math.max(0, x);
                        wSum += w[i * m + e] = x < 0 ? 0 : x == 1 ? positiveWeight[e] : 1;
                    }
                }
                System.arraycopy(candidates[i], 0, cand, i * m * k, m * k);
            }
            return new Targets(
                    Tensor.ofLongs(device, exist, b, m),
                    Tensor.ofLongs(device, cand, b, m, k),
                    Tensor.ofLongs(device, pos, b, m),
                    w == null
                            ? null
                            : new Weighting(Tensor.of(device, w, b, m), Tensor.ofLongs(device, cls, b, m, 1), wSum));
        }
    }

    /**
     * Per-entity weights of the positive existence targets from the training targets' counts:
     * {@code (negatives / positives)^power}, clamped to [1, maxWeight]; power 0 gives all ones. An
     * entity without positives or negatives keeps weight 1.
     */
    public static float[] positiveWeights(TripletTargets[] train, double power, double maxWeight) {
        int m = TripletTargets.ENTITIES;
        long[] posCount = new long[m], negCount = new long[m];
        for (TripletTargets t : train)
            for (int e = 0; e < m; e++) {
                if (t.exist()[e] == 1) posCount[e]++;
                else if (t.exist()[e] == 0) negCount[e]++;
            }
        float[] w = new float[m];
        for (int e = 0; e < m; e++) {
            double r = posCount[e] == 0 || negCount[e] == 0 ? 1 : (double) negCount[e] / posCount[e];
            w[e] = (float) Math.min(maxWeight, Math.max(1, Math.pow(r, power)));
        }
        return w;
    }

    /** The loss of a forward pass. */
    public static Parts of(FoundationModel.Output out, Targets t, double positionWeight) {
        Tensor ce = t.weighting() == null
                ? F.crossEntropy(out.logits(), t.exist(), MlmMasking.IGNORE, 0)
                : weightedCe(out, t);
        Tensor cand = F.gather(out.positionScores(), 2, t.candidates()); // (B, 75, K)
        Tensor position = F.crossEntropy(cand, t.position(), MlmMasking.IGNORE, 0);
        return new Parts(ce.add(position.mul(positionWeight)), ce, position);
    }

    /** sum(w * -log p[exist]) / sum(w) over (B, 75); ignored targets have w 0. */
    private static Tensor weightedCe(FoundationModel.Output out, Targets t) {
        Tensor logits = out.logits(); // (B, 75, 2)
        int b = logits.shape(0), m = logits.shape(1);
        Targets.Weighting w = t.weighting();
        Tensor picked = F.gather(F.logSoftmax(logits, -1), 2, w.cls()); // (B, 75, 1)
        return picked.reshape(b, m).mul(w.weight()).sum().mul(-1.0 / Math.max(w.sum(), 1e-12));
    }
}
