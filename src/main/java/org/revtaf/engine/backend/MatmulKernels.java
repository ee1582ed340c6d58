package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/** Batched GEMM on contiguous row-major matrices. */
public interface MatmulKernels {
    /**
     * For each of {@code batch} problems: c (m, n) = alpha * op(a) op(b) + beta * c, where op(a) is
     * (m, k) (stored (k, m) when transA) and op(b) is (k, n) (stored (n, k) when transB). Problem i
     * reads a at offset i*strideA and b at i*strideB (0 broadcasts one matrix); c is dense.
     */
    void gemm(Tensor c, Tensor a, Tensor b, GemmGeom geom);
}
