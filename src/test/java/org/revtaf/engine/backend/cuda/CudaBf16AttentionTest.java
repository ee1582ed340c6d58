package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.AttentionArgs;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.ops.Views;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.DeviceStorage;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

/**
 * {@code -Drevtaf.cuda.attention.bf16=true} on cuda-emu: the model's float32 q, k, v are cast to
 * bfloat16 once on the device and run through the BF16 kernels, out and the gradients stay float32
 * and match the cpu float32 op within the BF16 operand tolerance; bfloat16 tensors given directly
 * take the same kernels (bit for bit); calls without a flash kernel stay float32; impossible
 * settings are errors naming the property. The backend of this class is built with the property set.
 */
class CudaBf16AttentionTest {
    /** BF16 operands (8 significant bits): the share of each output's largest |value| allowed (AttentionParity). */
    private static final double BF16_SLACK = 2e-2;

    @BeforeAll
    static void registerWithBf16Attention() {
        String old = System.getProperty(CudaFused.BF16_PROPERTY);
        System.setProperty(CudaFused.BF16_PROPERTY, "true");
        try {
            Backends.register(new CudaBackendProvider.CudaEmu());
            Backends.of(Device.CUDA_EMU); // built now, with the property
        } finally {
            restore(CudaFused.BF16_PROPERTY, old);
        }
    }

    /** A fresh cuda-emu backend without the property for the classes that run next. */
    @AfterAll
    static void registerDefault() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    private static void restore(String key, String old) {
        if (old == null) System.clearProperty(key);
        else System.setProperty(key, old);
    }

    private static CudaFused fused() {
        return (CudaFused) Backends.of(Device.CUDA_EMU).fused();
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double x : t.toDoubles()) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** q, k, v, dout on the cpu; the key mask hides the first two keys of the last batch item. */
    private static Tensor[] inputs(long seed, int b, int h, int n, int s, int d) {
        Random r = new Random(seed);
        Tensor q = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, n, d);
        Tensor k = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, s, d);
        Tensor v = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, s, d);
        Tensor g = Tensor.randn(Device.CPU, DType.FLOAT32, r, 1, b, h, n, d);
        float[] m = new float[b * s];
        java.util.Arrays.fill(m, 1f);
        m[(b - 1) * s] = 0;
        m[(b - 1) * s + 1] = 0;
        return new Tensor[] {q, k, v, g, Tensor.of(Device.CPU, m, b, s)};
    }

    /** out, dq, dk, dv of the attention op on a device (float32 leaves). */
    private static Tensor[] run(Tensor[] in, Device dev, boolean causal) {
        Tensor q = in[0].copyTo(dev).requiresGrad(true), k = in[1].copyTo(dev).requiresGrad(true);
        Tensor v = in[2].copyTo(dev).requiresGrad(true);
        Tensor out = F.attention(q, k, v, in[4].copyTo(dev), Double.NaN, causal);
        out.backward(in[3].copyTo(dev));
        return new Tensor[] {out, q.grad(), k.grad(), v.grad()};
    }

    @Test
    void bf16OptionRunsTheBf16KernelsWithFloat32GradientsCloseToCpu() {
        for (boolean causal : new boolean[] {false, true}) {
            Tensor[] in = inputs(causal ? 3 : 4, 2, 2, 7, 9, 32);
            long before = fused().attentionBf16.get();
            Tensor[] got = run(in, Device.CUDA_EMU, causal);
            assertEquals(2, fused().attentionBf16.get() - before, "forward and backward on bf16 q, k, v");
            Tensor[] want = run(in, Device.CPU, causal);
            String[] names = {"out", "dq", "dk", "dv"};
            for (int i = 0; i < 4; i++) {
                assertEquals(DType.FLOAT32, got[i].dtype(), names[i] + " stays float32");
                TensorAssert.assertClose(
                        "bf16 attention " + names[i] + (causal ? " causal" : ""),
                        got[i],
                        want[i],
                        (2e-5 + BF16_SLACK) * maxAbs(want[i]),
                        5e-4);
            }
        }
    }

    @Test
    void bfloat16TensorsGivenDirectlyTakeTheSameKernelsBitForBit() {
        Tensor[] in = inputs(8, 1, 2, 19, 23, 64);
        Tensor[] viaOption = run(in, Device.CUDA_EMU, true);
        Tensor[] b16 = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            b16[i] = Tensor.empty(Device.CUDA_EMU, DType.BFLOAT16, in[i].shapeRef());
            Views.copyInto(b16[i], in[i].copyTo(Device.CUDA_EMU)); // the device cast
        }
        long fallbacks = CudaBackend.hostFallbackCount();
        Tensor out = F.attention(b16[0], b16[1], b16[2], in[4].copyTo(Device.CUDA_EMU), Double.NaN, true);
        assertEquals(DType.FLOAT32, out.dtype(), "bf16 q, k, v give a float32 out");
        assertArrayEquals(viaOption[0].toFloats(), out.toFloats(), "the option's cast and a bf16 tensor agree");
        assertEquals(fallbacks, CudaBackend.hostFallbackCount(), "cast and attention stay on the device");
    }

    /**
     * Backends without bf16 attention widen bfloat16 q, k, v exactly: on the cpu device (whose bfloat16
     * ops run on the double reference backend) out is float32 and matches the float32 op on the widened
     * values up to float32 rounding, and the gradients of bfloat16 leaves are those rounded to bfloat16
     * (up to one bfloat16 step where the float32 gradients straddle a rounding boundary).
     */
    @Test
    void cpuWidensBfloat16InputsAndRoundsTheirGradients() {
        Tensor[] in = inputs(10, 1, 2, 5, 6, 32);
        Tensor[] b16 = new Tensor[3], wide = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            b16[i] = Tensor.empty(Device.CPU, DType.BFLOAT16, in[i].shapeRef());
            Views.copyInto(b16[i], in[i]);
            wide[i] = Tensor.empty(Device.CPU, DType.FLOAT32, in[i].shapeRef());
            Views.copyInto(wide[i], b16[i]);
            b16[i].requiresGrad(true);
            wide[i].requiresGrad(true);
        }
        Tensor out = F.attention(b16[0], b16[1], b16[2], in[4], Double.NaN, true);
        Tensor want = F.attention(wide[0], wide[1], wide[2], in[4], Double.NaN, true);
        assertEquals(DType.FLOAT32, out.dtype());
        TensorAssert.assertClose("out of the widened inputs", out, want, 1e-6, 1e-5);
        out.backward(in[3]);
        want.backward(in[3]);
        for (int i = 0; i < 3; i++) {
            assertEquals(DType.BFLOAT16, b16[i].grad().dtype(), "gradient of a bfloat16 leaf");
            Tensor rounded = Tensor.empty(Device.CPU, DType.BFLOAT16, in[i].shapeRef());
            Views.copyInto(rounded, wide[i].grad());
            TensorAssert.assertClose("gradient " + i, b16[i].grad(), rounded, 1e-6, 1.0 / 128);
        }
    }

    @Test
    void callsWithoutAFlashKernelStayFloat32() {
        Tensor[] in = inputs(5, 1, 2, 5, 6, 16); // head dim 16: the unfused path
        long before = fused().attentionBf16.get();
        Tensor[] got = run(in, Device.CUDA_EMU, false);
        assertEquals(before, fused().attentionBf16.get(), "no bf16 call");
        Tensor[] want = run(in, Device.CPU, false);
        for (int i = 0; i < 4; i++) TensorAssert.assertClose("unfused " + i, got[i], want[i], 1e-5, 1e-3);
    }

    @Test
    void castOnTheDeviceRoundsAsTheHostTensors() {
        float[] x = {
            1.00390625f, // 0x3f808000: a tie, to even (down)
            Float.intBitsToFloat(0x3f818000), // a tie, to even (up)
            Float.intBitsToFloat(0x00018000), // subnormal tie
            Float.MAX_VALUE, // rounds to +inf
            Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0xff800001), // signalling NaN, negative
            -0.0f,
            3.14159f
        };
        Tensor host = Tensor.of(Device.CPU, x, x.length);
        Tensor hb = Tensor.empty(Device.CPU, DType.BFLOAT16, x.length);
        Views.copyInto(hb, host);
        Tensor db = Tensor.empty(Device.CUDA_EMU, DType.BFLOAT16, x.length);
        long fallbacks = CudaBackend.hostFallbackCount();
        Views.copyInto(db, host.copyTo(Device.CUDA_EMU));
        assertEquals(fallbacks, CudaBackend.hostFallbackCount(), "the cast runs on the device (rt_copy)");
        short[] want = (short[]) ((HeapStorage) hb.storage()).array();
        short[] got = (short[]) ((DeviceStorage) db.storage()).toHost().array();
        for (int i = 0; i < x.length; i++)
            assertEquals(want[i], got[i], String.format("bf16 of 0x%08x", Float.floatToRawIntBits(x[i])));
        // fill converts on the device too: 1 + 2^-8 is a tie, to even (0x3f80), as HeapStorage.set rounds it
        Tensor f = Tensor.full(Device.CUDA_EMU, DType.BFLOAT16, 1.00390625, 3);
        Tensor hf = Tensor.full(Device.CPU, DType.BFLOAT16, 1.00390625, 3);
        assertArrayEquals((short[]) ((HeapStorage) hf.storage()).array(), (short[])
                ((DeviceStorage) f.storage()).toHost().array());
        assertEquals(fallbacks, CudaBackend.hostFallbackCount(), "the fill runs on the device (rt_fill)");
    }

    @Test
    void impossibleSettingsAreErrorsNamingTheProperties() {
        Tensor[] in = inputs(6, 1, 1, 3, 4, 32);
        Tensor q = in[0].copyTo(Device.CUDA_EMU), k = in[1].copyTo(Device.CUDA_EMU);
        Tensor v16 = Tensor.empty(Device.CUDA_EMU, DType.BFLOAT16, in[2].shapeRef());
        RevtafException e = assertThrows(RevtafException.class, () -> F.attention(q, k, v16, null, 0.5, false));
        assertTrue(e.getMessage().contains("dtype mismatch"), e.getMessage());
        for (String versions : new String[] {"attention_fwd:2", "attention_bwd:7", "3"}) {
            String oldV = System.getProperty(KernelVersions.PROPERTY),
                    oldB = System.getProperty(CudaFused.BF16_PROPERTY);
            System.setProperty(KernelVersions.PROPERTY, versions);
            System.setProperty(CudaFused.BF16_PROPERTY, "true");
            try {
                RevtafException x = assertThrows(
                        RevtafException.class,
                        () -> new CudaBackend(Device.CUDA_EMU, RevtafKernels.forDevice(Device.CUDA_EMU.cliName())));
                String family = versions.startsWith("attention_bwd") ? "attention_bwd" : "attention_fwd";
                assertTrue(
                        x.getMessage().contains("-Drevtaf.cuda.attention.bf16=true")
                                && x.getMessage().contains("-Drevtaf.cuda.kernelVersion picks " + family),
                        x.getMessage());
            } finally {
                restore(KernelVersions.PROPERTY, oldV);
                restore(CudaFused.BF16_PROPERTY, oldB);
            }
        }
        // without the property, bfloat16 tensors on a backend held to version 2 are refused by name too
        String oldV = System.getProperty(KernelVersions.PROPERTY);
        System.setProperty(KernelVersions.PROPERTY, "attention_fwd:2");
        CudaBackend v2;
        try {
            v2 = new CudaBackend(Device.CUDA_EMU, RevtafKernels.forDevice(Device.CUDA_EMU.cliName()));
        } finally {
            restore(KernelVersions.PROPERTY, oldV);
        }
        Tensor q16 = Tensor.empty(Device.CUDA_EMU, DType.BFLOAT16, 1, 1, 3, 32);
        Tensor k16 = Tensor.empty(Device.CUDA_EMU, DType.BFLOAT16, 1, 1, 4, 32);
        AttentionGeom geom = new AttentionGeom(1, 1, 3, 4, 32, 0.5, false, DropoutMask.NONE);
        assertEquals(DType.BFLOAT16, v2.fused().attentionInputType(geom, DType.BFLOAT16));
        AttentionArgs args = new AttentionArgs(
                Tensor.empty(Device.CUDA_EMU, DType.FLOAT32, 1, 1, 3, 32),
                Tensor.empty(Device.CUDA_EMU, DType.FLOAT32, 1, 1, 3),
                q16,
                k16,
                k16,
                null,
                geom);
        RevtafException x = assertThrows(RevtafException.class, () -> v2.fused().attention(args));
        assertTrue(
                x.getMessage()
                        .startsWith("bfloat16 attention: -Drevtaf.cuda.kernelVersion picks attention_fwd version 2"),
                x.getMessage());
    }
}
