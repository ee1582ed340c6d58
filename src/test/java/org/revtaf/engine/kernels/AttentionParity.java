package org.revtaf.engine.kernels;

import static org.revtaf.engine.kernels.KernelTestSupport.STREAM;
import static org.revtaf.engine.kernels.KernelTestSupport.gaussian;
import static org.revtaf.engine.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.engine.kernels.KernelTestSupport.toDouble;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.revtaf.engine.bindings.DeviceBuffer;
import org.revtaf.engine.bindings.RevtafKernels;

/**
 * Parity check of fused attention against org.revtaf.engine.backend.reference.AttentionRef: head dims
 * 32/64/128, key padding mask (batch 1 has its first keys padded, so under the causal mask its
 * first queries see no key), causal or not, n = s and n != s (bottom-right causal alignment),
 * every version, forward (out, lse) and backward (dq, dk, dv). Plain methods (no JUnit).
 */
final class AttentionParity {
    private AttentionParity() {}

    /**
     * Versions 3 and 4: tensor-core forwards (TF32 / BF16 operands) with the FA2-style fp32 backward
     * of version 3; 5 and 6: 3 and 4 with double-buffered K/V tiles (same backward).
     */
    static final int[] ATTENTION_VERSIONS = {0, 1, 2, 3, 4, 5, 6};

    /**
     * Version 3's operands are TF32 (10-bit mantissa): an absolute slack of this share of each
     * array's largest |value| on top of the fp32 tolerances (gpu_check.cpp uses the same).
     */
    static final double TF32_SLACK = 4e-3;

    /** The same for the BF16 operands (7-bit mantissa) of versions 4 and 6. */
    static final double BF16_SLACK = 2e-2;

    /** The operand slack of a version: TF32 (3, 5), BF16 (4, 6) or none (fp32). */
    static double slack(int version) {
        return switch (version) {
            case 3, 5 -> TF32_SLACK;
            case 4, 6 -> BF16_SLACK;
            default -> 0;
        };
    }

    /** (head dim, causal, n, s) of every checked case. */
    static final Object[][] CASES = {
        {32, false, 19, 23},
        {32, true, 19, 23},
        {64, true, 37, 37},
        {64, true, 23, 19},
        {128, false, 19, 23},
        {128, true, 66, 130},
        {32, false, 70, 517} // 512+ keys in 17 tiles, the last one partial, 2 blocks of versions 3-6
    };

    private static double[] concat(float[] a, float[] b) {
        double[] r = new double[a.length + b.length];
        for (int i = 0; i < r.length; i++) r[i] = i < a.length ? a[i] : b[i - a.length];
        return r;
    }

    /** Key mask (b, s): the last batch item has its first three keys and its last key padded. */
    static byte[] keyMask(int b, int s) {
        byte[] mask = new byte[b * s];
        java.util.Arrays.fill(mask, (byte) 1);
        int last = (b - 1) * s;
        mask[last] = 0;
        mask[last + 1] = 0;
        mask[last + 2] = 0;
        mask[last + s - 1] = 0;
        return mask;
    }

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
        byte[] mask = keyMask(b, s);
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
            double[][] fwd = new double[ATTENTION_VERSIONS.length][]; // out then lse, per version
            for (int ver : ATTENTION_VERSIONS) {
                String tag = "attention v" + ver + " d=" + d + (causal ? " causal" : "");
                double tc = slack(ver); // of each output's scale
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
                assertClose(tag + " out", out.toFloats(), ref.out(), 2e-5 + tc * maxAbs(ref.out()), 2e-4);
                fwd[ver] = concat(out.toFloats(), lse.toFloats());
                assertClose(tag + " lse", lse.toFloats(), lseRef, 2e-5 + tc * maxAbs(lseRef), 2e-5);
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
                assertClose(tag + " dq", gqo.toFloats(), gq, (2e-5 + tc) * maxAbs(gq), 5e-4);
                assertClose(tag + " dk", gko.toFloats(), gk, (2e-5 + tc) * maxAbs(gk), 5e-4);
                assertClose(tag + " dv", gvo.toFloats(), gv, (2e-5 + tc) * maxAbs(gv), 5e-4);
            }
            // double buffering changes when K/V tiles arrive, not the arithmetic: 5, 6 give 3's, 4's numbers
            for (int ver : new int[] {5, 6}) {
                String tag = "attention v" + ver + " vs v" + (ver - 2) + " d=" + d + (causal ? " causal" : "");
                assertClose(tag + " out, lse", fwd[ver], fwd[ver - 2], 1e-6, 1e-6);
            }
        }
    }
}
