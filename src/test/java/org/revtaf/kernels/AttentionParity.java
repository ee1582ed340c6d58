package org.revtaf.kernels;

import static org.revtaf.kernels.KernelTestSupport.STREAM;
import static org.revtaf.kernels.KernelTestSupport.VERSIONS;
import static org.revtaf.kernels.KernelTestSupport.gaussian;
import static org.revtaf.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.kernels.KernelTestSupport.toDouble;
import static org.revtaf.tensor.TensorAssert.assertClose;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.revtaf.bindings.DeviceBuffer;
import org.revtaf.bindings.RevtafKernels;

/**
 * Parity check of fused attention against org.revtaf.backend.reference.AttentionRef: head dims
 * 32/64/128, key padding mask (batch 1 has its first keys padded, so under the causal mask its
 * first queries see no key), causal or not, n = s and n != s (bottom-right causal alignment),
 * every version, forward (out, lse) and backward (dq, dk, dv). Plain methods (no JUnit).
 */
final class AttentionParity {
    private AttentionParity() {}

    /** (head dim, causal, n, s) of every checked case. */
    static final Object[][] CASES = {
        {32, false, 19, 23}, {32, true, 19, 23}, {64, true, 37, 37}, {64, true, 23, 19}, {128, false, 19, 23}
    };

    static void all(RevtafKernels kk) {
        for (Object[] c : CASES) {
            forwardAndBackwardMatchReference(kk, (int) c[0], (boolean) c[1], (int) c[2], (int) c[3]);
        }
    }

    static void forwardAndBackwardMatchReference(RevtafKernels kk, int d, boolean causal, int n, int s) {
        Random r = new Random(31 + d + (causal ? 1 : 0) + n);
        int b = 2;
        int h = 2;
        double scale = 1.0 / Math.sqrt(d);
        float[] q = gaussian(r, b * h * n * d, 1.0);
        float[] k = gaussian(r, b * h * s * d, 1.0);
        float[] v = gaussian(r, b * h * s * d, 1.0);
        float[] dout = gaussian(r, b * h * n * d, 1.0);
        byte[] mask = new byte[b * s];
        java.util.Arrays.fill(mask, (byte) 1);
        mask[s] = 0; // batch 1: first keys and the last one padded
        mask[s + 1] = 0;
        mask[s + 2] = 0;
        mask[2 * s - 1] = 0;
        KernelReferences.Result ref = KernelReferences.attention(
                toDouble(q), toDouble(k), toDouble(v), mask, b, h, n, s, d, scale, causal, toDouble(dout));
        double[] lseRef = ref.grads()[0];
        double[] gq = ref.grads()[1];
        double[] gk = ref.grads()[2];
        double[] gv = ref.grads()[3];
        try (KernelTestSupport t = new KernelTestSupport(kk)) {
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
                assertClose(tag + " lse", lse.toFloats(), lseRef, 2e-5, 2e-5);
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
                assertClose(tag + " dq", gqo.toFloats(), gq, 2e-5 * maxAbs(gq), 5e-4);
                assertClose(tag + " dk", gko.toFloats(), gk, 2e-5 * maxAbs(gk), 5e-4);
                assertClose(tag + " dv", gvo.toFloats(), gv, 2e-5 * maxAbs(gv), 5e-4);
            }
        }
    }
}
