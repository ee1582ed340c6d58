package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.learning.nn.NnTesting.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.PoincareScalar;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;

class RetrievalEnhancerTest {
    private static final RevtafConfig.Hnn SMALL = new RevtafConfig.Hnn(5, 2, 0.01);

    private static long[] rows(int[]... r) {
        long[] out = new long[r.length * 18];
        for (int i = 0; i < r.length; i++) for (int c = 0; c < 18; c++) out[i * 18 + c] = c < r[i].length ? r[i][c] : 0;
        return out;
    }

    @Test
    void rankTargetsAreTheFirstNearestOtherRowInDiagonalDroppedNumbering() {
        // row 0 and 2 identical; row 1 differs from 0 in one class, from 3 in one class; row 3 far from 0
        long[] labels = rows(new int[] {1, 2, 0}, new int[] {1, 2, 3}, new int[] {1, 2, 0}, new int[] {0, 2, 3});
        // Hamming: d(0,1)=2 d(0,2)=0 d(0,3)=4 d(1,2)=2 d(1,3)=2 d(2,3)=4
        // row 0 -> original 2 -> column 1; row 1 -> ties 0, 2, 3 at 2 -> first: 0 -> column 0
        // row 2 -> original 0 -> column 0; row 3 -> original 1 (d 2) -> column 1
        assertArrayEquals(new int[] {1, 0, 0, 1}, RetrievalEnhancer.rankTargets(labels, 4));
        // all equal: every row takes the first other row
        assertArrayEquals(
                new int[] {0, 0, 0}, RetrievalEnhancer.rankTargets(rows(new int[0], new int[0], new int[0]), 3));
    }

    @Test
    void embeddingStaysInTheBallAndFollowsTheHgcnLayers() {
        NnContext ctx = NnTesting.f64(1);
        RetrievalEnhancer lre = new RetrievalEnhancer(ctx, SMALL);
        assertEquals(
                List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"),
                List.copyOf(lre.namedParameters().keySet()));
        assertArrayEquals(new int[] {5, 75}, lre.layers.get(0).weight.shape());
        lre.layers.get(0).bias.setDoubles(new double[] {0.3, -0.2, 0.1, 0, 0.5});
        Tensor x = Tensor.uniform(ctx.device(), ctx.dtype(), new java.util.Random(2), 0, 1, 3, 75);
        Tensor h = lre.embed(x);
        assertArrayEquals(new int[] {3, 5}, h.shape());
        // the same composition written out from the F ops
        double c = 0.01;
        Tensor e = F.proj(F.expmap0(x, c), c);
        for (HypLinear l : lre.layers.items()) {
            Tensor mv = F.proj(F.mobiusMatvec(l.weight, e, c), c);
            Tensor lin = F.proj(F.mobiusAdd(mv, F.proj(F.expmap0(l.bias, c), c), c), c);
            e = F.proj(F.expmap0(F.relu(F.logmap0(lin, c)), c), c);
        }
        assertClose("hnn", e.toDoubles(), h.toDoubles(), 1e-12);
        double max = PoincareScalar.projMaxNorm(c);
        double[] v = h.toDoubles();
        for (int i = 0; i < 3; i++) {
            double n = 0;
            for (int k = 0; k < 5; k++) n += v[i * 5 + k] * v[i * 5 + k];
            assertTrue(Math.sqrt(n) <= max * (1 + 1e-9), "row " + i + " leaves the ball");
            assertTrue(n > 0);
        }
    }

    @Test
    void rankLossIsCrossEntropyOfNegativeOffDiagonalDistances() {
        NnContext ctx = NnTesting.f64(3);
        RetrievalEnhancer lre = new RetrievalEnhancer(ctx, SMALL);
        Tensor x = Tensor.uniform(ctx.device(), ctx.dtype(), new java.util.Random(4), 0, 1, 4, 75);
        long[] labels = rows(new int[] {1, 2, 0}, new int[] {1, 2, 3}, new int[] {1, 2, 0}, new int[] {0, 2, 3});
        Tensor h = lre.embed(x);
        double loss =
                lre.rankLoss(h, Tensor.ofLongs(ctx.device(), labels, 4, 18)).item();
        double[] d = F.poincareDist(h, h, 0.01).toDoubles();
        int[] t = RetrievalEnhancer.rankTargets(labels, 4);
        double expect = 0;
        for (int i = 0; i < 4; i++) {
            double[] logits = new double[3];
            for (int k = 0; k < 3; k++) logits[k] = -d[i * 4 + (k < i ? k : k + 1)];
            double mx = Math.max(logits[0], Math.max(logits[1], logits[2]));
            double lse = mx + Math.log(Math.exp(logits[0] - mx) + Math.exp(logits[1] - mx) + Math.exp(logits[2] - mx));
            expect += (lse - logits[t[i]]) / 4;
        }
        assertEquals(expect, loss, 1e-10);
        assertEquals(
                0.0,
                lre.rankLoss(h.slice(0, 0, 1), Tensor.ofLongs(ctx.device(), new long[18], 1, 18))
                        .item());
    }

    @Test
    void rankLossGradientChecksOnTheReferenceBackend() {
        NnContext ctx = NnTesting.f64(5);
        RetrievalEnhancer lre = new RetrievalEnhancer(ctx, new RevtafConfig.Hnn(4, 2, 0.5));
        Tensor x = Tensor.uniform(ctx.device(), ctx.dtype(), new java.util.Random(6), 0, 1, 4, 75);
        Tensor labels = Tensor.ofLongs(
                ctx.device(), rows(new int[] {1}, new int[] {2, 1}, new int[] {1, 3}, new int[] {0, 1}), 4, 18);
        lre.layers.get(1).bias.setDoubles(new double[] {0.2, -0.1, 0.3, 0.05});
        NnTesting.gradCheck(
                "rank loss",
                () -> lre.rankLoss(lre.embed(x), labels),
                lre.layers.get(0).weight,
                lre.layers.get(1).weight,
                lre.layers.get(1).bias);
    }

    @Test
    void cpuMatchesTheReferenceForwardAndBackward() {
        NnContext ref = NnTesting.f64(7), cpu = NnTesting.f32(7);
        RetrievalEnhancer a = new RetrievalEnhancer(ref, SMALL), b = new RetrievalEnhancer(cpu, SMALL);
        Tensor x = Tensor.uniform(Device.REFERENCE, ref.dtype(), new java.util.Random(8), 0, 1, 5, 75);
        long[] lab = rows(new int[] {1}, new int[] {2}, new int[] {1, 1}, new int[] {3}, new int[] {0, 2});
        Tensor la = a.rankLoss(a.embed(x), Tensor.ofLongs(ref.device(), lab, 5, 18));
        Tensor lb = b.rankLoss(b.embed(RevtafTesting.on(cpu, x)), Tensor.ofLongs(cpu.device(), lab, 5, 18));
        assertEquals(la.item(), lb.item(), 1e-4 * (1 + Math.abs(la.item())));
        la.backward();
        lb.backward();
        for (int i = 0; i < 2; i++) {
            assertClose(
                    "d weight " + i,
                    a.layers.get(i).weight.grad().toDoubles(),
                    b.layers.get(i).weight.grad().toDoubles(),
                    2e-3);
        }
    }
}
