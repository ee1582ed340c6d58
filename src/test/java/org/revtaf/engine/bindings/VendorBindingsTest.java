package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Conv2dGeom;

/**
 * Every vendor downcall (cuDNN 9, cuBLASLt, cuBLAS) through FFM against kernels/tests/vendor_stub.c,
 * a stand-in with the libraries' prototypes that records what it receives: a descriptor whose arity
 * or types disagree with a call site fails here (WrongMethodTypeException), an argument in another
 * place shows as a wrong recorded value, struct offsets (cuDNN's algorithm perf results, cuBLASLt's
 * heuristic result) as a wrong choice. Numerics are the GPU check's (CudaVendor*CudaTest).
 */
class VendorBindingsTest {
    private static final Path DIR = Path.of(System.getProperty("revtaf.native.dir", "target/native"), "test", "vendor");
    private static final Linker L = Linker.nativeLinker();

    /** The stand-in's record of its last call. */
    private record Call(String name, long[] args) {}

    private static final class Stub {
        final SymbolLookup lib;
        final MethodHandle last, desc, failNext;

        Stub(String soname) {
            lib = SymbolLookup.libraryLookup(DIR.resolve(soname), Arena.global());
            last = L.downcallHandle(
                    lib.find("stub_last").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            desc = L.downcallHandle(lib.find("stub_desc").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
            failNext = L.downcallHandle(lib.find("stub_fail_next").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_INT));
        }

        Call last() throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment name = a.allocate(64), args = a.allocate(JAVA_LONG, 24);
                int n = (int) last.invokeExact(name, args);
                return new Call(name.getString(0), Arrays.copyOf(args.toArray(JAVA_LONG), n));
            }
        }

        long[] desc(MemorySegment d, int n) throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(JAVA_LONG, 16);
                desc.invokeExact(d, out);
                return Arrays.copyOf(out.toArray(JAVA_LONG), n);
            }
        }

        void failNext(int status) throws Throwable {
            failNext.invokeExact(status);
        }
    }

    private static MemorySegment ptr(long address) {
        return MemorySegment.ofAddress(address);
    }

    @Test
    void cudnnDescriptorsReceiveTheirArgumentsInOrder() throws Throwable {
        Stub s = new Stub("libcudnn.so.9");
        Cudnn c = Cudnn.of(s.lib);
        assertArrayEquals(new long[] {Cudnn.NCHW, Cudnn.DATA_FLOAT, 2, 3, 5, 7}, s.desc(c.tensor4d(2, 3, 5, 7), 6));
        assertArrayEquals(new long[] {Cudnn.DATA_FLOAT, Cudnn.NCHW, 8, 3, 4, 5}, s.desc(c.filter4d(8, 3, 4, 5), 6));
        // pad 1 x 2, stride 3 x 4, dilation 5 x 6, cross-correlation in fp32, 2 groups, FMA math
        MemorySegment conv = c.convolution(1, 2, 3, 4, 5, 6, 2, Cudnn.FMA_MATH);
        assertArrayEquals(
                new long[] {1, 2, 3, 4, 5, 6, Cudnn.CROSS_CORRELATION, Cudnn.DATA_FLOAT, 2, Cudnn.FMA_MATH},
                s.desc(conv, 10));
        MemorySegment pool = c.pooling(Cudnn.POOL_MAX_DETERMINISTIC, 3, 2, 1, 0, 2, 1);
        assertArrayEquals(
                new long[] {Cudnn.POOL_MAX_DETERMINISTIC, Cudnn.PROPAGATE_NAN, 3, 2, 1, 0, 2, 1}, s.desc(pool, 8));
        c.destroyConvolution(conv);
        assertEquals("cudnnDestroyConvolutionDescriptor", s.last().name());
        c.destroyPooling(pool);
        assertEquals("cudnnDestroyPoolingDescriptor", s.last().name());
    }

    @Test
    void cudnnOutputSizeAgreesWithOurConvolutionGeometry() {
        Cudnn c = Cudnn.of(new Stub("libcudnn.so.9").lib);
        Conv2dGeom[] gs = {
            Conv2dGeom.of(2, 3, 64, 64, 16, 7, 2, 3),
            new Conv2dGeom(1, 8, 17, 13, 12, 3, 5, 2, 1, 1, 2, 2, 1, 4),
            new Conv2dGeom(3, 4, 9, 9, 4, 3, 3, 1, 3, 0, 1, 1, 3, 2)
        };
        for (Conv2dGeom g : gs) {
            MemorySegment x = c.tensor4d(g.n(), g.c(), g.h(), g.w());
            MemorySegment w = c.filter4d(g.oc(), g.cg(), g.kh(), g.kw());
            MemorySegment conv = c.convolution(g.ph(), g.pw(), g.sh(), g.sw(), g.dh(), g.dw(), g.groups(), 0);
            assertArrayEquals(new int[] {g.n(), g.oc(), g.oh(), g.ow()}, c.outputDim(conv, x, w), g.toString());
        }
        // a filter with every input channel (not per group) is cuDNN's BAD_PARAM, named in the error
        Conv2dGeom g = gs[1];
        MemorySegment conv = c.convolution(g.ph(), g.pw(), g.sh(), g.sw(), g.dh(), g.dw(), g.groups(), 0);
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> c.outputDim(conv, c.tensor4d(g.n(), g.c(), g.h(), g.w()), c.filter4d(g.oc(), g.c(), 3, 5)));
        assertTrue(
                e.getMessage().contains("cudnnGetConvolution2dForwardOutputDim failed: CUDNN_STATUS_BAD_PARAM"),
                e.getMessage());
    }

    @Test
    void cudnnAlgorithmChoiceReadsThePerfStructs() throws Throwable {
        Stub s = new Stub("libcudnn.so.9");
        Cudnn c = Cudnn.of(s.lib);
        MemorySegment h = c.create(),
                x = c.tensor4d(1, 2, 8, 8),
                w = c.filter4d(4, 2, 3, 3),
                y = c.tensor4d(1, 4, 6, 6);
        for (Cudnn.Pass pass : Cudnn.Pass.values()) {
            MemorySegment conv = c.convolution(0, 0, 1, 1, 1, 1, 1, Cudnn.FMA_MATH);
            // the stand-in proposes: algo 2 needing 1 TiB, algo 1 not supported, algo 5 with tensor cores, 4 KiB,
            // algo 6 with the default math, 8 KiB
            Cudnn.Algo a = c.algorithm(pass, h, x, w, conv, y, 1L << 30, false);
            // workspace answered as 1000 * algo + the descriptor's math type: the math was set first
            assertEquals(new Cudnn.Algo(5, Cudnn.TENSOR_OP_MATH, 5001), a, pass.name());
            Call q = s.last();
            long[] order = switch (pass) {
                case FORWARD -> new long[] {x.address(), w.address(), conv.address(), y.address()};
                case BACKWARD_DATA -> new long[] {w.address(), y.address(), conv.address(), x.address()};
                case BACKWARD_FILTER -> new long[] {x.address(), y.address(), conv.address(), w.address()};
            };
            assertTrue(q.name().endsWith("WorkspaceSize"), q.name());
            assertArrayEquals(order, Arrays.copyOfRange(q.args(), 1, 5), pass.name());
            assertEquals(5, q.args()[5]);
            // fp32 only: the tensor-core proposal is skipped, the default-math one runs with FMA math (3)
            assertEquals(new Cudnn.Algo(6, Cudnn.FMA_MATH, 6003), c.algorithm(pass, h, x, w, conv, y, 1L << 30, true));
            RevtafException e =
                    assertThrows(RevtafException.class, () -> c.algorithm(pass, h, x, w, conv, y, 100, false));
            assertTrue(e.getMessage().contains("within 100 bytes"), e.getMessage());
            e = assertThrows(RevtafException.class, () -> c.algorithm(pass, h, x, w, conv, y, 5000, true));
            assertTrue(
                    e.getMessage().endsWith("without tensor cores (-Drevtaf.cuda.math=tf32 allows them)"),
                    e.getMessage());
        }
    }

    @Test
    void cudnnPassesGetScalarsPointersAndWorkspace() throws Throwable {
        Stub s = new Stub("libcudnn.so.9");
        Cudnn c = Cudnn.of(s.lib);
        MemorySegment h = c.create(), xd = c.tensor4d(1, 2, 8, 8), wd = c.filter4d(4, 2, 3, 3);
        MemorySegment yd = c.tensor4d(1, 4, 6, 6), conv = c.convolution(0, 0, 1, 1, 1, 1, 1, Cudnn.FMA_MATH);
        Cudnn.Algo algo = new Cudnn.Algo(1, Cudnn.FMA_MATH, 777);
        MemorySegment a = ptr(0x1000), b = ptr(0x2000), o = ptr(0x3000), ws = ptr(0x4000);
        c.convolve(Cudnn.Pass.FORWARD, h, xd, a, wd, b, conv, algo, ws, yd, o);
        long[] hd = {h.address()};
        assertCall(
                s,
                "cudnnConvolutionForward",
                hd,
                1000,
                xd.address(),
                0x1000,
                wd.address(),
                0x2000,
                conv.address(),
                1,
                0x4000,
                777,
                0,
                yd.address(),
                0x3000);
        c.convolve(Cudnn.Pass.BACKWARD_DATA, h, wd, b, yd, a, conv, algo, ws, xd, o);
        assertCall(
                s,
                "cudnnConvolutionBackwardData",
                hd,
                1000,
                wd.address(),
                0x2000,
                yd.address(),
                0x1000,
                conv.address(),
                1,
                0x4000,
                777,
                0,
                xd.address(),
                0x3000);
        c.convolve(Cudnn.Pass.BACKWARD_FILTER, h, xd, a, yd, b, conv, algo, ws, wd, o);
        assertCall(
                s,
                "cudnnConvolutionBackwardFilter",
                hd,
                1000,
                xd.address(),
                0x1000,
                yd.address(),
                0x2000,
                conv.address(),
                1,
                0x4000,
                777,
                0,
                wd.address(),
                0x3000);
        MemorySegment bd = c.tensor4d(1, 4, 1, 1);
        c.convBackwardBias(h, yd, a, bd, o);
        assertCall(s, "cudnnConvolutionBackwardBias", hd, 1000, yd.address(), 0x1000, 0, bd.address(), 0x3000);
        c.addTensor(h, bd, a, yd, o); // c += a: alpha 1, beta 1
        assertCall(s, "cudnnAddTensor", hd, 1000, bd.address(), 0x1000, 1000, yd.address(), 0x3000);

        MemorySegment sc = ptr(0x10), bi = ptr(0x20), rm = ptr(0x30), rv = ptr(0x40), sm = ptr(0x50), si = ptr(0x60);
        c.batchNormTraining(h, xd, a, o, bd, sc, bi, 0.1, rm, rv, 1e-5, sm, si);
        assertCall(
                s,
                "cudnnBatchNormalizationForwardTraining",
                hd,
                Cudnn.BATCHNORM_SPATIAL,
                1000,
                0,
                xd.address(),
                0x1000,
                xd.address(),
                0x3000,
                bd.address(),
                0x10,
                0x20,
                100_000_000,
                0x30,
                0x40,
                10_000,
                0x50,
                0x60);
        c.batchNormInference(h, xd, a, o, bd, sc, bi, rm, rv, 2e-3);
        assertCall(
                s,
                "cudnnBatchNormalizationForwardInference",
                hd,
                Cudnn.BATCHNORM_SPATIAL,
                1000,
                0,
                xd.address(),
                0x1000,
                xd.address(),
                0x3000,
                bd.address(),
                0x10,
                0x20,
                0x30,
                0x40,
                2_000_000);
        c.batchNormBackward(h, xd, a, b, o, bd, sc, rm, rv, 1e-5, sm, si);
        assertCall(
                s,
                "cudnnBatchNormalizationBackward",
                hd,
                Cudnn.BATCHNORM_SPATIAL,
                1000,
                0,
                1000,
                0,
                xd.address(),
                0x1000,
                xd.address(),
                0x2000,
                xd.address(),
                0x3000,
                bd.address(),
                0x10,
                0x30,
                0x40,
                10_000,
                0x50,
                0x60);

        MemorySegment pool = c.pooling(Cudnn.POOL_AVG_EXCLUDE_PADDING, 2, 2, 0, 0, 2, 2);
        c.poolingForward(h, pool, xd, a, yd, o);
        assertCall(s, "cudnnPoolingForward", hd, pool.address(), 1000, xd.address(), 0x1000, 0, yd.address(), 0x3000);
        c.poolingBackward(h, pool, yd, o, b, xd, a, ws);
        assertCall(
                s,
                "cudnnPoolingBackward",
                hd,
                pool.address(),
                1000,
                yd.address(),
                0x3000,
                yd.address(),
                0x2000,
                xd.address(),
                0x1000,
                0,
                xd.address(),
                0x4000);
        c.setStream(h, ptr(0x99));
        assertCall(s, "cudnnSetStream", hd, 0x99);
    }

    @Test
    void cudnnFailuresNameTheCallAndCudnnsWords() throws Throwable {
        Stub s = new Stub("libcudnn.so.9");
        Cudnn c = Cudnn.of(s.lib);
        s.failNext(1001);
        RevtafException e = assertThrows(RevtafException.class, c::create);
        assertEquals("cudnnCreate failed: CUDNN_STATUS_NOT_INITIALIZED (cuDNN status 1001)", e.getMessage());
        MemorySegment h = c.create();
        s.failNext(2000);
        e = assertThrows(
                RevtafException.class,
                () -> c.poolingForward(h, c.pooling(0, 2, 2, 0, 0, 2, 2), ptr(8), ptr(16), ptr(24), ptr(32)));
        // the failure landed on the pooling descriptor's creation, the first call after failNext
        assertTrue(
                e.getMessage().startsWith("cudnnCreatePoolingDescriptor failed: CUDNN_STATUS_BAD_PARAM"),
                e.getMessage());
    }

    @Test
    void cublasLtPlanBuildsLayoutsAndRunsWithTheHeuristicsAlgorithm() throws Throwable {
        Stub s = new Stub("libcublasLt.so.13");
        CublasLt lt = CublasLt.of(s.lib);
        assertEquals(130100, lt.version());
        MemorySegment h = lt.create();
        // column-major: A stored (k, m) = (5, 3) transposed, B (k, n) = (5, 4), C (3, 4); 6 problems, B shared
        CublasLt.Shape shape = new CublasLt.Shape(true, false, 3, 4, 5, 5, 5, 3, 15, 0, 12, 6);
        for (CublasLt.Compute compute : CublasLt.Compute.values()) {
            CublasLt.Plan plan = lt.plan(h, shape, new CublasLt.Alignment(256, 16, 64), compute, 1 << 20);
            Call heur = s.last();
            // the preference's destroy comes after the heuristic query; read the layouts from the plan's run
            assertEquals(1 << 20, plan.workspace());
            plan.run(h, 0.5f, ptr(0xA000), ptr(0xB000), 0.25f, ptr(0xC000), ptr(0xD000), ptr(0xE000));
            Call run = s.last();
            assertEquals("cublasLtMatmul", run.name());
            long[] r = run.args();
            assertEquals(h.address(), r[0]);
            assertEquals(500, r[2]); // alpha
            assertEquals(0xA000, r[3]);
            assertEquals(0xB000, r[5]);
            assertEquals(250, r[7]); // beta
            assertEquals(0xC000, r[8]); // C
            assertEquals(0xC000, r[10]); // D = C in place
            assertEquals(r[9], r[11], "D has C's layout");
            assertEquals(0xA160 + 16, r[12], "the heuristic's algorithm, chosen for 16-byte alignment");
            assertEquals(0xD000, r[13]);
            assertEquals(1 << 20, r[14]);
            assertEquals(0xE000, r[15]);
            long[] desc = s.desc(ptr(r[1]), 7);
            assertEquals(compute.code, desc[0], compute.name());
            assertEquals(CublasLt.R_32F, desc[1]);
            assertEquals(CublasLt.OP_T, desc[2 + CublasLt.DESC_TRANSA]);
            assertEquals(CublasLt.OP_N, desc[2 + CublasLt.DESC_TRANSB]);
            // type, rows, cols, ld, batch count, batch stride
            assertArrayEquals(new long[] {0, 5, 3, 5, 6, 15}, s.desc(ptr(r[4]), 6));
            assertArrayEquals(new long[] {0, 5, 4, 5, 6, 0}, s.desc(ptr(r[6]), 6));
            assertArrayEquals(new long[] {0, 3, 4, 3, 6, 12}, s.desc(ptr(r[9]), 6));
            assertTrue(heur.name().startsWith("cublasLtMatmulPreference"), heur.name());
            plan.close();
            assertEquals("cublasLtMatmulDescDestroy", s.last().name());
        }
        s.failNext(7);
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> lt.plan(h, shape, new CublasLt.Alignment(256, 256, 256), CublasLt.Compute.BF16, 1 << 20));
        assertEquals("cublasLtMatmulDescCreate failed with cuBLAS status 7", e.getMessage());
    }

    @Test
    void theVendorFolderIsSearchedFirstAndAMissingLibraryIsNamed() {
        SymbolLookup l = VendorLibraries.open(VendorLibraries.Vendor.CUDNN, DIR.toString());
        assertTrue(l.find("stub_last").isPresent(), "the stand-in in the vendor folder");
        assertTrue(VendorLibraries.open(VendorLibraries.Vendor.CUBLAS_LT, DIR.toString())
                .find("cublasLtMatmul")
                .isPresent());
        if (VendorLibraries.available(VendorLibraries.Vendor.CUDNN)) return; // a machine with cuDNN installed
        RevtafException e = assertThrows(
                RevtafException.class, () -> VendorLibraries.open(VendorLibraries.Vendor.CUDNN, "/nonexistent"));
        assertTrue(
                e.getMessage()
                                .startsWith(
                                        "cuDNN 9 is required by this operation but was not found (tried [libcudnn.so.9")
                        && e.getMessage().contains("-Drevtaf.vendor.dir"),
                e.getMessage());
    }

    @Test
    void alignmentIsTheLargestPowerOfTwoDividingAddressAndBatchStride() {
        assertEquals(256, CublasLt.alignment(0x7f0000001000L, 0, 1));
        assertEquals(256, CublasLt.alignment(0, 12, 1)); // one problem: the stride is never used
        assertEquals(16, CublasLt.alignment(0x7f0000001010L, 64, 3));
        assertEquals(4, CublasLt.alignment(0x7f0000001000L, 15, 2)); // 60-byte steps between problems
        assertEquals(4, CublasLt.alignment(0x7f0000001004L, 0, 4));
    }

    @Test
    void cublasStridedBatchedGetsItsEighteenArgumentsInOrder() throws Throwable {
        Stub s = new Stub("libcublas.so.13");
        VendorLibraries.Cublas b = VendorLibraries.Cublas.of(s.lib);
        MemorySegment h = b.create();
        assertEquals(130100, b.version(h));
        b.setMathMode(h, VendorLibraries.Cublas.TF32_TENSOR_OP_MATH);
        assertCall(s, "cublasSetMathMode", new long[] {h.address()}, 3);
        b.sgemmStridedBatched(h, 1, 0, 3, 4, 5, 2f, ptr(0x100), 5, 15, ptr(0x200), 5, 0, 0f, ptr(0x300), 3, 12, 6);
        assertCall(
                s,
                "cublasSgemmStridedBatched",
                new long[] {h.address()},
                1,
                0,
                3,
                4,
                5,
                2000,
                0x100,
                5,
                15,
                0x200,
                5,
                0,
                0,
                0x300,
                3,
                12,
                6);
    }

    /** The last call was {@code name} with the handle (or first arguments) {@code head} then {@code rest}. */
    private static void assertCall(Stub s, String name, long[] head, long... rest) throws Throwable {
        Call c = s.last();
        assertEquals(name, c.name());
        long[] want = new long[head.length + rest.length];
        System.arraycopy(head, 0, want, 0, head.length);
        System.arraycopy(rest, 0, want, head.length, rest.length);
        assertArrayEquals(want, c.args(), name + " got " + Arrays.toString(c.args()));
    }
}
