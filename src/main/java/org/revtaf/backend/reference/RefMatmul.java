package org.revtaf.backend.reference;

import org.revtaf.backend.MatmulKernels;
import org.revtaf.tensor.Tensor;

/** Triple-loop GEMM with double accumulation. */
public final class RefMatmul implements MatmulKernels {
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
        double[] av = a.toDoubles(), bv = b.toDoubles();
        double[] cv = beta == 0 ? new double[batch * m * n] : c.toDoubles();
        for (int p = 0; p < batch; p++) {
            int ao = p * strideA, bo = p * strideB, co = p * m * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        double x = transA ? av[ao + q * m + i] : av[ao + i * k + q];
                        double y = transB ? bv[bo + j * k + q] : bv[bo + q * n + j];
                        s += x * y;
                    }
                    cv[co + i * n + j] = alpha * s + (beta == 0 ? 0 : beta * cv[co + i * n + j]);
                }
        }
        c.setDoubles(cv);
    }
}
