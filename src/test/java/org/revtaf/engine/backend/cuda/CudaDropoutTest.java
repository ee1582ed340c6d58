package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;

/**
 * F.dropout on cuda-emu (rt_dropout) and on cpu from the same Random: bit-identical outputs and
 * gradients, forward and backward, on a non-contiguous input too; no host copy inside the op.
 */
class CudaDropoutTest {
    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    private static float[][] run(Device dev, Tensor host, Tensor upstream, double p) {
        try (Scope s = Scope.open()) {
            Tensor x = host.copyTo(dev).requiresGrad(true);
            Tensor c = upstream.copyTo(dev);
            Tensor xt = F.transpose(x, 0, 1); // a strided view: the op makes it dense first
            Map<String, Long> before = CudaBackend.hostCopySites();
            Tensor y = F.dropout(xt, p, true, new Random(99));
            F.sum(F.mul(y, c), false).backward(); // dy = c
            CudaBackend.hostCopySites().forEach((site, n) -> {
                if (site.contains("Losses.") && !n.equals(before.get(site)))
                    throw new AssertionError("dropout copied between host and device: " + site);
            });
            return new float[][] {y.toFloats(), x.grad().toFloats()};
        }
    }

    @Test
    void cpuAndCudaEmuMasksAreBitIdentical() {
        Tensor x = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(3), 1.0, 37, 61);
        Tensor c = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(4), 1.0, 61, 37);
        for (double p : new double[] {0.1, 0.5}) {
            float[][] cpu = run(Device.CPU, x, c, p), emu = run(Device.CUDA_EMU, x, c, p);
            assertArrayEquals(cpu[0], emu[0], 0f, "forward at p=" + p);
            assertArrayEquals(cpu[1], emu[1], 0f, "gradient at p=" + p);
        }
    }
}
