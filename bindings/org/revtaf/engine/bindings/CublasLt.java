package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.revtaf.engine.bindings.VendorCalls.call;
import static org.revtaf.engine.bindings.VendorCalls.status;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.revtaf.RevtafException;

/**
 * cuBLASLt's matmul for float32 matrices (column-major, strided batches) with a choice of compute
 * type: plain fp32, fp32 through TF32 tensor cores, or fp32 inputs rounded to BF16 on tensor cores
 * with fp32 accumulation ({@link Compute}). A {@link Plan} holds the descriptors, the algorithm
 * cuBLASLt's heuristic picked and its workspace need, built once per problem shape. Statuses
 * checked; knows nothing about tensors.
 */
public final class CublasLt {
    /** cublasComputeType_t values for fp32 data. */
    public enum Compute {
        /** CUBLAS_COMPUTE_32F: fp32 FMA. */
        FP32(68),
        /** CUBLAS_COMPUTE_32F_FAST_TF32: fp32 inputs as TF32 on tensor cores, fp32 accumulation. */
        TF32(77),
        /** CUBLAS_COMPUTE_32F_FAST_16BF: fp32 inputs rounded to BF16 on tensor cores, fp32 accumulation. */
        BF16(75);

        final int code;

        Compute(int code) {
            this.code = code;
        }
    }

    /** cudaDataType_t CUDA_R_32F; cublasOperation_t. */
    static final int R_32F = 0, OP_N = 0, OP_T = 1;
    /** cublasLtMatmulDescAttributes_t. */
    static final int DESC_TRANSA = 3, DESC_TRANSB = 4;
    /** cublasLtMatrixLayoutAttribute_t. */
    static final int LAYOUT_BATCH_COUNT = 5, LAYOUT_STRIDED_BATCH_OFFSET = 6;
    /** cublasLtMatmulPreferenceAttributes_t. */
    static final int PREF_MAX_WORKSPACE_BYTES = 1, PREF_MIN_ALIGNMENT_A = 5;
    /**
     * cublasLtMatmulHeuristicResult_t on x86-64: cublasLtMatmulAlgo_t algo (8 x uint64) @0, size_t
     * workspaceSize @64, cublasStatus_t state @72, float wavesCount @76, int reserved[4] @80; 96 bytes.
     */
    static final long HEURISTIC_BYTES = 96, ALGO_BYTES = 64, HEURISTIC_WORKSPACE = 64, HEURISTIC_STATE = 72;

    private final MethodHandle create, destroy, version;
    private final MethodHandle descCreate, descSet, descDestroy;
    private final MethodHandle layoutCreate, layoutSet, layoutDestroy;
    private final MethodHandle prefCreate, prefSet, prefDestroy;
    private final MethodHandle heuristic, matmul;

    private CublasLt(SymbolLookup lib) {
        create = status(lib, "cublasLtCreate", "A");
        destroy = status(lib, "cublasLtDestroy", "A");
        version = VendorCalls.bind(lib, "cublasLtGetVersion", FunctionDescriptor.of(JAVA_LONG));
        // (*desc, computeType, scaleType)
        descCreate = status(lib, "cublasLtMatmulDescCreate", "AII");
        // (desc, attr, *buf, sizeInBytes)
        descSet = status(lib, "cublasLtMatmulDescSetAttribute", "AIAL");
        descDestroy = status(lib, "cublasLtMatmulDescDestroy", "A");
        // (*layout, type, uint64 rows, uint64 cols, int64 ld)
        layoutCreate = status(lib, "cublasLtMatrixLayoutCreate", "AILLL");
        layoutSet = status(lib, "cublasLtMatrixLayoutSetAttribute", "AIAL");
        layoutDestroy = status(lib, "cublasLtMatrixLayoutDestroy", "A");
        prefCreate = status(lib, "cublasLtMatmulPreferenceCreate", "A");
        prefSet = status(lib, "cublasLtMatmulPreferenceSetAttribute", "AIAL");
        prefDestroy = status(lib, "cublasLtMatmulPreferenceDestroy", "A");
        // (handle, opDesc, Adesc, Bdesc, Cdesc, Ddesc, pref, requested, *results, *returned)
        heuristic = status(lib, "cublasLtMatmulAlgoGetHeuristic", "AAAAAAAIAA");
        // (handle, opDesc, *alpha, A, Adesc, B, Bdesc, *beta, C, Cdesc, D, Ddesc, *algo, workspace, bytes, stream)
        matmul = status(lib, "cublasLtMatmul", "AAAAAAAAAAAAAALA");
    }

    /** Loads cuBLASLt (13, else 12) on first use. */
    public static CublasLt get() {
        return of(VendorLibraries.require(VendorLibraries.Vendor.CUBLAS_LT));
    }

    /** The bindings over an already loaded library (tests bind a stand-in with cuBLASLt's prototypes). */
    public static CublasLt of(SymbolLookup lib) {
        return new CublasLt(lib);
    }

    private static void check(int st, String fn) {
        VendorCalls.cublasStatus(st, fn);
    }

    private static MemorySegment created(MethodHandle h, String fn, Object... args) {
        return VendorCalls.created(h, fn, VendorCalls::cublasStatus, args);
    }

    /** A cuBLASLt handle (needs a GPU: a RevtafException with the status otherwise). */
    public MemorySegment create() {
        return created(create, "cublasLtCreate");
    }

    public void destroy(MemorySegment handle) {
        check(call(() -> (int) destroy.invokeExact(handle)), "cublasLtDestroy");
    }

    /** CUBLAS_VERSION of the loaded library (e.g. 130100). */
    public long version() {
        try {
            return (long) version.invokeExact();
        } catch (Throwable t) {
            throw VendorCalls.unchecked(t);
        }
    }

    private static void setAttr(
            MethodHandle set, MemorySegment obj, int attr, ValueLayout layout, Object value, String fn) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(layout);
            if (layout == JAVA_INT) buf.set(JAVA_INT, 0, (Integer) value);
            else buf.set(JAVA_LONG, 0, (Long) value);
            check(call(() -> (int) set.invokeExact(obj, attr, buf, layout.byteSize())), fn);
        }
    }

    /**
     * One column-major problem D = alpha op(A) op(B) + beta C with D = C in place, A (m, k) after
     * op, B (k, n) after op, C (m, n) with leading dimension ldc, {@code batch} problems at the
     * given element strides (0: the operand is shared by every problem).
     */
    public record Shape(
            boolean transA,
            boolean transB,
            long m,
            long n,
            long k,
            long lda,
            long ldb,
            long ldc,
            long strideA,
            long strideB,
            long strideC,
            int batch) {}

    /**
     * A column-major matrix layout as cuBLASLt takes it: the stored matrix (before any op) has
     * {@code rows} x {@code cols} elements, element (i, j) at {@code i + j * ld}, problem p at
     * {@code p * stride} elements.
     */
    public record Layout(long rows, long cols, long ld, long stride, int batch) {}

    /** A's stored layout: (m, k), or (k, m) when transposed. */
    public static Layout layoutA(Shape s) {
        return new Layout(s.transA() ? s.k() : s.m(), s.transA() ? s.m() : s.k(), s.lda(), s.strideA(), s.batch());
    }

    /** B's stored layout: (k, n), or (n, k) when transposed. */
    public static Layout layoutB(Shape s) {
        return new Layout(s.transB() ? s.n() : s.k(), s.transB() ? s.k() : s.n(), s.ldb(), s.strideB(), s.batch());
    }

    /** C's (and D's) layout: (m, n). */
    public static Layout layoutC(Shape s) {
        return new Layout(s.m(), s.n(), s.ldc(), s.strideC(), s.batch());
    }

    /** The descriptors and chosen algorithm of one shape and compute type; {@link #close} frees them. */
    public final class Plan implements AutoCloseable {
        private final MemorySegment desc, la, lb, lc;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment algo;
        private final long workspace;

        private Plan(MemorySegment handle, Shape s, Alignment align, Compute compute, long maxWorkspace) {
            desc = created(descCreate, "cublasLtMatmulDescCreate", compute.code, R_32F);
            setAttr(descSet, desc, DESC_TRANSA, JAVA_INT, s.transA() ? OP_T : OP_N, "cublasLtMatmulDescSetAttribute");
            setAttr(descSet, desc, DESC_TRANSB, JAVA_INT, s.transB() ? OP_T : OP_N, "cublasLtMatmulDescSetAttribute");
            la = layout(layoutA(s));
            lb = layout(layoutB(s));
            lc = layout(layoutC(s));
            MemorySegment pref = created(prefCreate, "cublasLtMatmulPreferenceCreate");
            try (Arena a = Arena.ofConfined()) {
                setAttr(
                        prefSet,
                        pref,
                        PREF_MAX_WORKSPACE_BYTES,
                        JAVA_LONG,
                        maxWorkspace,
                        "cublasLtMatmulPreferenceSetAttribute");
                // A, B, C, D (= C): only algorithms that work with the operands' actual alignment
                int[] bytes = {align.a(), align.b(), align.c(), align.c()};
                for (int i = 0; i < 4; i++)
                    setAttr(
                            prefSet,
                            pref,
                            PREF_MIN_ALIGNMENT_A + i,
                            JAVA_INT,
                            bytes[i],
                            "cublasLtMatmulPreferenceSetAttribute");
                MemorySegment res = a.allocate(HEURISTIC_BYTES, 8), got = a.allocate(JAVA_INT);
                check(
                        call(() -> (int) heuristic.invokeExact(handle, desc, la, lb, lc, lc, pref, 1, res, got)),
                        "cublasLtMatmulAlgoGetHeuristic");
                if (got.get(JAVA_INT, 0) < 1 || res.get(JAVA_INT, HEURISTIC_STATE) != 0)
                    throw new RevtafException("cuBLASLt has no algorithm for " + s + " with " + compute);
                algo = arena.allocate(ALGO_BYTES, 8).copyFrom(res.asSlice(0, ALGO_BYTES));
                workspace = res.get(JAVA_LONG, HEURISTIC_WORKSPACE);
            } finally {
                check(call(() -> (int) prefDestroy.invokeExact(pref)), "cublasLtMatmulPreferenceDestroy");
            }
        }

        private MemorySegment layout(Layout l) {
            MemorySegment d = created(layoutCreate, "cublasLtMatrixLayoutCreate", R_32F, l.rows(), l.cols(), l.ld());
            if (l.batch() > 1) {
                setAttr(layoutSet, d, LAYOUT_BATCH_COUNT, JAVA_INT, l.batch(), "cublasLtMatrixLayoutSetAttribute");
                setAttr(
                        layoutSet,
                        d,
                        LAYOUT_STRIDED_BATCH_OFFSET,
                        JAVA_LONG,
                        l.stride(),
                        "cublasLtMatrixLayoutSetAttribute");
            }
            return d;
        }

        /** Workspace bytes the chosen algorithm needs. */
        public long workspace() {
            return workspace;
        }

        /** Runs the plan on {@code stream}; {@code ws} holds at least {@link #workspace()} bytes. */
        public void run(
                MemorySegment handle,
                float alpha,
                MemorySegment a,
                MemorySegment b,
                float beta,
                MemorySegment c,
                MemorySegment ws,
                MemorySegment stream) {
            try (Arena ar = Arena.ofConfined()) {
                MemorySegment al = ar.allocateFrom(JAVA_FLOAT, alpha), be = ar.allocateFrom(JAVA_FLOAT, beta);
                check(
                        call(() -> (int) matmul.invokeExact(
                                handle, desc, al, a, la, b, lb, be, c, lc, c, lc, algo, ws, workspace, stream)),
                        "cublasLtMatmul");
            }
        }

        @Override
        public void close() {
            for (MemorySegment l : new MemorySegment[] {la, lb, lc})
                check(call(() -> (int) layoutDestroy.invokeExact(l)), "cublasLtMatrixLayoutDestroy");
            check(call(() -> (int) descDestroy.invokeExact(desc)), "cublasLtMatmulDescDestroy");
            arena.close();
        }
    }

    /**
     * The plan of a shape: descriptors, and the heuristic's best algorithm within maxWorkspace bytes
     * for operands at least as aligned as {@code align} says.
     */
    public Plan plan(MemorySegment handle, Shape s, Alignment align, Compute compute, long maxWorkspace) {
        return new Plan(handle, s, align, compute, maxWorkspace);
    }

    /**
     * The byte alignments of A, B and C (every problem of a batch): what the heuristic may assume
     * (cuBLASLt assumes 256 unless told; a view into a larger tensor is often less aligned).
     */
    public record Alignment(int a, int b, int c) {}

    /**
     * The alignment of a float32 operand at {@code address} whose batch problems lie {@code stride}
     * elements apart: the largest power of two, at most 256, dividing the address and (for more than
     * one problem) the stride in bytes.
     */
    public static int alignment(long address, long stride, int batch) {
        long bits = address | (batch > 1 ? stride * Float.BYTES : 0) | 256;
        return (int) Long.lowestOneBit(bits);
    }
}
