package org.revtaf.learning.model.foundation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** The existence CE and the position contrastive loss against a hand computation. */
class FoundationLossTest {
    static double logSumExp(double... x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) m = Math.max(m, v);
        double s = 0;
        for (double v : x) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    @Test
    void lossesMatchAHandComputation() {
        int b = 2, m = 75, k = 3;
        Random r = new Random(3);
        float[] logits = new float[b * m * 2], scores = new float[b * m * 51];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
        for (int i = 0; i < scores.length; i++) scores[i] = (float) r.nextGaussian();
        int[][] exist = new int[b][m];
        long[][] pos = new long[b][m];
        for (int i = 0; i < b; i++)
            for (int e = 0; e < m; e++) {
                exist[i][e] = r.nextInt(3) - 1; // -1, 0, 1
                if (exist[i][e] == 1) pos[i][e] = 1L << r.nextInt(51);
            }
        TripletTargets[] t = {new TripletTargets(exist[0], pos[0]), new TripletTargets(exist[1], pos[1])};
        long[][] cand = new long[b][];
        for (int i = 0; i < b; i++) cand[i] = t[i].candidates(k - 1, new org.revtaf.domain.data.SplitMix64(i));

        double ce = 0, pl = 0;
        int nce = 0, npl = 0;
        for (int i = 0; i < b; i++)
            for (int e = 0; e < m; e++) {
                int o = (i * m + e) * 2;
                if (exist[i][e] >= 0) {
                    ce += logSumExp(logits[o], logits[o + 1]) - logits[o + exist[i][e]];
                    nce++;
                }
                if (exist[i][e] == 1) {
                    double[] c = new double[k];
                    for (int j = 0; j < k; j++) c[j] = scores[(i * m + e) * 51 + (int) cand[i][e * k + j]];
                    pl += logSumExp(c) - c[0];
                    npl++;
                }
            }
        ce /= nce;
        pl /= npl;

        FoundationModel.Output out = new FoundationModel.Output(
                Tensor.of(Device.CPU, logits, b, m, 2), Tensor.of(Device.CPU, scores, b, m, 51));
        FoundationLoss.Parts parts = FoundationLoss.of(out, FoundationLoss.Targets.of(Device.CPU, t, cand, k), 0.5);
        assertEquals(ce, parts.ce().item(), 1e-5);
        assertEquals(pl, parts.position().item(), 1e-5);
        assertEquals(ce + 0.5 * pl, parts.total().item(), 1e-5);
    }

    /** Random logits (b, 75, 2) and targets with every status; the weighted CE against a hand computation. */
    @Test
    void weightedExistenceLossMatchesAHandComputationAndItsGradient() {
        int b = 3, m = 75, k = 2;
        Random r = new Random(11);
        float[] logits = new float[b * m * 2];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
        TripletTargets[] t = new TripletTargets[b];
        long[][] cand = new long[b][];
        for (int i = 0; i < b; i++) {
            int[] exist = new int[m];
            for (int e = 0; e < m; e++) exist[e] = r.nextInt(3) - 1;
            t[i] = new TripletTargets(exist, new long[m]);
            cand[i] = t[i].candidates(k - 1, new org.revtaf.domain.data.SplitMix64(i));
        }
        float[] pw = new float[m];
        for (int e = 0; e < m; e++) pw[e] = 1 + 3 * r.nextFloat();

        double num = 0, den = 0;
        double[] grad = new double[logits.length];
        for (int i = 0; i < b; i++)
            for (int e = 0; e < m; e++) {
                int x = t[i].exist()[e], o = (i * m + e) * 2;
                if (x < 0) continue;
                double w = x == 1 ? pw[e] : 1;
                num += w * (logSumExp(logits[o], logits[o + 1]) - logits[o + x]);
                den += w;
            }
        for (int i = 0; i < b; i++)
            for (int e = 0; e < m; e++) {
                int x = t[i].exist()[e], o = (i * m + e) * 2;
                if (x < 0) continue;
                double w = x == 1 ? pw[e] : 1, lse = logSumExp(logits[o], logits[o + 1]);
                for (int c = 0; c < 2; c++) grad[o + c] = w / den * (Math.exp(logits[o + c] - lse) - (c == x ? 1 : 0));
            }

        Tensor lg = Tensor.of(Device.CPU, logits, b, m, 2).requiresGrad(true);
        FoundationModel.Output out = new FoundationModel.Output(
                lg, Tensor.zeros(Device.CPU, org.revtaf.engine.tensor.DType.FLOAT32, b, m, 51));
        FoundationLoss.Parts parts = FoundationLoss.of(out, FoundationLoss.Targets.of(Device.CPU, t, cand, k, pw), 0);
        assertEquals(num / den, parts.ce().item(), 1e-5);
        parts.total().backward();
        float[] g = lg.grad().toFloats();
        for (int i = 0; i < g.length; i++) assertEquals(grad[i], g[i], 1e-6, "d loss / d logits[" + i + "]");

        // all weights 1: the weighted loss is MedKLIP's plain mean, to rounding
        float[] ones = new float[m];
        java.util.Arrays.fill(ones, 1);
        double plain = FoundationLoss.of(out, FoundationLoss.Targets.of(Device.CPU, t, cand, k), 0)
                .ce()
                .item();
        double weighted = FoundationLoss.of(out, FoundationLoss.Targets.of(Device.CPU, t, cand, k, ones), 0)
                .ce()
                .item();
        assertEquals(plain, weighted, 1e-6);
    }

    @Test
    void positiveWeightsFollowTheTrainingCounts() {
        int m = TripletTargets.ENTITIES;
        TripletTargets[] train = new TripletTargets[100];
        for (int i = 0; i < train.length; i++) {
            int[] exist = new int[m];
            java.util.Arrays.fill(exist, -1);
            exist[0] = i < 4 ? 1 : 0; // 4 positives, 96 negatives: (96/4)^0.5 = 4.899
            exist[1] = i < 1 ? 1 : 0; // 1 : 99 -> 9.95; power 1 would give 99, clamped to 20
            exist[2] = i < 60 ? 1 : 0; // more positives than negatives: weight 1, never below
            exist[3] = 1; // no negatives: 1
            train[i] = new TripletTargets(exist, new long[m]);
        }
        float[] w = FoundationLoss.positiveWeights(train, 0.5, 20);
        assertEquals(Math.sqrt(24), w[0], 1e-5);
        assertEquals(Math.sqrt(99), w[1], 1e-5);
        assertEquals(1, w[2]);
        assertEquals(1, w[3]);
        assertEquals(1, w[4]); // no targets at all
        assertEquals(20, FoundationLoss.positiveWeights(train, 1, 20)[1]);
        float[] ones = new float[m];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, FoundationLoss.positiveWeights(train, 0, 20));
    }
}
