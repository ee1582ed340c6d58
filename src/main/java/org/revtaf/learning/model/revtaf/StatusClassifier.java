package org.revtaf.learning.model.revtaf;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Init;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * PromptMRG's status classifier: Linear(in -> 72) viewed (B, 4, 18) (flat index state*18 + class),
 * cross-entropy over the 4 states of each of the 18 classes, with the "adaptive logit-adjusted
 * loss": in training, log(base_probs) is added to the POS logit (state 1). The 18 classes are the 14
 * CheXbert classes then 4 auxiliary ones; base_probs (buffer {@code base_probs}, saved with the
 * weights) start as the training POS frequencies normalised by their max (auxiliary classes 1) and
 * are re-estimated after each validation ({@link #reestimate}).
 */
public final class StatusClassifier extends Module {
    public static final int CLASSES = 18, CLINICAL = 14, STATES = 4, POS = 1;
    /** base_probs never go below this, so log(base_probs) stays finite. */
    public static final double MIN_BASE_PROB = 1e-6;

    public final Linear head;
    private final Tensor baseProbs;
    private final boolean adjust;

    public StatusClassifier(NnContext ctx, int in, RevtafConfig.Classifier cfg) {
        head = child("head", new Linear(ctx, in, STATES * CLASSES, true, Init.normal(cfg.initStd()), Init.zeros()));
        baseProbs = buffer("base_probs", Tensor.ones(ctx.device(), ctx.dtype(), CLASSES));
        adjust = cfg.logitAdjustment();
    }

    /** Raw logits (B, 4, 18) of classifier input x (B, in). */
    public Tensor logits(Tensor x) {
        Tensor y = head.forward(x); // (B, 72), index state*18 + class
        return y.reshape(y.shape(0), STATES, CLASSES);
    }

    /**
     * The logits the loss sees: in training (with logit adjustment on) log(base_probs) is added to
     * the POS row; otherwise the raw logits.
     */
    public Tensor adjusted(Tensor logits) {
        if (!isTraining() || !adjust) return logits;
        double[] bias = new double[STATES * CLASSES];
        double[] bp = baseProbs.toDoubles();
        for (int c = 0; c < CLASSES; c++) bias[POS * CLASSES + c] = Math.log(bp[c]);
        return logits.add(Tensor.ofDoubles(logits.device(), logits.dtype(), bias, STATES, CLASSES));
    }

    /** Mean cross-entropy over B*18 of logits (B, 4, 18) against statuses (B, 18) int64. */
    public static Tensor loss(Tensor logits, Tensor labels) {
        int b = logits.shape(0);
        if (labels.rank() != 2 || labels.shape(0) != b || labels.shape(1) != CLASSES)
            throw new RevtafException("status classifier: labels " + java.util.Arrays.toString(labels.shape())
                    + " should be [" + b + ", " + CLASSES + "]");
        Tensor perClass = logits.permute(0, 2, 1).contiguous(); // (B, 18, 4)
        return F.crossEntropy(perClass, labels, -1, 0);
    }

    /** P(POS) (B, 18) from logits (B, 4, 18): softmax over the states. */
    public static Tensor positiveProbabilities(Tensor logits) {
        return F.softmax(logits, 1).slice(1, POS, POS + 1).reshape(logits.shape(0), CLASSES);
    }

    /** The predicted status of every class (B, 18) int64: argmax over the states (first on ties). */
    public static Tensor predict(Tensor logits) {
        return F.argmax(logits, 1, false);
    }

    public double[] baseProbs() {
        return baseProbs.toDoubles();
    }

    /** Replaces base_probs (18 values > 0). */
    public void setBaseProbs(double[] p) {
        if (p.length != CLASSES) throw new RevtafException("base_probs: " + p.length + " values, need " + CLASSES);
        for (double v : p)
            if (!(v > 0) || Double.isInfinite(v))
                throw new RevtafException("base_probs must be finite and > 0, got " + Arrays.toString(p));
        baseProbs.setDoubles(p.clone());
    }

    /**
     * Training-set base_probs: for each clinical class the fraction of samples labelled POS,
     * divided by the largest of these fractions; auxiliary classes 1. Fractions floor at {@link
     * #MIN_BASE_PROB}; with no POS label at all every class gets 1.
     *
     * @param labels (N, 18) status codes, row-major
     */
    public static double[] baseProbsFromLabels(long[] labels) {
        int n = rows(labels);
        double[] freq = new double[CLINICAL];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < CLINICAL; c++) if (labels[i * CLASSES + c] == POS) freq[c] += 1.0 / n;
        boolean[] known = new boolean[CLINICAL];
        Arrays.fill(known, true);
        return normalised(freq, known, null);
    }

    /**
     * PromptMRG's "learning status", replacing base_probs after a validation: for each clinical
     * class the mean P(POS) over the validation images whose label is POS, divided by the largest
     * such mean; auxiliary classes 1. A class without a POS image (0/0) keeps its current value, as
     * does every class when no mean is positive. Returns the new values (also set).
     *
     * @param posProbs (N, 18) P(POS) per image, row-major ({@link #positiveProbabilities})
     * @param labels (N, 18) status codes
     */
    public double[] reestimate(double[] posProbs, long[] labels) {
        int n = rows(labels);
        if (posProbs.length != labels.length)
            throw new RevtafException(
                    "base_probs re-estimation: " + posProbs.length + " probabilities for " + labels.length + " labels");
        double[] sum = new double[CLINICAL];
        int[] count = new int[CLINICAL];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < CLINICAL; c++)
                if (labels[i * CLASSES + c] == POS) {
                    sum[c] += posProbs[i * CLASSES + c];
                    count[c]++;
                }
        boolean[] known = new boolean[CLINICAL];
        for (int c = 0; c < CLINICAL; c++) {
            known[c] = count[c] > 0;
            if (known[c]) sum[c] /= count[c];
        }
        double[] next = normalised(sum, known, baseProbs());
        setBaseProbs(next);
        return next;
    }

    /** values[c] / max over known classes (floored); unknown classes from previous (or 1). */
    private static double[] normalised(double[] values, boolean[] known, double[] previous) {
        double max = 0;
        for (int c = 0; c < CLINICAL; c++) if (known[c]) max = Math.max(max, values[c]);
        double[] out = new double[CLASSES];
        Arrays.fill(out, 1.0);
        for (int c = 0; c < CLINICAL; c++) {
            if (known[c] && max > 0) out[c] = Math.max(values[c] / max, MIN_BASE_PROB);
            else if (previous != null) out[c] = previous[c];
        }
        return out;
    }

    private static int rows(long[] labels) {
        if (labels.length % CLASSES != 0)
            throw new RevtafException("labels: " + labels.length + " values is not a multiple of " + CLASSES);
        for (long v : labels)
            if (v < 0 || v >= STATES) throw new RevtafException("labels: status " + v + " is not 0..3");
        return labels.length / CLASSES;
    }
}
