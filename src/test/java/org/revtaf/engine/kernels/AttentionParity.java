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
 * every version, forward (out, lse) and backward (dq, dk, dv); the backward-only tensor-core versions
 * 7 and 8 also against version 3's backward, and on larger cases ({@link #BACKWARD_CASES}: 512+
 * queries and keys). Plain methods (no JUnit).
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

    /**
     * Backward-only versions on tensor cores (kernels/attention/flash_attention_bwd_wmma.cu): 7 with
     * TF32 operands, 8 with BF16 operands, fp32 accumulation; checked on the out and lse of the exact
     * forward (version 2), so their error is their own.
     */
    static final int[] BACKWARD_TC_VERSIONS = {7, 8};

    /** The operand slack of a backward version: 7 TF32, 8 BF16, else its forward's {@link #slack}. */
    static double backwardSlack(int version) {
        return switch (version) {
            case 7 -> TF32_SLACK;
            case 8 -> BF16_SLACK;
            default -> slack(version);
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

    /**
     * (head dim, causal, n, s) of the cases checked with the fp32 forward (version 2) and the backward
     * versions 3, 7 and 8 only (the simple versions are too slow under emulation at these sizes): 512+
     * queries and keys, partial tiles of both passes, causal tiles skipped, n != s.
     */
    static final Object[][] BACKWARD_CASES = {
        {64, true, 515, 515}, {32, false, 531, 77}, {128, true, 97, 545}, {64, false, 33, 5}
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

    /**
     * Backward versions 7 and 8 on the forward's out and lse (exactOut, exactLse) against the Java
     * reference and against version 3's fp32 backward (oldBwd: dq, dk, dv), each within its operand
     * slack; prints the largest error as a share of each gradient's largest |value|.
     */
    private static void tensorCoreBackwards(
            KernelTestSupport t,
            KernelReferences.Result ref,
            float[][] oldBwd,
            DeviceBuffer dout,
            DeviceBuffer exactOut,
            DeviceBuffer exactLse,
            DeviceBuffer q,
            DeviceBuffer k,
            DeviceBuffer v,
            MemorySegment km,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal) {
        double[][] want = {ref.grads()[1], ref.grads()[2], ref.grads()[3]};
        String[] names = {" dq", " dk", " dv"};
        for (int ver : BACKWARD_TC_VERSIONS) {
            String tag = "attention bwd v" + ver + " d=" + d + (causal ? " causal" : "") + " n=" + n + " s=" + s;
            float[][] got = backward(t, ver, dout, exactOut, exactLse, q, k, v, km, b, h, n, s, d, scale, causal);
            double tc = backwardSlack(ver);
            StringBuilder err = new StringBuilder(tag + ": max error / max |value|");
            for (int g = 0; g < 3; g++) {
                double m = maxAbs(want[g]), worst = 0;
                for (int i = 0; i < got[g].length; i++) worst = Math.max(worst, Math.abs(got[g][i] - want[g][i]));
                err.append(names[g]).append(' ').append(String.format("%.2e", m == 0 ? worst : worst / m));
                assertClose(tag + names[g], got[g], want[g], (2e-5 + tc) * m, 5e-4);
                assertClose(tag + names[g] + " vs v3", got[g], toDouble(oldBwd[g]), (2e-5 + tc) * m, 5e-4);
            }
            System.out.println(err);
        }
    }

    /**
     * A {@link #BACKWARD_CASES} case: forward version 2 (fp32), backward version 3 against the
     * reference, then the tensor-core backwards 7 and 8 against both.
     */
    static void tensorCoreBackwardMatchesReference(RevtafKernels kk, int d, boolean causal, int n, int s) {
        Random r = new Random(57 + d + (causal ? 1 : 0) + n + 3 * s);
        int b = 2, h = 1;
        double scale = 1.0 / Math.sqrt(d);
        float[] q = gaussian(r, b * h * n * d, 1.0);
        float[] k = gaussian(r, b * h * s * d, 1.0);
        float[] v = gaussian(r, b * h * s * d, 1.0);
        float[] dout = gaussian(r, b * h * n * d, 1.0);
        byte[] mask = keyMask(b, s);
        KernelReferences.Result ref = KernelReferences.attention(
                toDouble(q), toDouble(k), toDouble(v), mask, b, h, n, s, d, scale, causal, toDouble(dout));
        try (KernelTestSupport t = new KernelTestSupport(kk)) {
            DeviceBuffer dq = t.in(q);
            DeviceBuffer dk = t.in(k);
            DeviceBuffer dv = t.in(v);
            DeviceBuffer dd = t.in(dout);
            MemorySegment km = t.mask(mask);
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
                    2);
            assertClose("attention v2 d=" + d + " out", out.toFloats(), ref.out(), 2e-5, 2e-4);
            float[][] old = backward(t, 3, dd, out, lse, dq, dk, dv, km, b, h, n, s, d, scale, causal);
            for (int g = 0; g < 3; g++) {
                double[] want = ref.grads()[g + 1];
                assertClose("attention bwd v3 d=" + d + " grad " + g, old[g], want, 2e-5 * maxAbs(want), 5e-4);
            }
            tensorCoreBackwards(t, ref, old, dd, out, lse, dq, dk, dv, km, b, h, n, s, d, scale, causal);
        }
    }

    /** dq, dk, dv of backward version ver, given the forward's out and lse. */
    private static float[][] backward(
            KernelTestSupport t,
            int ver,
            DeviceBuffer dout,
            DeviceBuffer out,
            DeviceBuffer lse,
            DeviceBuffer q,
            DeviceBuffer k,
            DeviceBuffer v,
            MemorySegment km,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal) {
        DeviceBuffer gq = t.out(b * h * n * d);
        DeviceBuffer gk = t.out(b * h * s * d);
        DeviceBuffer gv = t.out(b * h * s * d);
        t.k.attentionBwd(
                STREAM,
                gq.ptr(),
                gk.ptr(),
                gv.ptr(),
                dout.ptr(),
                out.ptr(),
                lse.ptr(),
                q.ptr(),
                k.ptr(),
                v.ptr(),
                km,
                b,
                h,
                n,
                s,
                d,
                (float) scale,
                causal ? 1 : 0,
                ver);
        return new float[][] {gq.toFloats(), gk.toFloats(), gv.toFloats()};
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
            DeviceBuffer exactOut = null, exactLse = null; // version 2's (fp32) forward
            float[][] oldBwd = null; // version 3's backward (fp32, CUDA cores): dq, dk, dv
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
                if (ver == 2) {
                    exactOut = out;
                    exactLse = lse;
                }
                if (ver == 3) oldBwd = new float[][] {gqo.toFloats(), gko.toFloats(), gvo.toFloats()};
            }
            tensorCoreBackwards(t, ref, oldBwd, dd, exactOut, exactLse, dq, dk, dv, km, b, h, n, s, d, scale, causal);
            // double buffering changes when K/V tiles arrive, not the arithmetic: 5, 6 give 3's, 4's numbers
            for (int ver : new int[] {5, 6}) {
                String tag = "attention v" + ver + " vs v" + (ver - 2) + " d=" + d + (causal ? " causal" : "");
                assertClose(tag + " out, lse", fwd[ver], fwd[ver - 2], 1e-6, 1e-6);
            }
        }
    }
}
