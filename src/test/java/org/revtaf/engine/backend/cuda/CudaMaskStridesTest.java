package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * a transposed (non-contiguous) mask gives the result the same mask gives contiguous on cpu. The
 * attention case (forward and backward) holds with any attention version forced by
 * -Drevtaf.cuda.kernelVersion, within that version's operand tolerance.
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

    /**
     * The operand error of an attention kernel version, as a share of a result's largest |value|: 0 for
     * fp32 versions, TF32 (forward 3, 5; backward 7) 4e-3, BF16 (forward 4, 6; backward 8) 2e-2 (the
     * numbers of org.revtaf.engine.kernels.AttentionParity). Lets the test run with any version forced
     * by -Drevtaf.cuda.kernelVersion.
     */
    static double attentionSlack(KernelVersions.Family f, int version) {
        boolean fwd = f == KernelVersions.Family.ATTENTION_FWD;
        if (fwd ? version == 3 || version == 5 : version == 7) return 4e-3;
        if (fwd ? version == 4 || version == 6 : version == 8) return 2e-2;
        return 0;
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float x : t.toFloats()) m = Math.max(m, Math.abs(x));
        return m;
    }

    @Test
    void attentionSlackFollowsTheVersion() {
        assertEquals(0, attentionSlack(KernelVersions.Family.ATTENTION_FWD, 2));
        assertEquals(0, attentionSlack(KernelVersions.Family.ATTENTION_BWD, 3));
        assertEquals(4e-3, attentionSlack(KernelVersions.Family.ATTENTION_FWD, 5));
        assertEquals(2e-2, attentionSlack(KernelVersions.Family.ATTENTION_FWD, 6));
        assertEquals(4e-3, attentionSlack(KernelVersions.Family.ATTENTION_BWD, 7));
        assertEquals(2e-2, attentionSlack(KernelVersions.Family.ATTENTION_BWD, 8));
    }

    @Test
    void attentionWithTransposedKeyMaskMatchesCpu() {
        int b = 3, h = 1, n = 4, s = 6, d = 32;
        double[] km = mask(b, s, 4);
        Random r = new Random(5);
        Tensor q = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, n, d);
        Tensor k = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, s, d);
        Tensor v = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, s, d);
        Tensor g = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, n, d);
        Tensor[] want = new Tensor[4], got = new Tensor[4]; // out, dq, dk, dv
        for (Device dev : new Device[] {Device.CPU, Device.CUDA_EMU}) {
            Tensor qd = q.copyTo(dev).requiresGrad(true), kd = k.copyTo(dev).requiresGrad(true);
            Tensor vd = v.copyTo(dev).requiresGrad(true);
            Tensor m = dev == Device.CPU
                    ? Tensor.ofDoubles(Device.CPU, DType.FLOAT32, km, b, s)
                    : transposedMask(Device.CUDA_EMU, km, b, s);
            Tensor out = F.attention(qd, kd, vd, m, 0.2, false);
            out.backward(g.copyTo(dev));
            Tensor[] res = dev == Device.CPU ? want : got;
            res[0] = out;
            res[1] = qd.grad();
            res[2] = kd.grad();
            res[3] = vd.grad();
        }
        // the versions the cuda-emu backend runs (-Drevtaf.cuda.kernelVersion; 0 = the fp32 defaults)
        KernelVersions kv = KernelVersions.fromSystem();
        String[] names = {"out", "dq", "dk", "dv"};
        for (int i = 0; i < 4; i++) {
            KernelVersions.Family f =
                    i == 0 ? KernelVersions.Family.ATTENTION_FWD : KernelVersions.Family.ATTENTION_BWD;
            double slack = attentionSlack(f, kv.of(f));
            if (i > 0) // the backward also sees the forward's out and lse
            slack += attentionSlack(KernelVersions.Family.ATTENTION_FWD, kv.of(KernelVersions.Family.ATTENTION_FWD));
            TensorAssert.assertClose(
                    "attention, transposed key mask, " + names[i] + " (" + f.key() + " version " + kv.of(f) + ")",
                    got[i],
                    want[i],
                    1e-5 + slack * maxAbs(want[i]),
                    1e-3);
        }
    }
}
