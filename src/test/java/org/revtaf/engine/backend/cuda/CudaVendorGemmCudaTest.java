package org.revtaf.engine.backend.cuda;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

/**
 * On a real GPU (tag cuda: excluded by default, run by benchmarks/gpu-check.sh): cuBLAS strided
 * batched SGEMM and cuBLASLt's matmul (fp32, TF32 and BF16 operands), called row-major through the
 * operand swap of {@link CudaMatmul}, agree with our tiled GEMM kernel for every transpose
 * combination, batch strides (0 broadcasts) and beta; within 1e-4 in fp32, and within the
 * operands' rounding for TF32 (2^-11 relative per operand) and BF16 (2^-8), summed over k.
 */
@Tag("cuda")
class CudaVendorGemmCudaTest {
    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.Cuda());
    }

    @AfterAll
    static void unregister() {
        Backends.unregister(Device.CUDA);
    }

    @Test
    void cublasMatchesTheOwnKernel() {
        compare(CudaMatmul.Path.CUBLAS, VendorChoice.Math.FP32, 1e-4);
        compare(CudaMatmul.Path.CUBLAS, VendorChoice.Math.TF32, 5e-3);
    }

    @Test
    void cublasLtMatchesTheOwnKernelInEveryMathMode() {
        compare(CudaMatmul.Path.CUBLAS_LT, VendorChoice.Math.FP32, 1e-4);
        compare(CudaMatmul.Path.CUBLAS_LT, VendorChoice.Math.TF32, 5e-3);
        compare(CudaMatmul.Path.CUBLAS_LT, VendorChoice.Math.BF16, 3e-2);
    }

    /** tol: absolute and relative, for values of size ~sqrt(k) (normal operands). */
    private static void compare(CudaMatmul.Path path, VendorChoice.Math math, double tol) {
        CudaDevice d = new CudaDevice(RevtafKernels.forDevice("cuda"), Device.CUDA);
        CudaMatmul vendor = new CudaMatmul(d, path, math), own = new CudaMatmul(d, CudaMatmul.Path.OWN, math);
        Random r = new Random(1);
        int[][] cases = {{1, 37, 23, 19}, {3, 17, 31, 13}, {2, 64, 65, 130}, {1, 1, 1, 1}};
        for (int[] c : cases)
            for (int t = 0; t < 4; t++)
                for (boolean shareB : new boolean[] {false, true}) {
                    int batch = c[0], m = c[1], n = c[2], k = c[3];
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int sa = m * k, sb = shareB ? 0 : k * n;
                    Tensor a = Tensor.randn(Device.CUDA, DType.FLOAT32, r, 1, batch, ta ? k : m, ta ? m : k);
                    Tensor b =
                            Tensor.randn(Device.CUDA, DType.FLOAT32, r, 1, shareB ? 1 : batch, tb ? n : k, tb ? k : n);
                    Tensor c0 = Tensor.randn(Device.CUDA, DType.FLOAT32, r, 1, batch, m, n);
                    GemmGeom g = new GemmGeom(batch, m, n, k, ta, tb, sa, sb, 0.5, 0.25);
                    Tensor cv = c0.copyTo(Device.CUDA), co = c0.copyTo(Device.CUDA);
                    vendor.gemm(cv, a, b, g);
                    own.gemm(co, a, b, g);
                    TensorAssert.assertClose(path + " " + math + " gemm " + g, cv, co, tol, tol);
                }
    }
}
