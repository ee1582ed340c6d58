package org.revtaf.engine.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

class AutogradTest {
    private static Tensor s(double v) {
        return Tensor.scalar(Device.REFERENCE, DType.FLOAT64, v).requiresGrad(true);
    }

    /** micrograd's test_sanity_check: values and gradients computed by hand (chain rule). */
    @Test
    void microgradSanityCheck() {
        Tensor x = s(-4.0);
        Tensor z = F.add(F.add(F.scale(x, 2), s(2)), x); // z = 2x + 2 + x = -10
        Tensor q = F.add(F.relu(z), F.mul(z, x)); // relu(-10)=0, z*x = 40
        Tensor h = F.relu(F.mul(z, z)); // 100
        Tensor y = F.add(F.add(h, q), F.mul(q, x)); // 100 + 40 + 40*(-4) = -20
        y.backward();
        assertEquals(-20.0, y.item(), 1e-12);
        // dy/dx = dh/dx + dq/dx (1 + x) + q; z = 3x + 2, h = z^2, q = z x (relu(z) = 0)
        // dh/dx = 2 z * 3 = -60; dq/dx = 3x + z = -22; so -60 + -22 * (-3) + 40 = 46
        assertEquals(46.0, x.grad().item(), 1e-12);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor w = Tensor.ofDoubles(Device.REFERENCE, new double[] {1, 2, 3}, 3).requiresGrad(true);
        F.sum(F.mul(w, w), false).backward();
        F.sum(F.mul(w, w), false).backward();
        assertEquals(4.0 * 3, w.grad().toDoubles()[2], 1e-12);
        Tensor buffer = w.grad();
        w.zeroGrad();
        assertEquals(0.0, w.grad().toDoubles()[2]);
        F.sum(w, false).backward();
        assertSame(buffer, w.grad(), "the gradient buffer is reused");
        assertEquals(1.0, w.grad().toDoubles()[0], 1e-12);
    }

    @Test
    void sharedSubexpressionGetsSummedGradient() {
        Tensor a = s(3.0);
        Tensor b = F.mul(a, a); // used twice below
        F.add(b, F.scale(b, 2)).backward(); // 3 a^2 -> 6a = 18
        assertEquals(18.0, a.grad().item(), 1e-12);
    }

    @Test
    void noGradScopeRecordsNothingAndDetachCutsTheGraph() {
        Tensor a = s(2.0);
        try (var g = GradMode.noGrad()) {
            Tensor b = F.mul(a, a);
            assertFalse(b.requiresGrad());
            assertNull(b.gradFn());
        }
        assertTrue(GradMode.isEnabled());
        Tensor c = F.mul(a, a).detach();
        assertFalse(c.requiresGrad());
        Tensor d = F.mul(F.mul(a, a), c); // only the first factor carries gradient: 2a * c = 16
        d.backward();
        assertEquals(16.0, a.grad().item(), 1e-12);
    }

    @Test
    void deepChainDoesNotOverflowTheStack() {
        Tensor a = s(1.0);
        Tensor x = a;
        for (int i = 0; i < 20000; i++) x = F.addScalar(x, 0.0);
        x.backward();
        assertEquals(1.0, a.grad().item(), 1e-12);
    }

    @Test
    void usingAGraphTwiceIsAClearError() {
        Tensor a = s(1.0);
        Tensor y = F.mul(a, a);
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("mul"), e.getMessage());
    }

    @Test
    void mismatchErrorsNameTheOpAndShapes() {
        Tensor a = Tensor.zeros(Device.REFERENCE, DType.FLOAT64, 2, 3);
        Tensor b = Tensor.zeros(Device.REFERENCE, DType.FLOAT64, 4, 3);
        RevtafException e = assertThrows(RevtafException.class, () -> F.add(a, b));
        assertTrue(
                e.getMessage().contains("add")
                        && e.getMessage().contains("[2, 3]")
                        && e.getMessage().contains("[4, 3]"),
                e.getMessage());
        Tensor c = Tensor.zeros(Device.CPU, DType.FLOAT64, 2, 3);
        e = assertThrows(RevtafException.class, () -> F.mul(a, c));
        assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("devices"), e.getMessage());
        Tensor d = Tensor.zeros(Device.REFERENCE, DType.FLOAT32, 2, 3);
        e = assertThrows(RevtafException.class, () -> F.sub(a, d));
        assertTrue(e.getMessage().contains("sub") && e.getMessage().contains("FLOAT32"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> F.matmul(a, a));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3] @ [2, 3]"), e.getMessage());
        e = assertThrows(RevtafException.class, () -> F.sum(a, false).backward(F.sum(a, false)));
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void backwardOfNonScalarNeedsUpstream() {
        Tensor a = Tensor.zeros(Device.REFERENCE, DType.FLOAT64, 2).requiresGrad(true);
        RevtafException e =
                assertThrows(RevtafException.class, () -> F.scale(a, 2).backward());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }
}
