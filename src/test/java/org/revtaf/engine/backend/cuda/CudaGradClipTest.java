package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.optim.GradClip;

/**
 * Clipping by norm on cuda-emu: the same norm and clipped gradients as cpu (a strided gradient too),
 * no host copy until the norm is read, and a non-finite norm an error where it is read.
 */
class CudaGradClipTest {
    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    private static Tensor param(Device dev, Tensor grad) {
        Tensor p = Tensor.zeros(dev, DType.FLOAT32, grad.shapeRef()).requiresGrad(true);
        p.setGrad(grad.copyTo(dev));
        return p;
    }

    @Test
    void clipsLikeCpuWithoutAHostCopy() {
        Tensor g1 = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(1), 1.0, 17, 9);
        Tensor g2 = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(2), 1.0, 40);
        for (double max : new double[] {1.0, 100.0}) { // clipped, and left alone
            float[][] out = new float[2][];
            double[] norms = new double[2];
            Device[] devs = {Device.CPU, Device.CUDA_EMU};
            for (int d = 0; d < 2; d++)
                try (Scope s = Scope.open()) {
                    Tensor a = Tensor.zeros(devs[d], DType.FLOAT32, 9, 17).requiresGrad(true), b = param(devs[d], g2);
                    a.setGrad(F.transpose(g1.copyTo(devs[d]), 0, 1)); // a strided gradient view
                    long r = CudaBackend.hostReads(), w = CudaBackend.hostWrites();
                    Tensor norm = GradClip.byNormOnDevice(List.of(a, b), max);
                    assertEquals(r, CudaBackend.hostReads(), "no read before the norm is read");
                    assertEquals(w, CudaBackend.hostWrites(), "no upload");
                    norms[d] = norm.item();
                    out[d] = F.concat(0, F.reshape(a.grad().contiguous(), 153), b.grad())
                            .toFloats();
                }
            assertEquals(norms[0], norms[1], 1e-5 * norms[0], "norm at max " + max);
            assertArrayEquals(out[0], out[1], 1e-6f, "clipped gradients at max " + max);
            if (max == 100.0)
                assertArrayEquals(
                        F.concat(0, F.reshape(F.transpose(g1, 0, 1).contiguous(), 153), g2)
                                .toFloats(),
                        out[1],
                        0f);
        }
    }

    @Test
    void aNonFiniteNormIsAnErrorWhereItIsRead() {
        try (Scope s = Scope.open()) {
            Tensor a = param(
                    Device.CUDA_EMU, Tensor.ofDoubles(Device.CPU, DType.FLOAT32, new double[] {1, Double.NaN}, 2));
            assertThrows(RevtafException.class, () -> GradClip.byNorm(List.of(a), 1.0));
        }
    }
}
