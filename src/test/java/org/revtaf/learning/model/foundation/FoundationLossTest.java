package org.revtaf.learning.model.foundation;

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
}
