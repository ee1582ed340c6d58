package org.revtaf.backend.cpu.kernels;

/**
 * Plain scalar SGEMM, the oracle of {@link Gemm}: C = alpha * op(A) * op(B) + beta * C, row-major,
 * op(X) = X or X^T. Accumulates each dot product in double. beta == 0 overwrites C (NaN in C is
 * not propagated), as in BLAS.
 */
public final class GemmRef {
    private GemmRef() {}

    // op(A): (m, k) read as a[aOff + i*lda + p] (or a[aOff + p*lda + i] when transA)
    // op(B): (k, n) read as b[bOff + p*ldb + j] (or b[bOff + j*ldb + p] when transB)
    // C: (m, n) at c[cOff + i*ldc + j]
    public static void sgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float beta,
            float[] c,
            int cOff,
            int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * acc + (beta == 0f ? 0.0 : (double) beta * c[ci]));
            }
        }
    }

    /** {@code batch} independent GEMMs; matrix t starts at aOff + t*strideA (same for B and C). */
    public static void sgemmBatched(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOff,
            int lda,
            long strideA,
            float[] b,
            int bOff,
            int ldb,
            long strideB,
            float beta,
            float[] c,
            int cOff,
            int ldc,
            long strideC,
            int batch) {
        for (int t = 0; t < batch; t++) {
            sgemm(
                    transA,
                    transB,
                    m,
                    n,
                    k,
                    alpha,
                    a,
                    (int) (aOff + t * strideA),
                    lda,
                    b,
                    (int) (bOff + t * strideB),
                    ldb,
                    beta,
                    c,
                    (int) (cOff + t * strideC),
                    ldc);
        }
    }
}
