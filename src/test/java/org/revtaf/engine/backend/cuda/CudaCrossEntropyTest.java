package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
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

/**
 * Cross-entropy (label smoothing, ignore index) and embedding with a padding row on cuda-emu: the
 * same loss and gradients as cpu, without any host copy inside the ops; a target out of range is an
 * error naming it, on cpu at once, on the device at the next host read.
 */
class CudaCrossEntropyTest {
    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    /** Fails when an op of the given class copied between host and device since {@code before}. */
    private static void noCopies(String cls, Map<String, Long> before) {
        CudaBackend.hostCopySites().forEach((site, n) -> {
            if (site.contains(cls) && !n.equals(before.get(site)))
                throw new AssertionError(cls + " copied between host and device: " + site);
        });
    }

    /** {loss, dlogits} of cross-entropy on dev. */
    private static float[][] crossEntropy(Device dev, Tensor logits, Tensor target, double smoothing) {
        try (Scope s = Scope.open()) {
            Tensor x = logits.copyTo(dev).requiresGrad(true), t = target.copyTo(dev);
            Map<String, Long> before = CudaBackend.hostCopySites();
            Tensor loss = F.crossEntropy(x, t, 3, smoothing);
            loss.backward();
            noCopies("Losses.", before);
            return new float[][] {loss.toFloats(), x.grad().toFloats()};
        }
    }

    @Test
    void crossEntropyOnTheDeviceMatchesCpu() {
        Tensor logits = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(1), 2.0, 3, 13, 37);
        long[] ids = new Random(2).longs(39, 0, 37).toArray();
        for (int i = 0; i < ids.length; i += 5) ids[i] = 3; // ignored rows
        Tensor t64 = Tensor.ofLongs(Device.CPU, ids, 3, 13);
        double[] asDoubles = new double[ids.length];
        for (int i = 0; i < ids.length; i++) asDoubles[i] = ids[i];
        Tensor t32 = Tensor.ofDoubles(Device.CPU, DType.INT32, asDoubles, 3, 13);
        for (Tensor t : new Tensor[] {t64, t32})
            for (double smoothing : new double[] {0, 0.1}) {
                float[][] cpu = crossEntropy(Device.CPU, logits, t, smoothing);
                float[][] emu = crossEntropy(Device.CUDA_EMU, logits, t, smoothing);
                assertEquals(cpu[0][0], emu[0][0], 1e-5 * Math.abs(cpu[0][0]), "loss, smoothing " + smoothing);
                assertArrayEquals(cpu[1], emu[1], 1e-6f, "dlogits, smoothing " + smoothing + ", " + t.dtype());
            }
    }

    @Test
    void noCountedTargetGivesZeroAndZeroGradient() {
        Tensor logits = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(3), 1.0, 4, 5);
        Tensor t = Tensor.ofLongs(Device.CPU, new long[] {3, 3, 3, 3}, 4);
        for (Device dev : new Device[] {Device.CPU, Device.CUDA_EMU}) {
            float[][] r = crossEntropy(dev, logits, t, 0.1);
            assertEquals(0f, r[0][0], dev.toString());
            assertArrayEquals(new float[20], r[1], dev.toString());
        }
    }

    @Test
    void targetOutOfRangeIsAnErrorOnCpuAtOnceOnTheDeviceAtTheNextRead() {
        Tensor logits = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(4), 1.0, 4, 5);
        Tensor bad = Tensor.ofLongs(Device.CPU, new long[] {1, 3, 7, 0}, 4);
        RevtafException cpu = assertThrows(RevtafException.class, () -> F.crossEntropy(logits, bad, 3, 0));
        assertTrue(cpu.getMessage().contains("target 7 out of range [0, 5) at row 2"), cpu.getMessage());
        try (Scope s = Scope.open()) {
            Tensor loss = F.crossEntropy(logits.copyTo(Device.CUDA_EMU), bad.copyTo(Device.CUDA_EMU), 3, 0);
            RevtafException dev = assertThrows(RevtafException.class, loss::item);
            assertTrue(
                    dev.getMessage().startsWith("cross_entropy: index 7 out of range [0, 5) at position 2"),
                    dev.getMessage());
            Tensor ok = F.crossEntropy(
                    logits.copyTo(Device.CUDA_EMU), Tensor.ofLongs(Device.CUDA_EMU, new long[] {1, 3, 2, 0}, 4), 3, 0);
            assertTrue(Double.isFinite(ok.item()), "the error is cleared once raised");
        }
    }

    @Test
    void embeddingWithPaddingOnTheDeviceMatchesCpuWithoutReadingIds() {
        Tensor table = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(5), 1.0, 6, 4);
        Tensor ids = Tensor.ofLongs(Device.CPU, new long[] {2, 0, 2, 5, 0, 1, 0, 2}, 2, 4);
        Tensor up = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(6), 1.0, 2, 4, 4);
        float[][] out = new float[2][];
        float[][] grad = new float[2][];
        Device[] devs = {Device.CPU, Device.CUDA_EMU};
        for (int i = 0; i < 2; i++)
            try (Scope s = Scope.open()) {
                Tensor w = table.copyTo(devs[i]).requiresGrad(true);
                Map<String, Long> before = CudaBackend.hostCopySites();
                Tensor y = F.embedding(w, ids.copyTo(devs[i]), 0);
                F.sum(F.mul(y, up.copyTo(devs[i])), false).backward();
                noCopies("Indexing.", before);
                out[i] = y.toFloats();
                grad[i] = w.grad().toFloats();
            }
        assertArrayEquals(out[0], out[1], 0f);
        assertArrayEquals(grad[0], grad[1], 1e-6f);
        float[] u = up.toFloats();
        for (int j = 0; j < 4; j++) {
            assertEquals(0f, grad[0][j], "padding row 0 gets no gradient");
            assertEquals(u[3 * 4 + j], grad[0][5 * 4 + j], 0f, "row 5, looked up once at position 3");
        }
    }
}
