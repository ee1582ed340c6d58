package org.revtaf.engine.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.revtaf.engine.bindings.NativeLibrary;

/**
 * The emulated tensor-core path (kernels/emu/cuda_emu_wmma.h) against plain loops: fp16 / bf16 / TF32
 * rounding of the conversions bit for bit, and WMMA GEMMs (kernels/tests/probes.cu rtp_wmma_gemm: every
 * shape, row- and column-major operands) against a double-precision product of the rounded inputs
 * (tight: fp32 accumulation) and of the unrounded fp32 inputs (the tolerance of the input format).
 * Misuse (a misaligned fragment pointer, half a warp) must come back as status 5 with file:line.
 */
class EmulatorWmmaTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final String[] TYPES = {"fp16", "bf16", "tf32"};

    private static SymbolLookup lib(String file) {
        Path p = Path.of(System.getProperty(NativeLibrary.DIR_PROPERTY, "target/native"), "test", file);
        return NativeLibrary.loadPath(p);
    }

    private static MethodHandle fn(SymbolLookup l, String name, MemoryLayout... args) {
        return LINKER.downcallHandle(l.find(name).orElseThrow(), FunctionDescriptor.of(JAVA_INT, args));
    }

    private static String lastError(SymbolLookup l) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(2048);
            int unused = (int) fn(l, "rt_last_error", ADDRESS, JAVA_LONG).invokeExact(buf, 2048L);
            return buf.getString(0);
        }
    }

    /** x rounded to bf16 (nearest even), as a float. */
    static float bf16(float x) {
        int u = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return x;
        }
        u += 0x7fff + ((u >>> 16) & 1);
        return Float.intBitsToFloat(u & 0xffff0000);
    }

    /** x rounded to TF32 (nearest, ties away from zero), as a float. */
    static float tf32(float x) {
        if (Float.isNaN(x) || Float.isInfinite(x)) {
            return x;
        }
        return Float.intBitsToFloat((Float.floatToRawIntBits(x) + 0x1000) & 0xffffe000);
    }

    static float round(int type, float x) {
        return switch (type) {
            case 0 -> Float.float16ToFloat(Float.floatToFloat16(x));
            case 1 -> bf16(x);
            default -> tf32(x);
        };
    }

    @Test
    void conversionsRoundLikeTheGpu() throws Throwable {
        SymbolLookup l = lib("librevtaf_emu_bugs.so");
        Random r = new Random(5);
        int n = 4096;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocate(JAVA_FLOAT, n);
            float[] xs = new float[n];
            float[] special = {0f, -0f, 1f, 65504f, 65520f, 1e-8f, 6e-5f, 3.4e38f, Float.POSITIVE_INFINITY, -1.00390625f
            }; // ties, fp16 max / overflow, subnormals
            for (int i = 0; i < n; i++) {
                xs[i] = i < special.length ? special[i] : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
                x.setAtIndex(JAVA_FLOAT, i, xs[i]);
            }
            for (int type = 0; type < 3; type++) {
                MemorySegment out = a.allocate(JAVA_FLOAT, n);
                assertEquals(0, (int) fn(l, "rtp_convert", ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)
                        .invokeExact(out, x, n, type));
                for (int i = 0; i < n; i++) {
                    float want = round(type, xs[i]);
                    float got = out.getAtIndex(JAVA_FLOAT, i);
                    if (Float.compare(want, got) != 0) {
                        fail(TYPES[type] + "(" + xs[i] + ") = " + got + ", want " + want);
                    }
                }
            }
        }
    }

    /**
     * (type, shape, m, n, k): every shape of each type, sizes of several tiles. With 8-wide tiles only
     * one tile along that side: a second one would start 16 bytes off the 32-byte alignment WMMA needs
     * (the emulator refuses that, as the GPU does).
     */
    private static final int[][] GEMMS = {
        {0, 0, 32, 48, 64},
        {0, 1, 64, 8, 32},
        {0, 2, 8, 64, 48},
        {1, 0, 48, 32, 80},
        {1, 1, 32, 8, 16},
        {1, 2, 8, 32, 32},
        {2, 0, 32, 32, 40}
    };

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void wmmaGemmMatchesPlainLoops(int which) throws Throwable {
        int[] g = GEMMS[which];
        int type = g[0], shape = g[1], m = g[2], n = g[3], k = g[4];
        SymbolLookup l = lib("librevtaf_emu_bugs.so");
        MethodHandle gemm = fn(
                l,
                "rtp_wmma_gemm",
                ADDRESS,
                ADDRESS,
                ADDRESS,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT,
                JAVA_INT);
        Random r = new Random(40 + which);
        for (int layout = 0; layout < 4; layout++) {
            int aCol = layout & 1, bCol = layout >> 1;
            float[] af = gaussian(r, m * k);
            float[] bf = gaussian(r, k * n);
            float[] cf = gaussian(r, m * n);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment as = operand(a, type, af, m, k, aCol == 1);
                MemorySegment bs = operand(a, type, bf, k, n, bCol == 1);
                MemorySegment c = a.allocate(4L * m * n, 32);
                MemorySegment.copy(cf, 0, c, JAVA_FLOAT, 0, m * n);
                int st = (int) gemm.invokeExact(c, as, bs, m, n, k, type, shape, aCol, bCol);
                assertEquals(0, st, lastError(l));
                String tag = TYPES[type] + " shape " + shape + " " + m + "x" + n + "x" + k + " layout " + layout;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double exact = cf[i * n + j];
                        double fp32 = cf[i * n + j];
                        double mag = Math.abs(cf[i * n + j]);
                        for (int kk = 0; kk < k; kk++) {
                            exact += (double) round(type, af[i * k + kk]) * round(type, bf[kk * n + j]);
                            fp32 += (double) af[i * k + kk] * bf[kk * n + j];
                            mag += Math.abs((double) af[i * k + kk] * bf[kk * n + j]);
                        }
                        double got = c.getAtIndex(JAVA_FLOAT, (long) i * n + j);
                        // fp32 accumulation of exact products; the input format's rounding (2^-11 for
                        // fp16 and TF32, 2^-8 for bf16, on each factor) against the fp32 inputs
                        double unit = type == 1 ? 0x1p-8 : 0x1p-11;
                        assertTrue(
                                Math.abs(got - exact) <= 1e-6 * (k + 1) * mag,
                                tag + " (" + i + "," + j + ") " + got + " vs rounded-input product " + exact);
                        assertTrue(
                                Math.abs(got - fp32) <= 2 * unit * mag,
                                tag + " (" + i + "," + j + ") " + got + " vs fp32 product " + fp32);
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** rows x cols row-major values in the kernel's format and layout, 32-byte aligned. */
    private static MemorySegment operand(Arena a, int type, float[] x, int rows, int cols, boolean colMajor) {
        MemorySegment s = a.allocate((type == 2 ? 4L : 2L) * rows * cols, 32);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                long at = colMajor ? (long) j * rows + i : (long) i * cols + j;
                float v = x[i * cols + j];
                switch (type) {
                    case 0 -> s.setAtIndex(JAVA_SHORT, at, Float.floatToFloat16(v));
                    case 1 -> s.setAtIndex(JAVA_SHORT, at, (short) (Float.floatToRawIntBits(bf16(v)) >>> 16));
                    default -> s.setAtIndex(JAVA_FLOAT, at, v);
                }
            }
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"librevtaf_emu_bugs.so", "librevtaf_emu_bugs_threads.so"})
    void wmmaMisuseIsReportedWithFileAndLine(String file) throws Throwable {
        SymbolLookup l = lib(file);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(4L * 1024, 32);
            assertEquals(5, (int) fn(l, "rtb_wmma_misaligned", ADDRESS).invokeExact(out));
            String msg = lastError(l);
            assertTrue(msg.contains("not 32-byte aligned") && msg.matches("(?s).*bugs\\.cu:\\d+:\\d+.*"), msg);
            assertEquals(5, (int) fn(l, "rtb_wmma_half_warp", ADDRESS).invokeExact(out));
            msg = lastError(l);
            assertTrue(msg.contains("needs all 32 lanes") && msg.contains("0000ffff"), msg);
        }
    }
}
