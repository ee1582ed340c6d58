package org.revtaf.learning.model.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * The finished hypotheses of one study: the best {@code size} by length-normalised score, as
 * Hugging Face's {@code BeamHypotheses} (transformers 4.19-4.25) keeps them, including its order
 * on ties: the evicted one is the lowest score, earliest added; the best is the highest score,
 * latest added.
 */
final class NBest {
    private final int size;
    private final double lengthPenalty;
    private final List<Hypothesis> items = new ArrayList<>();
    private double worst = 1e9;

    NBest(int size, double lengthPenalty) {
        this.size = size;
        this.lengthPenalty = lengthPenalty;
    }

    int count() {
        return items.size();
    }

    /**
     * Offers a hypothesis of {@code totalLength} tokens (prompt + generated, EOS not counted) whose
     * log-probabilities sum to {@code sumLogprobs}.
     */
    void add(int[] tokens, boolean eos, double sumLogprobs, int totalLength) {
        double score = sumLogprobs / Math.pow(totalLength, lengthPenalty);
        if (items.size() < size || score > worst) {
            items.add(new Hypothesis(tokens, score, eos));
            if (items.size() > size) {
                int lowest = 0, second = -1;
                for (int i = 1; i < items.size(); i++)
                    if (items.get(i).score() < items.get(lowest).score()) lowest = i;
                for (int i = 0; i < items.size(); i++)
                    if (i != lowest
                            && (second < 0
                                    || items.get(i).score() < items.get(second).score())) second = i;
                worst = items.get(second).score();
                items.remove(lowest);
            } else {
                worst = Math.min(score, worst);
            }
        }
    }

    /**
     * Whether no running beam can beat the worst kept hypothesis any more (early_stopping False):
     * the list is full and worst >= bestSumLogprobs / curLength^lengthPenalty.
     */
    boolean isDone(double bestSumLogprobs, int curLength) {
        if (items.size() < size) return false;
        return worst >= bestSumLogprobs / Math.pow(curLength, lengthPenalty);
    }

    /** The best hypothesis (highest score; on ties the latest added). */
    Hypothesis best() {
        Hypothesis best = null;
        for (Hypothesis h : items) if (best == null || h.score() >= best.score()) best = h;
        return best;
    }
}
