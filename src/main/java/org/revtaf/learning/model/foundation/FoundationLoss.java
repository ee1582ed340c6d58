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
 * position = CE(gather(scores (B, 75, 51), candidates (B, 75, K)), 0)   over present entities
 * total    = ce + weight * position
 * </pre>
 */
public final class FoundationLoss {
    private FoundationLoss() {}

    /** Total and parts (scalars). */
    public record Parts(Tensor total, Tensor ce, Tensor position) {}

    /** Batch targets as tensors: exist (B, 75) in {0, 1, -100}; candidates (B, 75, K); position (B, 75) in {0, -100}. */
    public record Targets(Tensor exist, Tensor candidates, Tensor position) {
        /** Targets of a batch of studies with their candidates drawn for this epoch. */
        public static Targets of(Device device, TripletTargets[] studies, long[][] candidates, int k) {
            int b = studies.length, m = TripletTargets.ENTITIES;
            long[] exist = new long[b * m], pos = new long[b * m], cand = new long[b * m * k];
            for (int i = 0; i < b; i++) {
                for (int e = 0; e < m; e++) {
                    int x = studies[i].exist()[e];
                    exist[i * m + e] = x < 0 ? MlmMasking.IGNORE : x;
                    pos[i * m + e] = studies[i].hasPosition(e) ? 0 : MlmMasking.IGNORE;
                }
                System.arraycopy(candidates[i], 0, cand, i * m * k, m * k);
            }
            return new Targets(
                    Tensor.ofLongs(device, exist, b, m),
                    Tensor.ofLongs(device, cand, b, m, k),
                    Tensor.ofLongs(device, pos, b, m));
        }
    }

    /** The loss of a forward pass. */
    public static Parts of(FoundationModel.Output out, Targets t, double positionWeight) {
        Tensor ce = F.crossEntropy(out.logits(), t.exist(), MlmMasking.IGNORE, 0);
        Tensor cand = F.gather(out.positionScores(), 2, t.candidates()); // (B, 75, K)
        Tensor position = F.crossEntropy(cand, t.position(), MlmMasking.IGNORE, 0);
        return new Parts(ce.add(position.mul(positionWeight)), ce, position);
    }
}
