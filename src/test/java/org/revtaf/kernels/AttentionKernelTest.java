package org.revtaf.kernels;

import static org.revtaf.kernels.KernelTestSupport.assertClose;
import static org.revtaf.kernels.KernelTestSupport.assertGradClose;
import static org.revtaf.kernels.KernelTestSupport.gaussian;
import static org.revtaf.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.kernels.KernelTestSupport.numericGrad;
import static org.revtaf.kernels.KernelTestSupport.toDouble;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.revtaf.bindings.DeviceBuffer;
import org.revtaf.bindings.RevtafKernels;

/**
 * Fused attention on device {@link #device()} against the double reference: head dims 32/64/128,
 * key padding mask (batch 1 has its first and last keys padded, so under the causal mask its first
 * query sees no key), causal or not, every version, forward (out, lse) and backward (dq, dk, dv
 * against central differences). {@link AttentionKernelCudaTest} runs the same on a GPU.
 */
class AttentionKernelTest {
    static final int[] VERSIONS = {0, 1, 2};
    static final MemorySegment STREAM = MemorySegment.NULL;

    String device() {
        return "cuda-emu";
    }

    @ParameterizedTest(name = "d={0} causal={1}")
    @CsvSource({"32, false", "32, true", "64, true", "128, false"})
    void forwardAndBackwardMatchReference(int d, boolean causal) {
        Random r = new Random(31 + d + (causal ? 1 : 0));
        int b = 2;
        int h = 2;
        int n = 19;
        int s = 23;
        double scale = 1.0 / Math.sqrt(d);
        float[] q = gaussian(r, b * h * n * d, 1.0);
        float[] k = gaussian(r, b * h * s * d, 1.0);
        float[] v = gaussian(r, b * h * s * d, 1.0);
        float[] dout = gaussian(r, b * h * n * d, 1.0);
        byte[] mask = new byte[b * s];
        java.util.Arrays.fill(mask, (byte) 1);
        mask[s] = 0;
        mask[2 * s - 1] = 0;
        double[][] in = {toDouble(q), toDouble(k), toDouble(v)};
        KernelReferences.Attention ref =
                KernelReferences.attention(in[0], in[1], in[2], mask, b, h, n, s, d, scale, causal);
        java.util.function.Function<double[][], double[]> f =
                x -> KernelReferences.attention(x[0], x[1], x[2], mask, b, h, n, s, d, scale, causal)
                        .out();
        int stride = Math.max(1, b * h * n * d / 120);
        double[] gq = numericGrad(f, in, toDouble(dout), 0, 1e-5, stride);
        double[] gk = numericGrad(f, in, toDouble(dout), 1, 1e-5, stride + 1);
        double[] gv = numericGrad(f, in, toDouble(dout), 2, 1e-5, stride + 2);
        try (KernelTestSupport t = new KernelTestSupport(RevtafKernels.forDevice(device()))) {
            DeviceBuffer dq = t.in(q);
            DeviceBuffer dk = t.in(k);
            DeviceBuffer dv = t.in(v);
            DeviceBuffer dd = t.in(dout);
            MemorySegment km = t.mask(mask);
            for (int ver : VERSIONS) {
                String tag = "attention v" + ver + " d=" + d + (causal ? " causal" : "");
                DeviceBuffer out = t.out(b * h * n * d);
                DeviceBuffer lse = t.out(b * h * n);
                t.k.attentionFwd(
                        STREAM,
                        out.ptr(),
                        lse.ptr(),
                        dq.ptr(),
                        dk.ptr(),
                        dv.ptr(),
                        km,
                        b,
                        h,
                        n,
                        s,
                        d,
                        (float) scale,
                        causal ? 1 : 0,
                        ver);
                assertClose(tag + " out", out.toFloats(), ref.out(), 2e-5, 2e-4);
                assertClose(tag + " lse", lse.toFloats(), ref.lse(), 2e-5, 2e-5);
                DeviceBuffer gqo = t.out(b * h * n * d);
                DeviceBuffer gko = t.out(b * h * s * d);
                DeviceBuffer gvo = t.out(b * h * s * d);
                t.k.attentionBwd(
                        STREAM,
                        gqo.ptr(),
                        gko.ptr(),
                        gvo.ptr(),
                        dd.ptr(),
                        out.ptr(),
                        lse.ptr(),
                        dq.ptr(),
                        dk.ptr(),
                        dv.ptr(),
                        km,
                        b,
                        h,
                        n,
                        s,
                        d,
                        (float) scale,
                        causal ? 1 : 0,
                        ver);
                assertGradClose(tag + " dq", gqo.toFloats(), gq, 1e-4 * maxAbs(gq), 2e-3);
                assertGradClose(tag + " dk", gko.toFloats(), gk, 1e-4 * maxAbs(gk), 2e-3);
                assertGradClose(tag + " dv", gvo.toFloats(), gv, 1e-4 * maxAbs(gv), 2e-3);
            }
        }
    }
}
