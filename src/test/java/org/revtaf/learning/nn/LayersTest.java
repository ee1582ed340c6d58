package org.revtaf.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.learning.nn.NnTesting.assertClose;
import static org.revtaf.learning.nn.NnTesting.f64;
import static org.revtaf.learning.nn.NnTesting.randn;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

class LayersTest {
    @Test
    void linearComputesXWtPlusB() {
        NnContext ctx = f64(1);
        Linear l = new Linear(ctx, 3, 2, true);
        l.weight.setDoubles(new double[] {1, 2, 3, -1, 0, 0.5});
        l.bias.setDoubles(new double[] {0.5, -2});
        Tensor x = Tensor.ofDoubles(ctx.device(), new double[] {1, 1, 1, 2, 0, -2}, 2, 3);
        // row 0: [1+2+3+0.5, -1+0+0.5-2] ; row 1: [2-6+0.5, -2-1-2]
        assertArrayEquals(new double[] {6.5, -2.5, -3.5, -5}, l.forward(x).toDoubles(), 1e-12);
        assertEquals(List.of("weight", "bias"), List.copyOf(l.namedParameters().keySet()));
        assertTrue(l.namedParameters().get("weight").decay());
        assertFalse(l.namedParameters().get("bias").decay());
    }

    @Test
    void conv2dMatchesADirectLoop() {
        NnContext ctx = f64(2);
        Conv2d c = new Conv2d(ctx, 2, 3, 3, 2, 1, 1, 1, true, Init.normal(1));
        Tensor x = randn(ctx, 5, 1, 2, 5, 4);
        double[] w = c.weight.toDoubles(), b = c.bias.toDoubles(), xv = x.toDoubles();
        int oh = 3, ow = 2;
        double[] expect = new double[3 * oh * ow];
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double s = b[o];
                    for (int ci = 0; ci < 2; ci++)
                        for (int ki = 0; ki < 3; ki++)
                            for (int kj = 0; kj < 3; kj++) {
                                int yi = i * 2 - 1 + ki, xj = j * 2 - 1 + kj;
                                if (yi < 0 || yi >= 5 || xj < 0 || xj >= 4) continue;
                                s += w[((o * 2 + ci) * 3 + ki) * 3 + kj] * xv[(ci * 5 + yi) * 4 + xj];
                            }
                    expect[(o * oh + i) * ow + j] = s;
                }
        Tensor y = c.forward(x);
        assertArrayEquals(new int[] {1, 3, oh, ow}, y.shape());
        assertClose("conv", expect, y.toDoubles(), 1e-12);
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval() {
        NnContext ctx = f64(3);
        BatchNorm2d bn = new BatchNorm2d(ctx, 1);
        Tensor x = Tensor.ofDoubles(ctx.device(), new double[] {1, 2, 3, 4}, 2, 1, 1, 2);
        double[] y = bn.forward(x).toDoubles();
        double mean = 2.5, var = 1.25; // biased variance for normalisation
        for (int i = 0; i < 4; i++) assertEquals((i + 1 - mean) / Math.sqrt(var + 1e-5), y[i], 1e-9);
        // running stats: 0.9 * init + 0.1 * batch (unbiased variance 5/3)
        assertEquals(0.25, bn.runningMean.toDoubles()[0], 1e-12);
        assertEquals(0.9 + 0.1 * 5.0 / 3.0, bn.runningVar.toDoubles()[0], 1e-12);
        bn.eval();
        double rv = bn.runningVar.toDoubles()[0];
        assertEquals((1 - 0.25) / Math.sqrt(rv + 1e-5), bn.forward(x).toDoubles()[0], 1e-9);
        assertEquals(
                List.of("running_mean", "running_var"),
                List.copyOf(bn.namedBuffers().keySet()));
    }

    @Test
    void layerNormNormalisesTheLastAxis() {
        NnContext ctx = f64(4);
        LayerNorm ln = new LayerNorm(ctx, 4, 1e-12);
        ln.weight.setDoubles(new double[] {1, 2, 1, 1});
        ln.bias.setDoubles(new double[] {0, 0, 0, 1});
        Tensor x = Tensor.ofDoubles(ctx.device(), new double[] {1, 2, 3, 4}, 1, 4);
        double sd = Math.sqrt(1.25);
        assertArrayEquals(
                new double[] {-1.5 / sd, 2 * -0.5 / sd, 0.5 / sd, 1.5 / sd + 1},
                ln.forward(x).toDoubles(),
                1e-9);
    }

    @Test
    void embeddingLooksUpRowsAndZeroesThePaddingRow() {
        NnContext ctx = f64(5);
        Embedding e = new Embedding(ctx, 4, 3, Init.normal(0.02), 0);
        double[] w = e.weight.toDoubles();
        assertArrayEquals(new double[3], java.util.Arrays.copyOf(w, 3), 0.0);
        Tensor out = e.forward(Tensor.ofLongs(ctx.device(), new long[] {2, 0, 3}, 1, 3));
        assertArrayEquals(new int[] {1, 3, 3}, out.shape());
        double[] o = out.toDoubles();
        for (int k = 0; k < 3; k++) {
            assertEquals(w[6 + k], o[k], 0.0);
            assertEquals(0.0, o[3 + k], 0.0);
            assertEquals(w[9 + k], o[6 + k], 0.0);
        }
    }

    /** PyTorch's padding_idx: lookups of the padding row send it no gradient; other rows as plain lookups. */
    @Test
    void paddingRowGetsNoGradientFromLookups() {
        for (Device dev : new Device[] {Device.REFERENCE, Device.CPU}) {
            NnContext ctx = new NnContext(dev, DType.FLOAT32, new Rng(5), new Rng(6));
            Embedding e = new Embedding(ctx, 4, 3, Init.normal(1.0), 1);
            Tensor ids = Tensor.ofLongs(dev, new long[] {2, 1, 3, 1, 2, 0}, 2, 3);
            Tensor up = Tensor.randn(dev, DType.FLOAT32, new Rng(7), 1.0, 2, 3, 3);
            e.forward(ids).backward(up);
            double[] g = e.weight.grad().toDoubles(), u = up.toDoubles();
            Tensor plain = e.weight.detach().requiresGrad(true);
            F.embedding(plain, ids).backward(up);
            double[] p = plain.grad().toDoubles();
            for (int k = 0; k < 3; k++) {
                assertEquals(0.0, g[3 + k], 0.0, dev + ": padding row");
                assertEquals(u[3 + k] + u[9 + k], p[3 + k], 1e-6, dev + ": plain lookup of row 1");
                assertEquals(u[k] + u[12 + k], g[6 + k], 1e-6, dev + ": row 2");
                assertEquals(p[k], g[k], 0.0, dev + ": row 0");
                assertEquals(p[9 + k], g[9 + k], 0.0, dev + ": row 3");
            }
        }
    }

    @Test
    void dropoutIsIdentityInEvalAndInvertedInTraining() {
        NnContext ctx = f64(6);
        Dropout d = new Dropout(ctx, 0.25);
        Tensor x = Tensor.full(ctx.device(), ctx.dtype(), 1.0, 4000);
        double[] y = d.forward(x).toDoubles();
        int zeros = 0;
        for (double v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75, v, 1e-12);
        }
        assertEquals(1000, zeros, 100);
        d.eval();
        assertArrayEquals(x.toDoubles(), d.forward(x).toDoubles(), 0.0);
    }

    @Test
    void initialisationFollowsTheReferenceFormulasAndIsSeeded() {
        int[] shape = {64, 32, 3, 3};
        double[] k = Init.kaimingNormalFanOut().sample(shape, new Rng(1));
        assertEquals(Math.sqrt(2.0 / (64 * 9)), std(k), 0.003);
        double[] x = Init.xavierUniform(1).sample(new int[] {200, 100}, new Rng(2));
        double a = Math.sqrt(6.0 / 300);
        double max = 0;
        for (double v : x) max = Math.max(max, Math.abs(v));
        assertTrue(max <= a && max > 0.99 * a);
        assertEquals(0.02, std(Init.normal(0.02).sample(new int[] {300, 100}, new Rng(3))), 0.0005);
        double[] t = Init.torchDefaultWeight().sample(new int[] {50, 400}, new Rng(4));
        for (double v : t) assertTrue(Math.abs(v) <= 1 / 20.0);
        assertArrayEquals(
                new Linear(f64(7), 5, 5, true).weight.toDoubles(),
                new Linear(f64(7), 5, 5, true).weight.toDoubles(),
                0.0);
        assertNotEquals(
                new Linear(f64(7), 5, 5, true).weight.toDoubles()[0],
                new Linear(f64(8), 5, 5, true).weight.toDoubles()[0]);
    }

    @Test
    void layerGradientsMatchCentralDifferences() {
        NnContext ctx = f64(9);
        Linear l = new Linear(ctx, 3, 2, true);
        LayerNorm ln = new LayerNorm(ctx, 2, 1e-5);
        Tensor x = randn(ctx, 1, 4, 3).requiresGrad(true);
        NnTesting.gradCheck("linear+ln", () -> ln.forward(l.forward(x)), l.weight, l.bias, ln.weight, x);
    }

    private static double std(double[] v) {
        double s = 0, s2 = 0;
        for (double x : v) {
            s += x;
            s2 += x * x;
        }
        double m = s / v.length;
        return Math.sqrt(s2 / v.length - m * m);
    }
}
