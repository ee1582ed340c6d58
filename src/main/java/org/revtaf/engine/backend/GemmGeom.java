package org.revtaf.engine.backend;

/**
 * A batched GEMM: for each of {@code batch} problems c (m, n) = alpha op(a) op(b) + beta c, op(a)
 * (m, k) stored (k, m) when transA, op(b) (k, n) stored (n, k) when transB; problem i reads a at
 * i*strideA and b at i*strideB (0 broadcasts one matrix); c is dense.
 */
public record GemmGeom(
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
    /** One c = a b (no transposes, alpha 1, beta 0). */
    public static GemmGeom of(int m, int n, int k) {
        return new GemmGeom(1, m, n, k, false, false, 0, 0, 1, 0);
    }
}
