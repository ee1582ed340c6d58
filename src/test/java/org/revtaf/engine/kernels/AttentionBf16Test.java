package org.revtaf.engine.kernels;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.engine.kernels.KernelTestSupport.STREAM;
import static org.revtaf.engine.kernels.KernelTestSupport.gaussian;
import static org.revtaf.engine.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.engine.kernels.KernelTestSupport.toDouble;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.revtaf.engine.bindings.DeviceBuffer;
import org.revtaf.engine.bindings.KernelException;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.Allocator;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.HeapStorage;

/**
 * BF16 inputs through the C ABI on {@code cuda-emu}: rt_copy's float32 to bfloat16 cast bit for bit
 * against {@code HeapStorage.toBf16} (edge values and random data), and rt_attention_fwd_bf16 /
 * rt_attention_bwd_bf16 (versions 4, 6, 8 and their 0 default) on bf16 q, k, v:
 *
 * <ul>
 *   <li>bit-identical to the fp32-input versions 4, 6, 8 given the same values widened to float32
 *       (those round their inputs to the same BF16 operands, so only the load path differs: a broken
 *       bf16 load cannot hide behind a tolerance);
 *   <li>within {@link AttentionParity#BF16_SLACK} of each output's largest |value| (plus the fp32
 *       tolerances) of the double reference on the original float32 inputs: the same bound the BF16
 *       operand versions already meet, since rounding q, k, v to bf16 is the rounding those versions
 *       do to their operands anyway (q is rounded once more after the scale, 2^-9 relative at most).
 * </ul>
 *
 * Key mask (the last batch item has padded keys, so under the causal mask some queries see none) and
 * causal or not, odd n and s, n != s, 517 keys; and the refusal of the
 * versions that take fp32 inputs only. {@link AttentionBf16CudaTest} runs the same on a GPU.
 */
class AttentionBf16Test {
    private static final int BF16 = 4, F32 = 0; // rt_copy dtype codes (DType ordinals)

    String device() {
        return "cuda-emu";
    }

    RevtafKernels k() {
        return RevtafKernels.forDevice(device());
    }

    /** float32 to bfloat16 bits as the Java tensors round them (HeapStorage.toBf16, through set). */
    static short[] javaBf16(float[] x) {
        HeapStorage h = Allocator.allocate(DType.BFLOAT16, x.length, false);
        for (int i = 0; i < x.length; i++) h.set(i, x[i]);
        short[] bits = Arrays.copyOf((short[]) h.array(), x.length);
        h.release();
        return bits;
    }

    static float[] widen(short[] bits) {
        float[] f = new float[bits.length];
        for (int i = 0; i < f.length; i++) f[i] = Float.intBitsToFloat((bits[i] & 0xffff) << 16);
        return f;
    }

    /** rt_copy of n contiguous elements from type xType to outType. */
    private static void copy(RevtafKernels kk, DeviceBuffer out, int outType, DeviceBuffer x, int xType, int n) {
        try (Arena a = Arena.ofConfined()) {
            kk.copy(STREAM, out.ptr(), outType, x.ptr(), xType, a.allocateFrom(JAVA_LONG, n, 1, 1), 1);
        }
    }

    /** The device cast of x to bf16 bits. */
    static short[] deviceBf16(RevtafKernels kk, float[] x) {
        try (DeviceBuffer in = DeviceBuffer.of(kk, x);
                DeviceBuffer out = DeviceBuffer.allocate(kk, 2L * Math.max(1, x.length))) {
            copy(kk, out, BF16, in, F32, x.length);
            return Arrays.copyOf(out.toShorts(), x.length);
        }
    }

    @Test
    void castMatchesHeapStorageBitForBitOnEdgeValues() {
        int[] bits = {
            0x00000000,
            0x80000000, // +-0
            0x7f800000,
            0xff800000, // +-inf
            0x7fc00000,
            0xffc00000,
            0x7f800001,
            0xff800001,
            0x7fbfffff,
            0x7fa5a5a5, // quiet / signalling NaNs
            0x3f808000,
            0x3f818000,
            0x3f808001,
            0x3f807fff, // ties to even (down, up), just above, below
            0x00000001,
            0x00008000,
            0x00018000,
            0x007fffff,
            0x807fffff,
            0x00800000, // subnormals, min normal
            0x7f7fffff,
            0xff7fffff,
            0x7f7f8000,
            0x7f7f7fff // max finite: rounds to inf / stays finite
        };
        float[] x = new float[bits.length];
        for (int i = 0; i < x.length; i++) x[i] = Float.intBitsToFloat(bits[i]);
        short[] want = javaBf16(x);
        short[] got = deviceBf16(k(), x);
        for (int i = 0; i < x.length; i++)
            assertEquals(
                    want[i],
                    got[i],
                    String.format("bf16 of 0x%08x: java 0x%04x, rt_copy 0x%04x", bits[i], want[i], got[i]));
        assertEquals((short) 0x7f80, got[20], "0x7f7fffff rounds up to +inf");
        assertEquals((short) 0x7fe5, got[9], "a signalling NaN keeps sign and payload and becomes quiet");
        // random bit patterns (every exponent, NaNs included), and back to float32 exactly
        Random r = new Random(5);
        float[] y = new float[4099];
        for (int i = 0; i < y.length; i++) y[i] = Float.intBitsToFloat(r.nextInt());
        short[] yb = deviceBf16(k(), y);
        assertArrayEquals(javaBf16(y), yb, "random bit patterns");
        try (DeviceBuffer in = DeviceBuffer.of(k(), yb);
                DeviceBuffer out = DeviceBuffer.allocate(k(), 4L * y.length)) {
            copy(k(), out, F32, in, BF16, y.length);
            float[] back = out.toFloats();
            float[] want32 = widen(yb);
            for (int i = 0; i < y.length; i++)
                assertEquals(Float.floatToRawIntBits(want32[i]), Float.floatToRawIntBits(back[i]), "widen " + i);
        }
    }

    /**
     * (head dim, causal, n, s): odd sizes, n &lt; s and n &gt; s, and 517 keys (17 key tiles, the last
     * partial; causal aligned at the end) at 33 queries: 512+ queries as well would cost about 20 s of
     * emulation per case for no path the key tiles do not already take (the fp32-input tensor-core
     * versions are checked at 515 x 515 by {@link KernelParityTest}).
     */
    static Object[][] cases() {
        return new Object[][] {
            {32, false, 19, 23}, {64, true, 37, 37}, {128, true, 23, 45}, {32, true, 45, 19}, {32, true, 33, 517}
        };
    }

    @ParameterizedTest(name = "d={0} causal={1} n={2} s={3}")
    @MethodSource("cases")
    void bf16InputsMatchTheFp32InputVersionsAndTheReference(int d, boolean causal, int n, int s) {
        Random r = new Random(71 + d + n + 3 * s + (causal ? 1 : 0));
        int b = 2, h = d == 32 && s < 256 ? 2 : 1;
        double scale = 1.0 / Math.sqrt(d);
        float[] q = gaussian(r, b * h * n * d, 1.0);
        float[] kk = gaussian(r, b * h * s * d, 1.0);
        float[] v = gaussian(r, b * h * s * d, 1.0);
        float[] dout = gaussian(r, b * h * n * d, 1.0);
        byte[] mask = AttentionParity.keyMask(b, s);
        KernelReferences.Result ref = KernelReferences.attention(
                toDouble(q), toDouble(kk), toDouble(v), mask, b, h, n, s, d, scale, causal, toDouble(dout));
        String tag = "d=" + d + (causal ? " causal" : "") + " n=" + n + " s=" + s;
        try (KernelTestSupport t = new KernelTestSupport(k())) {
            // q, k, v cast on the device, as the cuda backend does; checked against the Java rounding
            DeviceBuffer qf = t.in(q), kf = t.in(kk), vf = t.in(v);
            DeviceBuffer qb = t.out((q.length + 1) / 2),
                    kb = t.out((kk.length + 1) / 2),
                    vb = t.out((v.length + 1) / 2);
            copy(t.k, qb, BF16, qf, F32, q.length);
            copy(t.k, kb, BF16, kf, F32, kk.length);
            copy(t.k, vb, BF16, vf, F32, v.length);
            short[] qBits = javaBf16(q), kBits = javaBf16(kk), vBits = javaBf16(v);
            assertArrayEquals(qBits, Arrays.copyOf(qb.toShorts(), q.length), "device cast of q");
            assertArrayEquals(kBits, Arrays.copyOf(kb.toShorts(), kk.length), "device cast of k");
            assertArrayEquals(vBits, Arrays.copyOf(vb.toShorts(), v.length), "device cast of v");
            // the same values widened to float32, for the fp32-input versions
            DeviceBuffer qw = t.in(widen(qBits)), kw = t.in(widen(kBits)), vw = t.in(widen(vBits));
            DeviceBuffer dd = t.in(dout);
            MemorySegment km = t.mask(mask);
            double[][] want = {ref.grads()[1], ref.grads()[2], ref.grads()[3]};
            String[] names = {"dq", "dk", "dv"};
            double slack = AttentionParity.BF16_SLACK;
            for (int ver : new int[] {0, 4, 6}) {
                int fp32Ver = ver == 0 ? 4 : ver;
                String vt = "fwd v" + ver + " " + tag;
                DeviceBuffer out = t.out(b * h * n * d), lse = t.out(b * h * n);
                DeviceBuffer out32 = t.out(b * h * n * d), lse32 = t.out(b * h * n);
                t.k.attentionFwdBf16(
                        STREAM,
                        out.ptr(),
                        lse.ptr(),
                        qb.ptr(),
                        kb.ptr(),
                        vb.ptr(),
                        km,
                        b,
                        h,
                        n,
                        s,
                        d,
                        (float) scale,
                        causal ? 1 : 0,
                        ver);
                t.k.attentionFwd(
                        STREAM,
                        out32.ptr(),
                        lse32.ptr(),
                        qw.ptr(),
                        kw.ptr(),
                        vw.ptr(),
                        km,
                        b,
                        h,
                        n,
                        s,
                        d,
                        (float) scale,
                        causal ? 1 : 0,
                        fp32Ver);
                assertArrayEquals(out32.toFloats(), out.toFloats(), vt + " out vs fp32-input v" + fp32Ver);
                assertArrayEquals(lse32.toFloats(), lse.toFloats(), vt + " lse vs fp32-input v" + fp32Ver);
                assertClose(vt + " out", out.toFloats(), ref.out(), 2e-5 + slack * maxAbs(ref.out()), 2e-4);
                double[] lseRef = ref.grads()[0];
                assertClose(vt + " lse", lse.toFloats(), lseRef, 2e-5 + slack * maxAbs(lseRef), 2e-5);
                if (ver == 6) continue; // the backwards run on the forwards 0 and 4
                for (int bv : ver == 0 ? new int[] {0} : new int[] {8}) {
                    String bt = "bwd v" + bv + " " + tag;
                    DeviceBuffer gq = t.out(b * h * n * d), gk = t.out(b * h * s * d), gv = t.out(b * h * s * d);
                    DeviceBuffer gq32 = t.out(b * h * n * d), gk32 = t.out(b * h * s * d), gv32 = t.out(b * h * s * d);
                    t.k.attentionBwdBf16(
                            STREAM,
                            gq.ptr(),
                            gk.ptr(),
                            gv.ptr(),
                            dd.ptr(),
                            out.ptr(),
                            lse.ptr(),
                            qb.ptr(),
                            kb.ptr(),
                            vb.ptr(),
                            km,
                            b,
                            h,
                            n,
                            s,
                            d,
                            (float) scale,
                            causal ? 1 : 0,
                            bv);
                    t.k.attentionBwd(
                            STREAM,
                            gq32.ptr(),
                            gk32.ptr(),
                            gv32.ptr(),
                            dd.ptr(),
                            out.ptr(),
                            lse.ptr(),
                            qw.ptr(),
                            kw.ptr(),
                            vw.ptr(),
                            km,
                            b,
                            h,
                            n,
                            s,
                            d,
                            (float) scale,
                            causal ? 1 : 0,
                            8);
                    float[][] got = {gq.toFloats(), gk.toFloats(), gv.toFloats()};
                    float[][] got32 = {gq32.toFloats(), gk32.toFloats(), gv32.toFloats()};
                    StringBuilder err = new StringBuilder(bt + ": max error / max |value| vs the fp32 reference:");
                    for (int g = 0; g < 3; g++) {
                        assertArrayEquals(got32[g], got[g], bt + " " + names[g] + " vs fp32-input v8");
                        double m = maxAbs(want[g]), worst = 0;
                        for (int i = 0; i < got[g].length; i++)
                            worst = Math.max(worst, Math.abs(got[g][i] - want[g][i]));
                        err.append(' ').append(names[g]).append(String.format(" %.2e", worst / m));
                        assertClose(bt + " " + names[g], got[g], want[g], (2e-5 + slack) * m, 5e-4);
                    }
                    System.out.println(err);
                }
            }
        }
    }

    @Test
    void versionsWithFp32InputsAreRefusedByName() {
        try (KernelTestSupport t = new KernelTestSupport(k())) {
            int b = 1, h = 1, n = 5, s = 7, d = 32;
            DeviceBuffer q = t.out(n * d), kv = t.out(s * d), out = t.out(n * d), lse = t.out(n);
            for (int ver : new int[] {1, 2, 3, 5, 7}) {
                KernelException e = assertThrows(
                        KernelException.class,
                        () -> t.k.attentionFwdBf16(
                                STREAM,
                                out.ptr(),
                                lse.ptr(),
                                q.ptr(),
                                kv.ptr(),
                                kv.ptr(),
                                MemorySegment.NULL,
                                b,
                                h,
                                n,
                                s,
                                d,
                                0.5f,
                                0,
                                ver));
                assertEquals(KernelException.INVALID_ARGUMENT, e.status());
                assertTrue(
                        e.nativeMessage().contains("rt_attention_fwd_bf16: version " + ver + " does not read bf16")
                                && e.nativeMessage().contains("4, 6"),
                        e.nativeMessage());
            }
            for (int ver : new int[] {2, 3, 4, 7}) {
                KernelException e = assertThrows(
                        KernelException.class,
                        () -> t.k.attentionBwdBf16(
                                STREAM,
                                q.ptr(),
                                kv.ptr(),
                                kv.ptr(),
                                out.ptr(),
                                out.ptr(),
                                lse.ptr(),
                                q.ptr(),
                                kv.ptr(),
                                kv.ptr(),
                                MemorySegment.NULL,
                                b,
                                h,
                                n,
                                s,
                                d,
                                0.5f,
                                0,
                                ver));
                assertTrue(
                        e.nativeMessage().contains("rt_attention_bwd_bf16: version " + ver + " does not read bf16")
                                && e.nativeMessage().contains("version 8"),
                        e.nativeMessage());
            }
        }
    }
}
