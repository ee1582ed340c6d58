package org.revtaf.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * The comparison ge: 1 where a >= b, else 0, with broadcasting and no gradient, the same on every
 * backend (reference, cpu, and the CUDA kernel under emulation on cuda-emu, with the host path for
 * broadcasts the kernel does not take).
 */
class GeOpTest {
    private static final double[] A = {-1, 0, 2, Double.NaN, 3, 5};
    private static final double[] B = {-2, 0, 3, 1, Double.NaN, 5};
    private static final double[] WANT = {1, 1, 0, 0, 0, 1};

    private static Tensor t(Device d, double[] v, int... shape) {
        return Tensor.ofDoubles(d, DType.FLOAT32, v, shape);
    }

    @Test
    void valuesTiesAndNanOnEveryHostBackend() {
        for (Device d : new Device[] {Device.REFERENCE, Device.CPU}) {
            assertArrayEquals(WANT, F.ge(t(d, A, 2, 3), t(d, B, 2, 3)).toDoubles(), "ge on " + d);
            Tensor f64 = F.ge(Tensor.ofDoubles(d, A, 6), Tensor.ofDoubles(d, B, 6));
            assertArrayEquals(WANT, f64.toDoubles(), "float64 ge on " + d);
        }
    }

    @Test
    void broadcastsAScalarAndARow() {
        Tensor x = t(Device.CPU, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(
                new double[] {0, 0, 1, 1, 1, 1},
                F.ge(x, t(Device.CPU, new double[] {3}, 1)).toDoubles());
        assertArrayEquals(
                new double[] {1, 0, 0, 1, 1, 1},
                F.ge(x, t(Device.CPU, new double[] {1, 3, 4}, 3)).toDoubles());
    }

    @Test
    void hasNoGradient() {
        Tensor a = t(Device.REFERENCE, A, 6).requiresGrad(true);
        Tensor y = F.ge(a, t(Device.REFERENCE, B, 6));
        assertFalse(y.requiresGrad(), "a comparison records no backward");
        Tensor s = F.mul(y, a).sum();
        s.backward();
        assertTrue(a.grad() != null, "the product still differentiates through a");
    }

    @Test
    void cudaEmulatorRunsTheKernelAndTheHostPath() {
        if (!Backends.isAvailable(Device.CUDA_EMU)) throw new IllegalStateException("cuda-emu must be built");
        Random r = new Random(3);
        Tensor a = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, 5, 7),
                b = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, 5, 7);
        Tensor s = t(Device.CPU, new double[] {0.25}, 1), row = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, 7);
        Tensor[][] cases = {{a, b}, {a, s}, {s, a}, {a, row}}; // kernel: same shape, scalar; host: a row
        for (Tensor[] c : cases) {
            Tensor want = F.ge(c[0], c[1]);
            Tensor got = F.ge(c[0].to(Device.CUDA_EMU), c[1].to(Device.CUDA_EMU));
            assertTrue(got.device() == Device.CUDA_EMU);
            assertArrayEquals(want.toDoubles(), got.toDoubles(), "cuda-emu ge of " + c[0] + " and " + c[1]);
        }
    }
}
