package org.revtaf.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

class CpuOptimTest {
    @Test
    void firstAdamwStepMatchesTheFormula() {
        // step 1: m = (1-b1) g, v = (1-b2) g^2, so the update is lr * g / (|g| + eps) after decay
        Tensor p = Tensor.of(Device.REFERENCE, new float[] {1f, -2f}, 2);
        Tensor m = Tensor.zeros(Device.REFERENCE, DType.FLOAT32, 2),
                v = Tensor.zeros(Device.REFERENCE, DType.FLOAT32, 2);
        Tensor g = Tensor.of(Device.REFERENCE, new float[] {0.5f, -4f}, 2);
        F.adamwStep(p, m, v, g, 0.1, 0.9, 0.999, 1e-8, 0.01, 1);
        assertEquals(1 * (1 - 0.001) - 0.1 * 0.5 / (0.5 + 1e-8), p.toDoubles()[0], 1e-6);
        assertEquals(-2 * (1 - 0.001) + 0.1 * 4 / (4 + 1e-8), p.toDoubles()[1], 1e-6);
        assertEquals(0.05, m.toDoubles()[0], 1e-7);
        assertEquals(0.016, v.toDoubles()[1], 1e-7);
    }

    @Test
    void cpuMatchesReferenceOverSeveralStepsAtOddSizes() {
        for (int n : new int[] {1, 17, 1001}) {
            Tensor[] ref = state(Device.REFERENCE, n), cpu = state(Device.CPU, n);
            for (int step = 1; step <= 5; step++) {
                Tensor gr = Tensor.randn(Device.REFERENCE, DType.FLOAT32, new Random(step), 1, n);
                Tensor gc = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(step), 1, n);
                F.adamwStep(ref[0], ref[1], ref[2], gr, 1e-2, 0.9, 0.999, 1e-8, 0.05, step);
                F.adamwStep(cpu[0], cpu[1], cpu[2], gc, 1e-2, 0.9, 0.999, 1e-8, 0.05, step);
            }
            for (int k = 0; k < 3; k++)
                TensorAssert.assertClose("adamw n=" + n + " buffer " + k, cpu[k], ref[k], 1e-6, 1e-5);
        }
    }

    private static Tensor[] state(Device d, int n) {
        return new Tensor[] {
            Tensor.randn(d, DType.FLOAT32, new Random(0), 1, n),
            Tensor.zeros(d, DType.FLOAT32, n),
            Tensor.zeros(d, DType.FLOAT32, n)
        };
    }
}
