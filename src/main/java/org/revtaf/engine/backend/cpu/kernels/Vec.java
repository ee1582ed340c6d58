package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.Buf;

/**
 * Float vector primitives (Vector API, scalar tail) of the fused cpu kernels: row reductions, the
 * sequential tile GEMMs of flash attention, and thin wrappers over the project SGEMM ({@link
 * Gemm}). {@code -Drevtaf.vectorBits=0} forces the scalar path ({@link #bound} is then 0, so every
 * loop runs its scalar tail); 128/256/512 pick that vector width.
 */
final class Vec {
    private Vec() {}

    static final VectorSpecies<Float> S = species();
    static final int L = S.length();
    private static final boolean SCALAR = Integer.getInteger("revtaf.vectorBits", -1) == 0;

    private static VectorSpecies<Float> species() {
        int bits = Integer.getInteger("revtaf.vectorBits", -1);
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    /** Whether {@code -Drevtaf.vectorBits=0} forced the scalar path. */
    static boolean scalar() {
        return SCALAR;
    }

    /** Upper bound of the vector loop over len elements (0 in forced-scalar mode). */
    static int bound(int len) {
        return SCALAR ? 0 : S.loopBound(len);
    }

    static float dot(float[] a, int ao, float[] b, int bo, int len) {
        int k = 0, ub = bound(len);
        FloatVector acc = FloatVector.zero(S);
        for (; k < ub; k += L) acc = FloatVector.fromArray(S, a, ao + k).fma(FloatVector.fromArray(S, b, bo + k), acc);
        float s = VecMath.sum(acc);
        for (; k < len; k++) s += a[ao + k] * b[bo + k];
        return s;
    }

    /** y[yo..] += alpha * x[xo..]. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int len) {
        int k = 0, ub = bound(len);
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; k < ub; k += L)
            FloatVector.fromArray(S, x, xo + k)
                    .fma(va, FloatVector.fromArray(S, y, yo + k))
                    .intoArray(y, yo + k);
        for (; k < len; k++) y[yo + k] += alpha * x[xo + k];
    }

    /** out = a * x + b * y (out may alias x or y). y may be null when b == 0. */
    static void lincomb(float[] out, int oo, float a, float[] x, int xo, float b, float[] y, int yo, int len) {
        int k = 0, ub = bound(len);
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        if (y == null) {
            for (; k < ub; k += L) FloatVector.fromArray(S, x, xo + k).mul(va).intoArray(out, oo + k);
            for (; k < len; k++) out[oo + k] = a * x[xo + k];
            return;
        }
        for (; k < ub; k += L)
            FloatVector.fromArray(S, x, xo + k)
                    .mul(va)
                    .add(FloatVector.fromArray(S, y, yo + k).mul(vb))
                    .intoArray(out, oo + k);
        for (; k < len; k++) out[oo + k] = a * x[xo + k] + b * y[yo + k];
    }

    /** C [n, m] = A [n, d] B^T (B [m, d]), all row-major contiguous: the project SGEMM (parallel). */
    static void gemmABt(float[] c, int co, float[] a, int ao, float[] b, int bo, int n, int m, int d) {
        Gemm.sgemm(false, true, n, m, d, 1f, new Buf.F32(a, ao), d, new Buf.F32(b, bo), d, 0f, new Buf.F32(c, co), m);
    }

    private static void abtBlock(
            float[] c, int co, float[] a, int ao, float[] b, int bo, int i0, int i1, int j0, int j1, int m, int d) {
        int ub = bound(d);
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int a0 = ao + i * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
            int j = j0;
            for (; j + 2 <= j1; j += 2) {
                int b0 = bo + j * d, b1 = b0 + d;
                FloatVector c00 = FloatVector.zero(S),
                        c01 = c00,
                        c10 = c00,
                        c11 = c00,
                        c20 = c00,
                        c21 = c00,
                        c30 = c00,
                        c31 = c00;
                int k = 0;
                for (; k < ub; k += L) {
                    FloatVector vb0 = FloatVector.fromArray(S, b, b0 + k), vb1 = FloatVector.fromArray(S, b, b1 + k);
                    FloatVector va = FloatVector.fromArray(S, a, a0 + k);
                    c00 = va.fma(vb0, c00);
                    c01 = va.fma(vb1, c01);
                    va = FloatVector.fromArray(S, a, a1 + k);
                    c10 = va.fma(vb0, c10);
                    c11 = va.fma(vb1, c11);
                    va = FloatVector.fromArray(S, a, a2 + k);
                    c20 = va.fma(vb0, c20);
                    c21 = va.fma(vb1, c21);
                    va = FloatVector.fromArray(S, a, a3 + k);
                    c30 = va.fma(vb0, c30);
                    c31 = va.fma(vb1, c31);
                }
                float s00 = VecMath.sum(c00), s01 = VecMath.sum(c01);
                float s10 = VecMath.sum(c10), s11 = VecMath.sum(c11);
                float s20 = VecMath.sum(c20), s21 = VecMath.sum(c21);
                float s30 = VecMath.sum(c30), s31 = VecMath.sum(c31);
                for (; k < d; k++) {
                    float vb0 = b[b0 + k], vb1 = b[b1 + k];
                    s00 += a[a0 + k] * vb0;
                    s01 += a[a0 + k] * vb1;
                    s10 += a[a1 + k] * vb0;
                    s11 += a[a1 + k] * vb1;
                    s20 += a[a2 + k] * vb0;
                    s21 += a[a2 + k] * vb1;
                    s30 += a[a3 + k] * vb0;
                    s31 += a[a3 + k] * vb1;
                }
                int r = co + i * m + j;
                c[r] = s00;
                c[r + 1] = s01;
                c[r + m] = s10;
                c[r + m + 1] = s11;
                c[r + 2 * m] = s20;
                c[r + 2 * m + 1] = s21;
                c[r + 3 * m] = s30;
                c[r + 3 * m + 1] = s31;
            }
            for (; j < j1; j++)
                for (int r = 0; r < 4; r++) c[co + (i + r) * m + j] = dot(a, ao + (i + r) * d, b, bo + j * d, d);
        }
        for (; i < i1; i++) for (int j = j0; j < j1; j++) c[co + i * m + j] = dot(a, ao + i * d, b, bo + j * d, d);
    }

    /** Sequential C [n, m] (row stride ldc) = A [n, d] B^T (B [m, d]); rows of A and B have stride d. */
    static void gemmABtSeq(float[] c, int co, int ldc, float[] a, int ao, float[] b, int bo, int n, int m, int d) {
        abtBlock(c, co, a, ao, b, bo, 0, n, 0, m, ldc, d);
    }

    /**
     * Sequential C [n, d] += A [n, k] B [k, d], with row strides ldc, lda, ldb: 4 rows of C per
     * register block, A entries broadcast, one B row vector loaded per 4 FMAs.
     */
    static void gemmABAcc(
            float[] c, int co, int ldc, float[] a, int ao, int lda, float[] b, int bo, int ldb, int n, int k, int d) {
        int ub = bound(d);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int c0 = co + i * ldc, a0 = ao + i * lda;
            int col = 0;
            for (; col < ub; col += L) {
                FloatVector s0 = FloatVector.fromArray(S, c, c0 + col),
                        s1 = FloatVector.fromArray(S, c, c0 + ldc + col);
                FloatVector s2 = FloatVector.fromArray(S, c, c0 + 2 * ldc + col);
                FloatVector s3 = FloatVector.fromArray(S, c, c0 + 3 * ldc + col);
                for (int j = 0; j < k; j++) {
                    FloatVector vb = FloatVector.fromArray(S, b, bo + j * ldb + col);
                    s0 = vb.fma(FloatVector.broadcast(S, a[a0 + j]), s0);
                    s1 = vb.fma(FloatVector.broadcast(S, a[a0 + lda + j]), s1);
                    s2 = vb.fma(FloatVector.broadcast(S, a[a0 + 2 * lda + j]), s2);
                    s3 = vb.fma(FloatVector.broadcast(S, a[a0 + 3 * lda + j]), s3);
                }
                s0.intoArray(c, c0 + col);
                s1.intoArray(c, c0 + ldc + col);
                s2.intoArray(c, c0 + 2 * ldc + col);
                s3.intoArray(c, c0 + 3 * ldc + col);
            }
            for (; col < d; col++)
                for (int r = 0; r < 4; r++) {
                    float acc = c[c0 + r * ldc + col];
                    for (int j = 0; j < k; j++) acc += a[a0 + r * lda + j] * b[bo + j * ldb + col];
                    c[c0 + r * ldc + col] = acc;
                }
        }
        for (; i < n; i++)
            for (int j = 0; j < k; j++) {
                float aij = a[ao + i * lda + j];
                if (aij != 0f) axpy(aij, b, bo + j * ldb, c, co + i * ldc, d);
            }
    }

    /**
     * Sequential C [n, m] = A [n, k] B [k, m] (acc false) or C += A B (acc true), with A read
     * through two strides, A[r, t] = a[ao + r * ars + t * ats] (ars = lda, ats = 1 for a row-major
     * A; ars = 1, ats = lda for the transpose of a row-major block), B and C row-major with row
     * strides ldb, ldc. Entries of A are broadcast and rows of B loaded as vectors, so no
     * horizontal reduction: the small-head-dim attention tiles ({@link AttentionLanes}). Register
     * blocks of 4 rows x 2 vectors, then 4 x 1 (8 x 1 when m is one vector); columns past the last whole vector are scalar
     * (Math.fma, the same rounding as the lanes). Vector path only (the caller picks another kernel
     * when {@link #scalar}).
     */
    static void gemmBcast(
            float[] c,
            int co,
            int ldc,
            boolean acc,
            float[] a,
            int ao,
            int ars,
            int ats,
            float[] b,
            int bo,
            int ldb,
            int n,
            int k,
            int m) {
        int full = S.loopBound(m);
        int i = 0;
        if (full == L) // one vector of columns (head dim or key tile = L): 8 rows for 8 independent FMA chains
        for (; i + 8 <= n; i += 8) bcast8x1(c, co + i * ldc, ldc, acc, a, ao + i * ars, ars, ats, b, bo, ldb, k);
        for (; i + 4 <= n; i += 4) {
            int a0 = ao + i * ars, c0 = co + i * ldc;
            int col = 0;
            for (; col + 2 * L <= full; col += 2 * L)
                bcast4x2(c, c0 + col, ldc, acc, a, a0, ars, ats, b, bo + col, ldb, k);
            for (; col < full; col += L) bcast4x1(c, c0 + col, ldc, acc, a, a0, ars, ats, b, bo + col, ldb, k);
        }
        for (; i < n; i++) {
            int a0 = ao + i * ars, c0 = co + i * ldc;
            for (int col = 0; col < full; col += L) {
                FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0 + col) : FloatVector.zero(S);
                for (int t = 0; t < k; t++)
                    s0 = FloatVector.fromArray(S, b, bo + t * ldb + col)
                            .fma(FloatVector.broadcast(S, a[a0 + t * ats]), s0);
                s0.intoArray(c, c0 + col);
            }
        }
        for (int col = full; col < m; col++) // scalar tail columns, every row
        for (int r = 0; r < n; r++) {
                int a0 = ao + r * ars;
                float s0 = acc ? c[co + r * ldc + col] : 0f;
                for (int t = 0; t < k; t++) s0 = Math.fma(a[a0 + t * ats], b[bo + t * ldb + col], s0);
                c[co + r * ldc + col] = s0;
            }
    }

    /** 4 rows x 2 vectors of {@link #gemmBcast}; c, b at the block's first column. */
    private static void bcast4x2(
            float[] c,
            int c0,
            int ldc,
            boolean acc,
            float[] a,
            int a0,
            int ars,
            int ats,
            float[] b,
            int b0,
            int ldb,
            int k) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = acc ? FloatVector.fromArray(S, c, c0) : z,
                s01 = acc ? FloatVector.fromArray(S, c, c0 + L) : z;
        FloatVector s10 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : z;
        FloatVector s11 = acc ? FloatVector.fromArray(S, c, c0 + ldc + L) : z;
        FloatVector s20 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : z;
        FloatVector s21 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc + L) : z;
        FloatVector s30 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : z;
        FloatVector s31 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc + L) : z;
        for (int t = 0; t < k; t++) {
            int bt = b0 + t * ldb, at = a0 + t * ats;
            FloatVector vb0 = FloatVector.fromArray(S, b, bt), vb1 = FloatVector.fromArray(S, b, bt + L);
            FloatVector x = FloatVector.broadcast(S, a[at]);
            s00 = vb0.fma(x, s00);
            s01 = vb1.fma(x, s01);
            x = FloatVector.broadcast(S, a[at + ars]);
            s10 = vb0.fma(x, s10);
            s11 = vb1.fma(x, s11);
            x = FloatVector.broadcast(S, a[at + 2 * ars]);
            s20 = vb0.fma(x, s20);
            s21 = vb1.fma(x, s21);
            x = FloatVector.broadcast(S, a[at + 3 * ars]);
            s30 = vb0.fma(x, s30);
            s31 = vb1.fma(x, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + L);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + L);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + L);
    }

    /** 8 rows x 1 vector of {@link #gemmBcast}. */
    private static void bcast8x1(
            float[] c,
            int c0,
            int ldc,
            boolean acc,
            float[] a,
            int a0,
            int ars,
            int ats,
            float[] b,
            int b0,
            int ldb,
            int k) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : z,
                s1 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : z;
        FloatVector s2 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : z;
        FloatVector s3 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : z;
        FloatVector s4 = acc ? FloatVector.fromArray(S, c, c0 + 4 * ldc) : z;
        FloatVector s5 = acc ? FloatVector.fromArray(S, c, c0 + 5 * ldc) : z;
        FloatVector s6 = acc ? FloatVector.fromArray(S, c, c0 + 6 * ldc) : z;
        FloatVector s7 = acc ? FloatVector.fromArray(S, c, c0 + 7 * ldc) : z;
        for (int t = 0; t < k; t++) {
            int at = a0 + t * ats;
            FloatVector vb = FloatVector.fromArray(S, b, b0 + t * ldb);
            s0 = vb.fma(FloatVector.broadcast(S, a[at]), s0);
            s1 = vb.fma(FloatVector.broadcast(S, a[at + ars]), s1);
            s2 = vb.fma(FloatVector.broadcast(S, a[at + 2 * ars]), s2);
            s3 = vb.fma(FloatVector.broadcast(S, a[at + 3 * ars]), s3);
            s4 = vb.fma(FloatVector.broadcast(S, a[at + 4 * ars]), s4);
            s5 = vb.fma(FloatVector.broadcast(S, a[at + 5 * ars]), s5);
            s6 = vb.fma(FloatVector.broadcast(S, a[at + 6 * ars]), s6);
            s7 = vb.fma(FloatVector.broadcast(S, a[at + 7 * ars]), s7);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + ldc);
        s2.intoArray(c, c0 + 2 * ldc);
        s3.intoArray(c, c0 + 3 * ldc);
        s4.intoArray(c, c0 + 4 * ldc);
        s5.intoArray(c, c0 + 5 * ldc);
        s6.intoArray(c, c0 + 6 * ldc);
        s7.intoArray(c, c0 + 7 * ldc);
    }

    /** 4 rows x 1 vector of {@link #gemmBcast}. */
    private static void bcast4x1(
            float[] c,
            int c0,
            int ldc,
            boolean acc,
            float[] a,
            int a0,
            int ars,
            int ats,
            float[] b,
            int b0,
            int ldb,
            int k) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : z,
                s1 = acc ? FloatVector.fromArray(S, c, c0 + ldc) : z;
        FloatVector s2 = acc ? FloatVector.fromArray(S, c, c0 + 2 * ldc) : z;
        FloatVector s3 = acc ? FloatVector.fromArray(S, c, c0 + 3 * ldc) : z;
        for (int t = 0; t < k; t++) {
            int at = a0 + t * ats;
            FloatVector vb = FloatVector.fromArray(S, b, b0 + t * ldb);
            s0 = vb.fma(FloatVector.broadcast(S, a[at]), s0);
            s1 = vb.fma(FloatVector.broadcast(S, a[at + ars]), s1);
            s2 = vb.fma(FloatVector.broadcast(S, a[at + 2 * ars]), s2);
            s3 = vb.fma(FloatVector.broadcast(S, a[at + 3 * ars]), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + ldc);
        s2.intoArray(c, c0 + 2 * ldc);
        s3.intoArray(c, c0 + 3 * ldc);
    }

    /** out [len] = exp(x [len] - shift), in place allowed. */
    static void expShift(float[] out, int oo, float[] x, int xo, float shift, int len) {
        int k = 0, ub = bound(len);
        for (; k < ub; k += L)
            VecMath.exp(FloatVector.fromArray(S, x, xo + k).sub(shift)).intoArray(out, oo + k);
        for (; k < len; k++) out[oo + k] = (float) Math.exp(x[xo + k] - shift);
    }

    /** C [n, d] = A [n, m] B [m, d] (C overwritten): the project SGEMM. */
    static void gemmAB(float[] c, int co, float[] a, int ao, float[] b, int bo, int n, int m, int d) {
        Gemm.sgemm(false, false, n, d, m, 1f, new Buf.F32(a, ao), m, new Buf.F32(b, bo), d, 0f, new Buf.F32(c, co), d);
    }

    /** C [m, d] = A^T B with A [n, m], B [n, d] (C overwritten): the project SGEMM. */
    static void gemmAtB(float[] c, int co, float[] a, int ao, float[] b, int bo, int n, int m, int d) {
        Gemm.sgemm(true, false, m, d, n, 1f, new Buf.F32(a, ao), m, new Buf.F32(b, bo), d, 0f, new Buf.F32(c, co), d);
    }
}
