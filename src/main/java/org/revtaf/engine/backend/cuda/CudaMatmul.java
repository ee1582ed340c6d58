package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.backend.MatmulKernels;
import org.revtaf.engine.bindings.CublasLt;
import org.revtaf.engine.bindings.VendorLibraries;
import org.revtaf.engine.bindings.VendorLibraries.Cublas;
import org.revtaf.engine.bindings.VendorLibraries.Vendor;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * Batched GEMM of the cuda backend, on one of three paths chosen by {@code -Drevtaf.cuda.gemm}:
 * {@code cublas} (strided batched SGEMM on the backend's stream; {@code vendor} is its older name),
 * {@code cublaslt} (cuBLASLt's matmul with a heuristic algorithm per shape, cached), {@code own}
 * (the hand-written tiled kernel, kernels/gemm/gemm.cu), or {@code auto} (the default: cuBLAS on
 * {@code cuda} when the library loads, cuBLASLt when {@code -Drevtaf.cuda.math=bf16}, else the own
 * kernel). The vendor paths' arithmetic follows {@code -Drevtaf.cuda.math} ({@link
 * VendorChoice.Math}: fp32, tf32, or bf16 operands with fp32 accumulation, cuBLASLt only). {@code
 * cuda-emu} always runs the own kernel (the emulator has no cuBLAS; asking it for a vendor path is
 * an error), and the GPU check compares the paths. Float32 only; other dtypes take the counted host
 * path.
 */
final class CudaMatmul extends CudaFamily<MatmulKernels> implements MatmulKernels {
    /** Which GEMM implementation runs. */
    enum Path {
        CUBLAS,
        CUBLAS_LT,
        OWN
    }

    /** The most workspace a cuBLASLt algorithm may take (NVIDIA suggests 32 MiB on Hopper). */
    static final long LT_WORKSPACE = 32L << 20;

    private final Path path;
    private final VendorChoice.Math math;
    private final Cublas cublas;
    private final CublasLt lt;
    private final MemorySegment handle;
    private final Map<PlanKey, CublasLt.Plan> plans = new HashMap<>();
    private MemorySegment ltWorkspace;

    CudaMatmul(CudaDevice d) {
        this(d, VendorChoice.Math.fromSystem());
    }

    private CudaMatmul(CudaDevice d, VendorChoice.Math math) {
        this(d, choice(System.getProperty("revtaf.cuda.gemm", "auto"), d.device, math), math);
    }

    CudaMatmul(CudaDevice d, Path path, VendorChoice.Math math) {
        super(d, MatmulKernels.class, Backend::matmul);
        this.path = path;
        this.math = math;
        switch (path) {
            case CUBLAS -> {
                if (math == VendorChoice.Math.BF16)
                    throw new RevtafException(
                            "-Drevtaf.cuda.math=bf16: BF16 operands run through cuBLASLt (-Drevtaf.cuda.gemm=cublaslt)");
                cublas = Cublas.get();
                lt = null;
                handle = cublas.create();
                cublas.setStream(handle, stream);
                if (math == VendorChoice.Math.TF32) cublas.setMathMode(handle, Cublas.TF32_TENSOR_OP_MATH);
            }
            case CUBLAS_LT -> {
                cublas = null;
                lt = CublasLt.get();
                handle = lt.create();
            }
            default -> {
                cublas = null;
                lt = null;
                handle = null;
            }
        }
    }

    /** The path for a -Drevtaf.cuda.gemm value on a device (a clear error for a bad or impossible one). */
    static Path choice(String value, Device device, VendorChoice.Math math) {
        boolean bf16 = math == VendorChoice.Math.BF16;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "own" -> Path.OWN;
            case "cublas" -> {
                if (bf16)
                    throw new RevtafException("-Drevtaf.cuda.gemm=" + value
                            + " with -Drevtaf.cuda.math=bf16: BF16 operands run through cuBLASLt (cublaslt)");
                yield vendor(value, device, Path.CUBLAS);
            }
            case "cublaslt" -> vendor(value, device, Path.CUBLAS_LT);
            case "vendor" -> vendor(value, device, bf16 ? Path.CUBLAS_LT : Path.CUBLAS);
            case "auto" -> {
                if (device == Device.CUDA_EMU) yield Path.OWN; // the emulator runs our fp32 kernel whatever the math
                Path p = bf16 ? Path.CUBLAS_LT : Path.CUBLAS;
                if (VendorLibraries.available(p == Path.CUBLAS_LT ? Vendor.CUBLAS_LT : Vendor.CUBLAS)) yield p;
                if (bf16)
                    throw new RevtafException("-Drevtaf.cuda.math=bf16 needs cuBLASLt (libcublasLt.so.13 or .12),"
                            + " which did not load; use fp32 or tf32, or install it");
                yield Path.OWN;
            }
            default ->
                throw new RevtafException("-Drevtaf.cuda.gemm=" + value
                        + ": expected auto, cublas (or vendor), cublaslt or own (our tiled kernel)");
        };
    }

    private static Path vendor(String value, Device device, Path p) {
        if (device == Device.CUDA_EMU)
            throw new RevtafException("-Drevtaf.cuda.gemm=" + value + ": "
                    + (p == Path.CUBLAS ? "cuBLAS" : "cuBLASLt")
                    + " needs a GPU; cuda-emu runs the own GEMM kernel only");
        return p;
    }

    Path path() {
        return path;
    }

    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, GemmGeom g) {
        if (!dense(c, a, b) || g.batch() > 65535) {
            host.gemm(c, a, b, g);
            return;
        }
        // k = 0 (c = beta c) has no layout cuBLASLt takes: our kernel scales c
        switch (g.k() == 0 && path == Path.CUBLAS_LT ? Path.OWN : path) {
            case CUBLAS -> cublas(c, a, b, g);
            case CUBLAS_LT -> cublasLt(c, a, b, g);
            case OWN ->
                k.gemm(
                        stream,
                        at(c),
                        at(a),
                        at(b),
                        g.batch(),
                        g.m(),
                        g.n(),
                        g.k(),
                        g.transA() ? 1 : 0,
                        g.transB() ? 1 : 0,
                        g.strideA(),
                        g.strideB(),
                        (float) g.alpha(),
                        (float) g.beta(),
                        version(KernelVersions.Family.GEMM));
        }
    }

    /**
     * Row-major c (m, n) = op(a) op(b) is column-major c^T (n, m) = op(b)^T op(a)^T: the vendor
     * libraries get b first, as their A. Row-major b stored (k, n) is column-major (n, k) with ld n
     * (no transpose); stored (n, k) it is column-major (k, n) with ld k (transpose); the same for a
     * with m. Strides are per problem of the batch (0: shared).
     */
    static CublasLt.Shape columnMajor(GemmGeom g) {
        int m = g.m(), n = g.n(), kk = g.k();
        return new CublasLt.Shape(
                g.transB(),
                g.transA(),
                n,
                m,
                kk,
                Math.max(1, g.transB() ? kk : n),
                Math.max(1, g.transA() ? m : kk),
                Math.max(1, n),
                g.strideB(),
                g.strideA(),
                (long) m * n,
                g.batch());
    }

    private void cublas(Tensor c, Tensor a, Tensor b, GemmGeom g) {
        if (g.m() == 0 || g.n() == 0 || g.batch() == 0) return;
        CublasLt.Shape s = columnMajor(g);
        cublas.sgemmStridedBatched(
                handle,
                s.transA() ? Cublas.OP_T : Cublas.OP_N,
                s.transB() ? Cublas.OP_T : Cublas.OP_N,
                (int) s.m(),
                (int) s.n(),
                (int) s.k(),
                (float) g.alpha(),
                at(b),
                (int) s.lda(),
                s.strideA(),
                at(a),
                (int) s.ldb(),
                s.strideB(),
                (float) g.beta(),
                at(c),
                (int) s.ldc(),
                s.strideC(),
                s.batch());
    }

    /** A cuBLASLt plan's identity: the problem and its operands' alignment. */
    private record PlanKey(CublasLt.Shape shape, CublasLt.Alignment align) {}

    private void cublasLt(Tensor c, Tensor a, Tensor b, GemmGeom g) {
        if (g.m() == 0 || g.n() == 0 || g.batch() == 0) return;
        CublasLt.Shape s = columnMajor(g);
        MemorySegment pa = at(b), pb = at(a), pc = at(c); // cuBLASLt's A is our b (the operand swap)
        CublasLt.Alignment align = new CublasLt.Alignment(
                CublasLt.alignment(pa.address(), s.strideA(), s.batch()),
                CublasLt.alignment(pb.address(), s.strideB(), s.batch()),
                CublasLt.alignment(pc.address(), s.strideC(), s.batch()));
        CublasLt.Plan plan;
        synchronized (plans) {
            plan = plans.computeIfAbsent(
                    new PlanKey(s, align), x -> lt.plan(handle, x.shape(), x.align(), ltCompute(), LT_WORKSPACE));
            if (ltWorkspace == null) ltWorkspace = dev.allocate(LT_WORKSPACE);
        }
        plan.run(handle, (float) g.alpha(), pa, pb, (float) g.beta(), pc, ltWorkspace, stream);
    }

    private CublasLt.Compute ltCompute() {
        return switch (math) {
            case FP32 -> CublasLt.Compute.FP32;
            case TF32 -> CublasLt.Compute.TF32;
            case BF16 -> CublasLt.Compute.BF16;
        };
    }
}
