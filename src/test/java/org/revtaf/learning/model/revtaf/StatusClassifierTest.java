package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.revtaf.learning.nn.NnTesting.assertClose;

import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;

class StatusClassifierTest {
    private static StatusClassifier classifier(NnContext ctx, int in) {
        return new StatusClassifier(ctx, in, RevtafConfig.Classifier.defaults());
    }

    @Test
    void logitsAreTheLinearOutputViewedStateMajorAndInitialisedSmall() {
        NnContext ctx = NnTesting.f64(1);
        StatusClassifier c = classifier(ctx, 300);
        double[] w = c.head.weight.toDoubles();
        double var = 0;
        for (double v : w) var += v * v / w.length;
        assertEquals(0.001, Math.sqrt(var), 0.0001, "weight N(0, 0.001^2)");
        for (double v : c.head.bias.toDoubles()) assertEquals(0.0, v);
        Tensor x = NnTesting.randn(ctx, 2, 2, 300);
        double[] flat = c.head.forward(x).toDoubles(), view = c.logits(x).toDoubles();
        assertArrayEquals(new int[] {2, 4, 18}, c.logits(x).shape());
        // logits[b, s, k] = flat[b, s*18 + k]
        for (int b = 0; b < 2; b++)
            for (int s = 0; s < 4; s++)
                for (int k = 0; k < 18; k++) assertEquals(flat[b * 72 + s * 18 + k], view[(b * 4 + s) * 18 + k], 0.0);
    }

    @Test
    void logitAdjustmentAddsLogBaseProbsToPosOnlyInTraining() {
        NnContext ctx = NnTesting.f64(3);
        StatusClassifier c = classifier(ctx, 5);
        double[] bp = new double[18];
        for (int k = 0; k < 18; k++) bp[k] = k < 14 ? 0.05 * (k + 1) : 1;
        c.setBaseProbs(bp);
        Tensor logits = NnTesting.randn(ctx, 4, 3, 4, 18);
        double[] raw = logits.toDoubles(), adj = c.adjusted(logits).toDoubles();
        for (int b = 0; b < 3; b++)
            for (int s = 0; s < 4; s++)
                for (int k = 0; k < 18; k++) {
                    int i = (b * 4 + s) * 18 + k;
                    assertEquals(raw[i] + (s == 1 ? Math.log(bp[k]) : 0), adj[i], 1e-12);
                }
        Tensor labels = Tensor.ofLongs(ctx.device(), new long[3 * 18], 3, 18);
        double trainLoss = StatusClassifier.loss(c.adjusted(logits), labels).item();
        c.eval();
        assertArrayEquals(raw, c.adjusted(logits).toDoubles(), 0.0, "no adjustment outside training");
        assertNotEquals(
                trainLoss, StatusClassifier.loss(c.adjusted(logits), labels).item());
        StatusClassifier off = new StatusClassifier(ctx, 5, new RevtafConfig.Classifier(0.001, false));
        off.setBaseProbs(bp);
        assertArrayEquals(raw, off.adjusted(logits).toDoubles(), 0.0, "logit_adjustment: false");
    }

    @Test
    void lossIsCrossEntropyOverTheFourStatesOfEachClass() {
        NnContext ctx = NnTesting.f64(5);
        Tensor logits = NnTesting.randn(ctx, 6, 2, 4, 18);
        long[] lab = new long[36];
        for (int i = 0; i < 36; i++) lab[i] = (i * 7) % 4;
        double[] l = logits.toDoubles();
        double expect = 0;
        for (int b = 0; b < 2; b++)
            for (int k = 0; k < 18; k++) {
                double lse = 0;
                for (int s = 0; s < 4; s++) lse += Math.exp(l[(b * 4 + s) * 18 + k]);
                expect += (Math.log(lse) - l[(b * 4 + (int) lab[b * 18 + k]) * 18 + k]) / 36;
            }
        assertEquals(
                expect,
                StatusClassifier.loss(logits, Tensor.ofLongs(ctx.device(), lab, 2, 18))
                        .item(),
                1e-12);
        long[] pred = StatusClassifier.predict(logits).toLongs();
        for (int b = 0; b < 2; b++)
            for (int k = 0; k < 18; k++) {
                int best = 0;
                for (int s = 1; s < 4; s++) if (l[(b * 4 + s) * 18 + k] > l[(b * 4 + best) * 18 + k]) best = s;
                assertEquals(best, pred[b * 18 + k]);
            }
        double[] pos = StatusClassifier.positiveProbabilities(logits).toDoubles();
        double den = 0;
        for (int s = 0; s < 4; s++) den += Math.exp(l[s * 18 + 3]);
        assertEquals(Math.exp(l[18 + 3]) / den, pos[3], 1e-12);
    }

    @Test
    void baseProbsStartAsTrainingFrequenciesNormalisedByTheirMax() {
        long[] labels = new long[4 * 18];
        labels[0] = 1; // class 0 POS in 1 of 4
        labels[1] = 1;
        labels[18 + 1] = 1; // class 1 POS in 2 of 4
        labels[16] = 1; // an auxiliary class does not count
        labels[2] = 2; // NEG is not POS
        double[] bp = StatusClassifier.baseProbsFromLabels(labels);
        assertEquals(0.5, bp[0], 1e-12);
        assertEquals(1.0, bp[1], 1e-12);
        assertEquals(StatusClassifier.MIN_BASE_PROB, bp[2], 0.0, "a class never POS is floored, log stays finite");
        for (int k = 14; k < 18; k++) assertEquals(1.0, bp[k]);
        double[] none = StatusClassifier.baseProbsFromLabels(new long[2 * 18]);
        for (double v : none) assertEquals(1.0, v);
        assertThrows(RevtafException.class, () -> StatusClassifier.baseProbsFromLabels(new long[17]));
    }

    @Test
    void reestimationIsTheMeanPosProbabilityOfPosImagesWithAGuardForClassesWithout() {
        StatusClassifier c = classifier(NnTesting.f64(7), 3);
        double[] start = new double[18];
        java.util.Arrays.fill(start, 1);
        start[2] = 0.3;
        c.setBaseProbs(start);
        long[] labels = new long[3 * 18];
        double[] pos = new double[3 * 18];
        labels[0] = 1; // class 0: images 0 and 1 POS with P(POS) 0.2, 0.4 -> mean 0.3
        pos[0] = 0.2;
        labels[18] = 1;
        pos[18] = 0.4;
        pos[36] = 0.9; // image 2 not POS for class 0: ignored
        labels[1] = 1; // class 1: mean 0.6 (the max)
        pos[1] = 0.6;
        pos[2] = 0.8; // class 2: no POS image (0/0) -> keeps 0.3
        double[] next = c.reestimate(pos, labels);
        assertClose("learning status", new double[] {0.5, 1.0, 0.3}, java.util.Arrays.copyOf(next, 3), 1e-12);
        assertEquals(1.0, next[3], "no POS image: keeps its value");
        for (int k = 14; k < 18; k++) assertEquals(1.0, next[k]);
        assertArrayEquals(next, c.baseProbs(), 0.0, "the buffer is updated");
        // every mean zero: nothing changes (no division by zero)
        double[] again = c.reestimate(new double[3 * 18], labels);
        assertArrayEquals(next, again, 0.0);
        assertEquals(
                java.util.List.of("head.weight", "head.bias"),
                java.util.List.copyOf(c.namedParameters().keySet()));
        assertEquals(
                java.util.List.of("base_probs"),
                java.util.List.copyOf(c.namedBuffers().keySet()));
    }
}
