package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.bindings.CublasLt;

/**
 * The row-major to column-major mapping the vendor GEMM paths hand to cuBLAS and cuBLASLt ({@link
 * CudaMatmul#columnMajor}, {@link CublasLt#layoutA} ...), checked on the CPU: a column-major
 * strided-batched GEMM that reads only what the shape and the layouts say (element (i, j) of a
 * stored matrix at i + j ld, every index inside its layout, ld at least its rows, as the libraries
 * require) reproduces the row-major result of {@link GemmGeom}'s definition for every transpose,
 * broadcast operand and edge size.
 */
class CudaMatmulLayoutTest {
    /** GemmGeom's definition, row-major. */
    private static float[] rowMajor(GemmGeom g, float[] a, float[] b, float[] c0) {
        float[] c = c0.clone();
        for (int p = 0; p < g.batch(); p++)
            for (int i = 0; i < g.m(); i++)
                for (int j = 0; j < g.n(); j++) {
                    double s = 0;
                    for (int l = 0; l < g.k(); l++) {
                        float x = g.transA() ? a[p * g.strideA() + l * g.m() + i] : a[p * g.strideA() + i * g.k() + l];
                        float y = g.transB() ? b[p * g.strideB() + j * g.k() + l] : b[p * g.strideB() + l * g.n() + j];
                        s += (double) x * y;
                    }
                    int o = p * g.m() * g.n() + i * g.n() + j;
                    c[o] = (float) (g.alpha() * s + g.beta() * c[o]);
                }
        return c;
    }

    /** Stored element (r, col) of problem p of a column-major layout, checked against the layout's bounds. */
    private static float at(float[] data, CublasLt.Layout l, int p, long r, long col) {
        assertTrue(r >= 0 && r < l.rows() && col >= 0 && col < l.cols(), "index outside the layout " + l);
        return data[Math.toIntExact(p * l.stride() + r + col * l.ld())];
    }

    /** D = alpha op(A) op(B) + beta C as cuBLASLt defines it, from the shape and layouts alone. */
    private static float[] columnMajor(CublasLt.Shape s, float alpha, float[] A, float[] B, float beta, float[] C0) {
        CublasLt.Layout la = CublasLt.layoutA(s), lb = CublasLt.layoutB(s), lc = CublasLt.layoutC(s);
        for (CublasLt.Layout l : new CublasLt.Layout[] {la, lb, lc}) {
            assertTrue(l.ld() >= Math.max(1, l.rows()), "ld below rows: " + l);
            assertEquals(s.batch(), l.batch());
        }
        float[] C = C0.clone();
        for (int p = 0; p < s.batch(); p++)
            for (long i = 0; i < s.m(); i++)
                for (long j = 0; j < s.n(); j++) {
                    double sum = 0;
                    for (long l = 0; l < s.k(); l++) {
                        float x = s.transA() ? at(A, la, p, l, i) : at(A, la, p, i, l);
                        float y = s.transB() ? at(B, lb, p, j, l) : at(B, lb, p, l, j);
                        sum += (double) x * y;
                    }
                    int o = Math.toIntExact(p * lc.stride() + i + j * lc.ld());
                    C[o] = (float) (alpha * sum + beta * at(C0, lc, p, i, j));
                }
        return C;
    }

    @Test
    void vendorLayoutsReproduceTheRowMajorProduct() {
        Random r = new Random(7);
        int[][] sizes = {{1, 3, 5, 4}, {3, 4, 2, 7}, {2, 1, 6, 1}, {4, 5, 1, 3}, {1, 1, 1, 1}};
        for (int[] z : sizes)
            for (int t = 0; t < 4; t++)
                for (int share = 0; share < 3; share++) { // 0: none, 1: b shared, 2: a shared
                    int batch = z[0], m = z[1], n = z[2], k = z[3];
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int sa = share == 2 ? 0 : m * k, sb = share == 1 ? 0 : k * n;
                    GemmGeom g = new GemmGeom(batch, m, n, k, ta, tb, sa, sb, 0.5, 0.25);
                    float[] a = random(r, share == 2 ? m * k : batch * m * k),
                            b = random(r, share == 1 ? k * n : batch * k * n);
                    float[] c = random(r, batch * m * n);
                    float[] want = rowMajor(g, a, b, c);
                    // the vendor libraries get b as their A and a as their B (CudaMatmul's operand swap)
                    float[] got = columnMajor(CudaMatmul.columnMajor(g), 0.5f, b, a, 0.25f, c);
                    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5f, g + " at " + i);
                }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
