package org.revtaf.backend.cuda;

import static org.revtaf.backend.cuda.CudaArgs.VERSION;
import static org.revtaf.backend.cuda.CudaArgs.at;
import static org.revtaf.backend.cuda.CudaArgs.dense;

import java.lang.foreign.MemorySegment;
import org.revtaf.backend.Backend;
import org.revtaf.backend.GemmGeom;
import org.revtaf.backend.MatmulKernels;
import org.revtaf.bindings.RevtafKernels;
import org.revtaf.tensor.Tensor;

/**
 * Batched GEMM of the cuda backend: the hand-written tiled kernel (kernels/gemm/gemm.cu), the
 * emulator's path and the one a GPU check compares a vendor GEMM against. Float32 only; other dtypes
 * take the counted host path.
 */
final class CudaMatmul implements MatmulKernels {
    private final RevtafKernels k;
    private final MemorySegment stream;
    private final MatmulKernels host = HostFallback.of(MatmulKernels.class, Backend::matmul);

    CudaMatmul(CudaDevice d) {
        this.k = d.k;
        this.stream = d.stream;
    }

    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, GemmGeom g) {
        if (!dense(c, a, b) || g.batch() > 65535) {
            host.gemm(c, a, b, g);
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
                VERSION);
    }
}
