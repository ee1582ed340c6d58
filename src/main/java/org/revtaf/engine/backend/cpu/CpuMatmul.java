package org.revtaf.engine.backend.cpu;

import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.backend.MatmulKernels;
import org.revtaf.engine.backend.cpu.kernels.Gemm;
import org.revtaf.engine.tensor.Tensor;

/** Batched GEMM on the packed Vector API SGEMM. */
final class CpuMatmul implements MatmulKernels {
    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, GemmGeom geom) {
        int batch = geom.batch(),
                m = geom.m(),
                n = geom.n(),
                k = geom.k(),
                strideA = geom.strideA(),
                strideB = geom.strideB();
        boolean transA = geom.transA(), transB = geom.transB();
        double alpha = geom.alpha(), beta = geom.beta();
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
                Buf.F32.of(a),
                transA ? m : k,
                strideA,
                Buf.F32.of(b),
                transB ? k : n,
                strideB,
                (float) beta,
                Buf.F32.of(c),
                n,
                (long) m * n,
                batch);
    }
}
