package org.revtaf.engine.backend.reference;

import static org.revtaf.engine.backend.reference.Staging.run;

import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.backend.MatmulKernels;
import org.revtaf.engine.tensor.Tensor;

/**
 * GEMM: the double oracle (triple loop, the signature of the cpu kernel {@code Gemm.sgemm}) and the
 * reference backend's batched kernel on it.
 */
public final class RefMatmul implements MatmulKernels {
    @Override
    public void gemm(Tensor c, Tensor a, Tensor b, GemmGeom geom) {
        run(s -> {
            Buf.F64 av = s.in(a), bv = s.in(b), cv = s.out(c);
            for (int t = 0; t < geom.batch(); t++)
                gemm(
                        geom.transA(),
                        geom.transB(),
                        geom.m(),
                        geom.n(),
                        geom.k(),
                        geom.alpha(),
                        new Buf.F64(av.a(), av.off() + t * geom.strideA()),
                        geom.transA() ? geom.m() : geom.k(),
                        new Buf.F64(bv.a(), bv.off() + t * geom.strideB()),
                        geom.transB() ? geom.k() : geom.n(),
                        geom.beta(),
                        new Buf.F64(cv.a(), cv.off() + t * geom.m() * geom.n()),
                        geom.n());
        });
    }

    /**
     * C (m, n) = alpha op(A) op(B) + beta C, row-major: op(A) (m, k) read at a[i*lda + p] (a[p*lda +
     * i] when transA), op(B) (k, n) at b[p*ldb + j] (b[j*ldb + p] when transB), C at c[i*ldc + j].
     * beta == 0 overwrites C (NaN in C is not propagated), as in BLAS.
     */
    public static void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double alpha,
            Buf.F64 a,
            int lda,
            Buf.F64 b,
            int ldb,
            double beta,
            Buf.F64 c,
            int ldc) {
        double[] aA = a.a(), bA = b.a(), cA = c.a();
        int aOff = a.off(), bOff = b.off(), cOff = c.off();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? aA[aOff + p * lda + i] : aA[aOff + i * lda + p];
                    double bv = transB ? bA[bOff + j * ldb + p] : bA[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                cA[ci] = alpha * acc + (beta == 0 ? 0.0 : beta * cA[ci]);
            }
    }
}
