package org.revtaf.learning.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Parameter;
import org.revtaf.learning.nn.Rng;

class AdamWTest {
    private static Tensor t(double... v) {
        return Tensor.ofDoubles(Device.REFERENCE, v, 1, v.length);
    }

    private static Map<String, Parameter> params(Tensor w, Tensor b) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("w", new Parameter(w.requiresGrad(true), true));
        m.put("b", new Parameter(b.requiresGrad(true), false));
        return m;
    }

    @Test
    void firstTwoStepsMatchHandComputedValues() {
        Tensor w = t(1.0, -2.0), b = Tensor.ofDoubles(Device.REFERENCE, new double[] {0.5}, 1);
        AdamW opt = new AdamW(params(w, b), 0.01, 0.9, 0.999, 1e-8, 0.05);
        w.setGrad(t(0.1, -0.2));
        b.setGrad(Tensor.ofDoubles(Device.REFERENCE, new double[] {0.3}, 1));
        opt.step();
        // step 1: decay p *= 1 - 0.01*0.05; m_hat = g, v_hat = g^2 -> update lr * g / (|g| + eps)
        double w0 = 1.0 * 0.9995 - 0.01 * 0.1 / (0.1 + 1e-8);
        double w1 = -2.0 * 0.9995 + 0.01 * 0.2 / (0.2 + 1e-8);
        double b0 = 0.5 - 0.01 * 0.3 / (0.3 + 1e-8); // no decay on biases
        assertArrayEquals(new double[] {w0, w1}, w.toDoubles(), 1e-14);
        assertEquals(b0, b.toDoubles()[0], 1e-14);
        opt.step(); // same gradients again
        // step 2: m = 0.9*0.1g + 0.1g = 0.19g, bc1 = 0.19; v = (0.999*0.001 + 0.001)g^2 = 0.001999g^2, bc2 = 0.001999
        assertArrayEquals(
                new double[] {w0 * 0.9995 - 0.01 * 0.1 / (0.1 + 1e-8), w1 * 0.9995 + 0.01 * 0.2 / (0.2 + 1e-8)},
                w.toDoubles(),
                1e-12);
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        Tensor w = t(1.0, 2.0), b = Tensor.ofDoubles(Device.REFERENCE, new double[] {3}, 1);
        AdamW opt = AdamW.paper(params(w, b), 1e-3);
        b.setGrad(Tensor.ofDoubles(Device.REFERENCE, new double[] {1}, 1));
        opt.step();
        assertArrayEquals(new double[] {1.0, 2.0}, w.toDoubles(), 0.0, "no gradient: no decay either");
        assertEquals(0, opt.state().get("step.w").toLongs()[0]);
        assertEquals(1, opt.state().get("step.b").toLongs()[0]);
    }

    @Test
    void savedStateResumesExactly() {
        NnContext ctx = new NnContext(Device.REFERENCE, DType.FLOAT64, new Rng(1), new Rng(2));
        Linear a = new Linear(ctx, 3, 2, true);
        NnContext ctx2 = new NnContext(Device.REFERENCE, DType.FLOAT64, new Rng(1), new Rng(2));
        Linear b = new Linear(ctx2, 3, 2, true);
        AdamW oa = AdamW.paper(a.namedParameters(), 1e-2), ob = AdamW.paper(b.namedParameters(), 1e-2);
        Tensor x = Tensor.randn(Device.REFERENCE, DType.FLOAT64, new Rng(3), 1, 4, 3);
        for (int i = 0; i < 3; i++) trainStep(a, oa, x);
        for (int i = 0; i < 3; i++) trainStep(b, ob, x);
        // b is "restarted": a new optimizer from the saved state
        AdamW resumed = AdamW.paper(b.namedParameters(), 1e-2);
        resumed.loadState(ob.state());
        trainStep(a, oa, x);
        trainStep(b, resumed, x);
        assertArrayEquals(a.weight.toDoubles(), b.weight.toDoubles(), 0.0);
        assertArrayEquals(a.bias.toDoubles(), b.bias.toDoubles(), 0.0);
        RevtafException e = assertThrows(RevtafException.class, () -> resumed.loadState(Map.of()));
        assertTrue(e.getMessage().contains("m.weight"), e.getMessage());
    }

    private static void trainStep(Linear l, AdamW opt, Tensor x) {
        opt.zeroGrad();
        F.sum(F.pow(l.forward(x), 2), false).backward();
        opt.step();
    }

    @Test
    void accumulatedHalfBatchesEqualOneFullBatch() {
        NnContext c1 = new NnContext(Device.REFERENCE, DType.FLOAT64, new Rng(1), new Rng(2));
        NnContext c2 = new NnContext(Device.REFERENCE, DType.FLOAT64, new Rng(1), new Rng(2));
        Linear full = new Linear(c1, 3, 2, true), acc = new Linear(c2, 3, 2, true);
        Tensor x = Tensor.randn(Device.REFERENCE, DType.FLOAT64, new Rng(3), 1, 4, 3);
        F.mean(F.pow(full.forward(x), 2), false).backward();
        for (int h = 0; h < 2; h++)
            F.mean(F.pow(acc.forward(x.slice(0, 2 * h, 2 * h + 2)), 2), false)
                    .mul(0.5)
                    .backward();
        assertArrayEquals(full.weight.grad().toDoubles(), acc.weight.grad().toDoubles(), 1e-12);
        AdamW.paper(full.namedParameters(), 1e-2).step();
        AdamW.paper(acc.namedParameters(), 1e-2).step();
        assertArrayEquals(full.weight.toDoubles(), acc.weight.toDoubles(), 1e-12);
    }

    @Test
    void clippingByValueAndByNorm() {
        Tensor w = t(0, 0, 0).requiresGrad(true), b = t(0).requiresGrad(true);
        w.setGrad(t(0.5, -0.05, -2));
        b.setGrad(t(0.1));
        GradClip.byValue(List.of(w, b), 0.1);
        assertArrayEquals(new double[] {0.1, -0.05, -0.1}, w.grad().toDoubles(), 0.0);
        w.setGrad(t(3, 0, 0));
        b.setGrad(t(4));
        double norm = GradClip.byNorm(List.of(w, b), 1.0);
        assertEquals(5.0, norm, 1e-12);
        double c = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[] {3 * c, 0, 0}, w.grad().toDoubles(), 1e-12);
        assertEquals(4 * c, b.grad().toDoubles()[0], 1e-12);
        GradClip.byNorm(List.of(w, b), 10.0); // under the limit: unchanged
        assertEquals(4 * c, b.grad().toDoubles()[0], 1e-12);
        b.setGrad(t(Double.NaN));
        assertThrows(RevtafException.class, () -> GradClip.byNorm(List.of(w, b), 1.0));
        assertThrows(RevtafException.class, () -> GradClip.byValue(List.of(w), 0));
    }

    @Test
    void decayGroupsFollowTheReferenceRule() {
        NnContext ctx = NnContext.of(Device.CPU, 1);
        var named = new org.revtaf.learning.model.BertEncoder(
                        ctx,
                        new org.revtaf.learning.model.BertConfig(10, 4, 1, 2, 8, 6, 2, 0.1, 1e-12, 0, 4),
                        false,
                        false)
                .namedParameters();
        named.forEach((n, p) -> {
            boolean noDecay = p.tensor().rank() < 2 || n.contains("bias") || n.contains("norm");
            assertEquals(!noDecay, p.decay(), n);
        });
        assertTrue(named.get("embeddings.word_embeddings.weight").decay());
        assertTrue(!named.get("layers.0.norm1.weight").decay());
    }
}
