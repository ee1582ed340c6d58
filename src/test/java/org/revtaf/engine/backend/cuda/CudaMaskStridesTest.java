package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

/**
 * Masks of the fused ops honour strides on cuda-emu (issue 17: CudaFused.mask() read them linearly):
 * a transposed (non-contiguous) mask gives the result the same mask gives contiguous on cpu.
 */
class CudaMaskStridesTest {
    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    /** A (rows, cols) 0/1 mask as the transpose of a contiguous (cols, rows) tensor on {@code d}. */
    private static Tensor transposedMask(Device d, double[] rowMajor, int rows, int cols) {
        double[] colMajor = new double[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) colMajor[c * rows + r] = rowMajor[r * cols + c];
        Tensor m = F.transpose(Tensor.ofDoubles(d, DType.FLOAT32, colMajor, cols, rows), 0, 1);
        assertFalse(m.isContiguous());
        return m;
    }

    private static double[] mask(int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[] m = new double[rows * cols];
        for (int i = 0; i < m.length; i++)
            m[i] = i % cols == 0 || r.nextDouble() < 0.7 ? 1 : 0; // a valid entry per row
        return m;
    }

    @Test
    void sinkhornWithTransposedMasksMatchesCpu() {
        int b = 2, p = 5, t = 4;
        double[] pm = mask(b, p, 1), tm = mask(b, t, 2);
        Tensor cost = Tensor.uniform(Device.CPU, DType.FLOAT32, new Random(3), 0, 1, b, p, t);
        Tensor want = F.sinkhorn(
                cost,
                Tensor.ofDoubles(Device.CPU, DType.FLOAT32, pm, b, p),
                Tensor.ofDoubles(Device.CPU, DType.FLOAT32, tm, b, t),
                0.1,
                50,
                0);
        Tensor got = F.sinkhorn(
                cost.copyTo(Device.CUDA_EMU),
                transposedMask(Device.CUDA_EMU, pm, b, p),
                transposedMask(Device.CUDA_EMU, tm, b, t),
                0.1,
                50,
                0);
        TensorAssert.assertClose("sinkhorn, transposed masks", got, want, 1e-5, 1e-3);
    }

    @Test
    void attentionWithTransposedKeyMaskMatchesCpu() {
        int b = 3, h = 1, n = 4, s = 6, d = 32;
        double[] km = mask(b, s, 4);
        Random r = new Random(5);
        Tensor q = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, n, d);
        Tensor k = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, s, d);
        Tensor v = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, s, d);
        Tensor want = F.attention(q, k, v, Tensor.ofDoubles(Device.CPU, DType.FLOAT32, km, b, s), 0.2, false);
        Tensor got = F.attention(
                q.copyTo(Device.CUDA_EMU),
                k.copyTo(Device.CUDA_EMU),
                v.copyTo(Device.CUDA_EMU),
                transposedMask(Device.CUDA_EMU, km, b, s),
                0.2,
                false);
        TensorAssert.assertClose("attention, transposed key mask", got, want, 1e-5, 1e-3);
    }
}
