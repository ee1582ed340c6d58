package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.backend.MatmulKernels;
import org.revtaf.engine.bindings.VendorLibraries.Cublas;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * Batched GEMM of the cuda backend, on one of two paths chosen by {@code -Drevtaf.cuda.gemm}:
 * {@code vendor} (cuBLAS strided batched SGEMM on the backend's stream; TF32 tensor cores with
 * {@code -Drevtaf.cuda.tf32=true}), {@code own} (the hand-written tiled kernel, kernels/gemm/gemm.cu),
 * or {@code auto} (the default: cuBLAS on {@code cuda} when the library loads, else the own kernel).
 * {@code cuda-emu} always runs the own kernel (the emulator has no cuBLAS; asking it for the vendor
 * path is an error), and the GPU check compares the two paths. Float32 only; other dtypes take the
 * counted host path.
 */
final class CudaMatmul extends CudaFamily<MatmulKernels> implements MatmulKernels {
    /** Which GEMM implementation runs. */
    enum Path {
        VENDOR,
        OWN
    }

    private final Path path;
    private final Cublas cublas;
    private final MemorySegment handle;

    CudaMatmul(CudaDevice d) {
        this(d, choice(System.getProperty("revtaf.cuda.gemm", "auto"), d.device));
    }

    CudaMatmul(CudaDevice d, Path path) {
        super(d, MatmulKernels.class, Backend::matmul);
        this.path = path;
        if (path == Path.VENDOR) {
            cublas = Cublas.get();
            handle = cublas.create();
            cublas.setStream(handle, stream);
            if (Boolean.getBoolean("revtaf.cuda.tf32")) cublas.setMathMode(handle, Cublas.TF32_TENSOR_OP_MATH);
        } else {
            cublas = null;
            handle = null;
        }
    }

    /** The path for a -Drevtaf.cuda.gemm value on a device (a clear error for a bad or impossible one). */
    static Path choice(String value, Device device) {
        boolean emu = device == Device.CUDA_EMU;
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "own" -> Path.OWN;
            case "vendor" -> {
                if (emu)
                    throw new RevtafException(
                            "-Drevtaf.cuda.gemm=vendor: cuBLAS needs a GPU; cuda-emu runs the own GEMM kernel only");
                yield Path.VENDOR;
            }
            case "auto" ->
                emu
                                || !org.revtaf.engine.bindings.VendorLibraries.available(
                                        org.revtaf.engine.bindings.VendorLibraries.Vendor.CUBLAS)
                        ? Path.OWN
                        : Path.VENDOR;
            default ->
                throw new RevtafException(
                        "-Drevtaf.cuda.gemm=" + value + ": expected auto, vendor (cuBLAS) or own (our tiled kernel)");
        };
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
        if (path == Path.VENDOR) {
            vendor(c, a, b, g);
            return;
        }
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

    /**
     * Row-major c (m, n) = op(a) op(b) is column-major c^T (n, m) = op(b)^T op(a)^T: cuBLAS gets b
     * first. Row-major b stored (k, n) is column-major (n, k) with ld n (no transpose), stored (n, k)
     * it is column-major (k, n) with ld k (transpose); the same for a with m.
     */
    private void vendor(Tensor c, Tensor a, Tensor b, GemmGeom g) {
        int m = g.m(), n = g.n(), kk = g.k();
        if (m == 0 || n == 0 || g.batch() == 0) return;
        cublas.sgemmStridedBatched(
                handle,
                g.transB() ? Cublas.OP_T : Cublas.OP_N,
                g.transA() ? Cublas.OP_T : Cublas.OP_N,
                n,
                m,
                kk,
                (float) g.alpha(),
                at(b),
                Math.max(1, g.transB() ? kk : n),
                g.strideB(),
                at(a),
                Math.max(1, g.transA() ? m : kk),
                g.strideA(),
                (float) g.beta(),
                at(c),
                Math.max(1, n),
                (long) m * n,
                g.batch());
    }
}
