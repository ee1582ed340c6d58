package org.revtaf.backend.cpu;

import org.revtaf.backend.MatmulKernels;
import org.revtaf.backend.cpu.kernels.Gemm;
import org.revtaf.backend.reference.ReferenceBackend;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Tensor;

/** Batched GEMM on cpukern's packed Vector API SGEMM; float64 runs the reference. */
final class CpuMatmul implements MatmulKernels {
    private final MatmulKernels ref = ReferenceBackend.INSTANCE.matmul();

    @Override
    public void gemm(
            Tensor c,
            Tensor a,
            Tensor b,
            int batch,
            int m,
            int n,
            int k,
            boolean transA,
            boolean transB,
            int strideA,
            int strideB,
            double alpha,
            double beta) {
        if (c.dtype() != DType.FLOAT32) {
            ref.gemm(c, a, b, batch, m, n, k, transA, transB, strideA, strideB, alpha, beta);
            return;
        }
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0) { // empty sum: c = beta * c
            float[] ca = c.f32();
            for (int i = 0; i < batch * m * n; i++)
                ca[c.offset() + i] = beta == 0 ? 0f : (float) (beta * ca[c.offset() + i]);
            return;
        }
        Gemm.sgemmBatched(
                transA,
                transB,
                m,
                n,
                k,
                (float) alpha,
                a.f32(),
                a.offset(),
                transA ? m : k,
                strideA,
                b.f32(),
                b.offset(),
                transB ? k : n,
                strideB,
                (float) beta,
                c.f32(),
                c.offset(),
                n,
                (long) m * n,
                batch);
    }
}
