package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.Buf;

/**
 * Fast SGEMM on float arrays, row-major: C = alpha * op(A) * op(B) + beta * C (BLAS semantics;
 * beta == 0 overwrites C). Oracle: {@link GemmRef}.
 *
 * <p>Structure (BLIS/GotoBLAS): loops jc (NC columns) > pc (KC depth) > pack B panel (KC x NC, in
 * NR-wide strips) > per thread: ic (MC rows) > pack A block (MC x KC, in MR-tall strips, scaled by
 * alpha) > jr (NR strip) > ir (MR strip) > register-blocked micro-kernel (MR x NR = 12 x 2 vectors,
 * 24 accumulators) on packed panels. Edge tiles run the same kernel into a scratch tile. Threads
 * take independent blocks of C, split by rows or by column strips, whichever repacks less (see
 * {@link #packed}). Tiny products take a direct path.
 *
 * <p>Tuning: system properties revtaf.gemm.kc / .mc / .nc.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Register tile: MR rows x NR columns (two vectors). */
    static final int MR = 12, NR = 2 * L;

    static final int KC = Math.max(1, Integer.getInteger("revtaf.gemm.kc", 256));
    static final int MC = roundUp(Math.max(1, Integer.getInteger("revtaf.gemm.mc", 144)), MR);
    static final int NC = roundUp(Math.max(1, Integer.getInteger("revtaf.gemm.nc", 3072)), NR);

    /**
     * When the threads split the rows, one block each: pack each B panel once for all of them
     * ({@link SharedPanels}; revtaf.gemm.shareb, default false) instead of once per thread. Off by
     * default: on 2 busy Zen 5 cores it was ~1% faster in medians, but its slowest calls were 2x slower
     * (a thread waits for a chunk that a descheduled thread packs), and in one quiet moment the unshared
     * split ran 358 GFLOP/s against 322 (1024^3, one run each). Not final: tests switch it.
     */
    static boolean shareB = Boolean.getBoolean("revtaf.gemm.shareb");

    /** Fewest rows (columns) of C per independent block when there are more blocks than threads. */
    static final int SPLIT_MIN = Math.max(1, Integer.getInteger("revtaf.gemm.split", 512));

    /** Tasks per thread and phase of the parallel packed path (revtaf.gemm.tasks). */
    static final int TASKS_PER_THREAD = Math.max(1, Integer.getInteger("revtaf.gemm.tasks", 4));

    /** m*n*k at or below which the direct (unpacked) path runs. */
    static final long SMALL = 16L * 16 * 16;
    /** m*n*k below which one thread does everything. */
    static final long PARALLEL_MIN = 48L * 48 * 48;

    private static final ThreadLocal<float[]> A_PACK = new ThreadLocal<>();
    private static final ThreadLocal<float[]> B_PACK = new ThreadLocal<>();
    /** Written (rarely) by touchRows so that its cache-line touches are not removed as dead code. */
    @SuppressWarnings("unused")
    private static float sink;

    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private Gemm() {}

    // op(A): (m, k) at a[aOff + i*lda + p] (a[aOff + p*lda + i] when transA)
    // op(B): (k, n) at b[bOff + p*ldb + j] (b[bOff + j*ldb + p] when transB)
    // C: (m, n) at c[cOff + i*ldc + j]
    public static void sgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            Buf.F32 a,
            int lda,
            Buf.F32 b,
            int ldb,
            float beta,
            Buf.F32 c,
            int ldc) {
        float[] aA = Buf.arr(a), bA = Buf.arr(b), cA = Buf.arr(c);
        int aOff = Buf.off(a), bOff = Buf.off(b), cOff = Buf.off(c);
        check(transA, transB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, cA, cOff, ldc);
            return;
        }
        long work = (long) m * n * k;
        if (work <= SMALL) {
            direct(transA, transB, m, n, k, alpha, aA, aOff, lda, bA, bOff, ldb, beta, cA, cOff, ldc);
            return;
        }
        int threads = work >= PARALLEL_MIN && Parallel.available() ? Parallel.threads() : 1;
        packed(transA, transB, m, n, k, alpha, aA, aOff, lda, bA, bOff, ldb, beta, cA, cOff, ldc, threads);
    }

    /**
     * {@code batch} independent GEMMs; product t uses A at aOff + t*strideA, B at bOff + t*strideB,
     * C at cOff + t*strideC. Small products run one per thread, large ones one after another with
     * all threads each.
     */
    public static void sgemmBatched(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            Buf.F32 a,
            int lda,
            long strideA,
            Buf.F32 b,
            int ldb,
            long strideB,
            float beta,
            Buf.F32 c,
            int ldc,
            long strideC,
            int batch) {
        float[] aA = Buf.arr(a), bA = Buf.arr(b), cA = Buf.arr(c);
        int aOff = Buf.off(a), bOff = Buf.off(b), cOff = Buf.off(c);
        if (batch < 0) throw new IllegalArgumentException("gemm: batch < 0: " + batch);
        long work = (long) m * n * k;
        boolean perThread = batch >= Parallel.threads() && work < 256L * 256 * 256;
        Parallel.Range body = (s, e) -> {
            for (int t = s; t < e; t++) {
                sgemm(
                        transA,
                        transB,
                        m,
                        n,
                        k,
                        alpha,
                        new Buf.F32(aA, Math.toIntExact(aOff + t * strideA)),
                        lda,
                        new Buf.F32(bA, Math.toIntExact(bOff + t * strideB)),
                        ldb,
                        beta,
                        new Buf.F32(cA, Math.toIntExact(cOff + t * strideC)),
                        ldc);
            }
        };
        if (perThread) Parallel.range(batch, Math.max(1, (int) (PARALLEL_MIN / Math.max(1, work))), body);
        else body.run(0, batch);
    }

    static void check(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
        if (m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        if (lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n)
            throw new IllegalArgumentException("gemm: leading dimension too small: lda=" + lda + " ldb=" + ldb
                    + " ldc=" + ldc + " for m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB="
                    + transB);
    }

    /** C = beta * C (beta == 0 writes zeros). */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int r = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, r, r + n, 0f);
            else for (int j = 0; j < n; j++) c[r + j] *= beta;
        }
    }

    /** Unpacked path for tiny products: row-wise axpy (or dot for transB). */
    static void direct(
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
        scale(m, n, beta, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (transB) {
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bOff + j * ldb + p];
                } else {
                    int bi = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bi + j];
                }
            }
        }
    }

    /**
     * Source of op(A) for the packed path: writes one MR-row strip, dst[off + p*MR + r] = alpha *
     * A(i0 + r, p0 + p) for r < h, and 0 for h <= r < MR (p < kc). Lets callers such as Conv2d
     * feed a GEMM straight from their own layout (implicit im2col) without a copy.
     */
    @FunctionalInterface
    public interface ASource {
        void pack(int i0, int h, int p0, int kc, float alpha, float[] dst, int off);
    }

    /**
     * Source of op(B) for the packed path: writes one NR-column strip, dst[off + p*NR + x] =
     * B(p0 + p, j0 + x) for x < w, and 0 for w <= x < NR (p < kc).
     */
    @FunctionalInterface
    public interface BSource {
        void pack(int p0, int kc, int j0, int w, float[] dst, int off);
    }

    /** Register tile height of the packed path (rows per A strip). */
    public static int mr() {
        return MR;
    }

    /** Register tile width of the packed path (columns per B strip). */
    public static int nr() {
        return NR;
    }

    /** C = alpha * A * B + beta * C with A and B given as packing sources (always the packed path). */
    public static void sgemm(
            int m, int n, int k, float alpha, ASource a, BSource b, float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0 || ldc < n)
            throw new IllegalArgumentException("gemm: bad sizes m=" + m + " n=" + n + " k=" + k + " ldc=" + ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        long work = (long) m * n * k;
        int threads = work >= PARALLEL_MIN && Parallel.available() ? Parallel.threads() : 1;
        packed(m, n, k, alpha, a, b, beta, c, cOff, ldc, threads, n >= m); // packing costs unknown: the longer side
    }

    static void packed(
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
            int ldc,
            int threads) {
        // Which operand the threads' blocks pack again: op(A) when they split the columns, op(B) when
        // they split the rows. A transposing pack (op(A) of a row-major A, op(B) of a transposed B:
        // strided stores) costs about twice a copying one (in GEMM 1024^3 on Zen 5: A 0.6-0.8 ms, B
        // 0.4 ms), so the columns are split only when m * cost(A) <= n * cost(B).
        boolean byCols = (long) m * (transA ? 1 : 2) <= (long) n * (transB ? 2 : 1);
        packed(
                m,
                n,
                k,
                alpha,
                matrixA(transA, a, aOff, lda),
                matrixB(transB, b, bOff, ldb),
                beta,
                c,
                cOff,
                ldc,
                threads,
                byCols);
    }

    /** {@code byCols}: the threads' blocks split the columns of C (else the rows). */
    static void packed(
            int m,
            int n,
            int k,
            float alpha,
            ASource a,
            BSource b,
            float beta,
            float[] c,
            int cOff,
            int ldc,
            int threads,
            boolean byCols) {
        if (threads == 1) {
            serial(m, k, alpha, a, b, beta, c, cOff, ldc, 0, m, 0, n);
            return;
        }
        // Independent blocks of C, one serial GEMM each (own packed panels, no barrier between depth
        // blocks), split so that the operand every block packs again is the cheaper one (byCols). More
        // blocks than threads balance the load (and a thread the OS holds back loses only a small
        // block), but each block repacks that operand: at least SPLIT_MIN rows (columns) per block
        // keep the repacking under ~1/SPLIT_MIN of the block's arithmetic.
        int tiles = byCols ? (n + NR - 1) / NR : (m + MR - 1) / MR;
        int wanted = Math.min(TASKS_PER_THREAD * threads, (byCols ? n : m) / SPLIT_MIN) / threads * threads;
        int parts = Math.min(tiles, Math.max(threads, wanted));
        if (!byCols && parts == threads && shareB) {
            // one row block per thread, all running at once: the B panels packed together, once
            SharedPanels shared = new SharedPanels(parts, Math.min(KC, k) * Math.min(NC, roundUp(n, NR)));
            Parallel.tasks(parts, t -> {
                int t0 = tiles * t / parts, t1 = tiles * (t + 1) / parts;
                serialShared(m, n, k, alpha, a, b, beta, c, cOff, ldc, t0 * MR, Math.min(m, t1 * MR), shared, t);
            });
            return;
        }
        Parallel.tasks(parts, t -> {
            int t0 = tiles * t / parts, t1 = tiles * (t + 1) / parts;
            if (byCols) serial(m, k, alpha, a, b, beta, c, cOff, ldc, 0, m, t0 * NR, Math.min(n, t1 * NR));
            else serial(m, k, alpha, a, b, beta, c, cOff, ldc, t0 * MR, Math.min(m, t1 * MR), 0, n);
        });
    }

    /** One thread: C[i0, i1) x [j0, j1) = alpha * A B + beta * C over the whole depth. */
    private static void serial(
            int m,
            int k,
            float alpha,
            ASource a,
            BSource b,
            float beta,
            float[] c,
            int cOff,
            int ldc,
            int i0,
            int i1,
            int j0,
            int j1) {
        scale(i1 - i0, j1 - j0, beta, c, cOff + i0 * ldc + j0, ldc);
        float[] bp = buffer(B_PACK, Math.min(KC, k) * Math.min(NC, roundUp(j1 - j0, NR)));
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int strips = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, pc, kc, jc, nc, 0, strips, bp);
                macro(m, alpha, a, bp, c, cOff, ldc, pc, kc, jc, nc, i0, i1, 0, strips);
            }
        }
    }

    /** Task t: rows [i0, i1) of C over all columns, the B panels shared with the other tasks. */
    private static void serialShared(
            int m,
            int n,
            int k,
            float alpha,
            ASource a,
            BSource b,
            float beta,
            float[] c,
            int cOff,
            int ldc,
            int i0,
            int i1,
            SharedPanels shared,
            int t) {
        shared.start(t);
        try {
            scale(i1 - i0, n, beta, c, cOff + i0 * ldc, ldc);
            int step = 0;
            for (int jc = 0; jc < n; jc += NC) {
                int nc = Math.min(NC, n - jc), strips = (nc + NR - 1) / NR;
                for (int pc = 0; pc < k; pc += KC, step++) {
                    int kc = Math.min(KC, k - pc), fjc = jc, fpc = pc;
                    float[] bp =
                            shared.panel(t, step, strips, (s0, s1, dst) -> packB(b, fpc, kc, fjc, nc, s0, s1, dst));
                    if (bp == null) { // too late for the shared buffer: this task packs the panel alone
                        bp = buffer(B_PACK, kc * strips * NR);
                        packB(b, pc, kc, jc, nc, 0, strips, bp);
                    }
                    macro(m, alpha, a, bp, c, cOff, ldc, pc, kc, jc, nc, i0, i1, 0, strips);
                    shared.finished(t, step);
                }
            }
        } finally {
            shared.stop(t);
        }
    }

    /** Rows [i0, i1) x strips [s0, s1) of the current (jc, pc) panel. */
    private static void macro(
            int m,
            float alpha,
            ASource a,
            float[] bp,
            float[] c,
            int cOff,
            int ldc,
            int pc,
            int kc,
            int jc,
            int nc,
            int i0,
            int i1,
            int s0,
            int s1) {
        if (i0 >= i1 || s0 >= s1) return;
        float[] ap = buffer(A_PACK, MC * kc);
        float[] tile = TILE.get();
        // the rows' MR strips in `blocks` blocks of at most MC / MR strips, of nearly equal sizes (1024
        // rows in 144-row blocks would leave a last block of 16 rows that streams the B panel again for
        // two strips)
        int strips = (i1 - i0 + MR - 1) / MR, perBlock = MC / MR, blocks = (strips + perBlock - 1) / perBlock;
        for (int blk = 0, ic = i0; blk < blocks; blk++) {
            int mc = Math.min((int) ((long) strips * (blk + 1) / blocks - (long) strips * blk / blocks) * MR, i1 - ic);
            for (int ir = 0; ir < mc; ir += MR) a.pack(ic + ir, Math.min(MR, mc - ir), pc, kc, alpha, ap, ir * kc);
            for (int s = s0; s < s1; s++) {
                int j = jc + s * NR, w = Math.min(NR, jc + nc - j);
                int bi = s * kc * NR;
                for (int ir = 0; ir < mc; ir += MR) {
                    int h = Math.min(MR, mc - ir);
                    int ci = cOff + (ic + ir) * ldc + j;
                    if (h == MR && w == NR) {
                        kernel(kc, ap, ir * kc, bp, bi, c, ci, ldc, true);
                    } else {
                        java.util.Arrays.fill(tile, 0f);
                        kernel(kc, ap, ir * kc, bp, bi, tile, 0, NR, true);
                        for (int r = 0; r < h; r++) for (int x = 0; x < w; x++) c[ci + r * ldc + x] += tile[r * NR + x];
                    }
                }
            }
            ic += mc;
        }
    }

    /** op(A) of a row-major array as a packing source. */
    public static ASource matrixA(boolean transA, float[] a, int aOff, int lda) {
        if (transA)
            return (i0, h, p0, kc, alpha, dst, off) -> {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0, d = off + p * MR;
                    for (int r = 0; r < h; r++) dst[d + r] = alpha * a[src + r];
                    for (int r = h; r < MR; r++) dst[d + r] = 0f;
                }
            };
        return (i0, h, p0, kc, alpha, dst, off) -> {
            // First one load per cache line of the strip's rows, all independent, so that their misses
            // overlap (the copy below, with its strided stores, keeps only a few lines in flight):
            // in GEMM 1024^3, one thread, this pack took 0.64 ms instead of 0.82-0.85 ms a call.
            touchRows(a, aOff + i0 * lda + p0, lda, h, kc);
            for (int r = 0; r < h; r++) {
                int src = aOff + (i0 + r) * lda + p0;
                for (int p = 0; p < kc; p++) dst[off + p * MR + r] = alpha * a[src + p];
            }
            for (int r = h; r < MR; r++) for (int p = 0; p < kc; p++) dst[off + p * MR + r] = 0f;
        };
    }

    /** op(B) of a row-major array as a packing source. */
    public static BSource matrixB(boolean transB, float[] b, int bOff, int ldb) {
        if (transB)
            return (p0, kc, j0, w, dst, off) -> {
                touchRows(b, bOff + j0 * ldb + p0, ldb, w, kc); // as in matrixA's transposing pack
                for (int x = 0; x < w; x++) {
                    int src = bOff + (j0 + x) * ldb + p0;
                    for (int p = 0; p < kc; p++) dst[off + p * NR + x] = b[src + p];
                }
                if (w < NR)
                    for (int p = 0; p < kc; p++) java.util.Arrays.fill(dst, off + p * NR + w, off + (p + 1) * NR, 0f);
            };
        return (p0, kc, j0, w, dst, off) -> {
            if (w == NR) {
                // two vector copies per row: 3.5x faster in GEMM 1024^3 than System.arraycopy's stub
                // call for 32 floats (B packed in 0.42 ms a call instead of 1.45 ms)
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0, d = off + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                }
                return;
            }
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * ldb + j0, d = off + p * NR;
                System.arraycopy(b, src, dst, d, w);
                java.util.Arrays.fill(dst, d + w, d + NR, 0f);
            }
        };
    }

    /**
     * One load per cache line of rows x[src + r * stride, + len) (r < rows), all independent, so that
     * their misses overlap before a transposing pack reads the rows with its strided stores (which
     * keep only a few lines in flight).
     */
    private static void touchRows(float[] x, int src, int stride, int rows, int len) {
        float touched = 0f;
        for (int r = 0; r < rows; r++) {
            int s = src + r * stride;
            for (int p = 0; p < len; p += 16) touched += x[s + p];
            touched += x[s + len - 1];
        }
        // a use, or C2 drops the loads (a rare write: the threads share the field's cache line)
        if (touched == Float.MIN_VALUE) sink = touched;
    }

    /** Strips [s0, s1) of the (pc, jc) panel: bp[s * kc * NR + p * NR + x] = B[pc + p][jc + s * NR + x]. */
    private static void packB(BSource b, int pc, int kc, int jc, int nc, int s0, int s1, float[] bp) {
        for (int s = s0; s < s1; s++) {
            int j = jc + s * NR;
            b.pack(pc, kc, j, Math.min(NR, jc + nc - j), bp, s * kc * NR);
        }
    }

    /**
     * C[0..MR) x [0..NR) += packed A strip (MR x kc) * packed B strip (kc x NR); with {@code add}
     * false, C = the product (the tile is zeroed first, in L1, rather than a second store path
     * after the loop: that one made C2's code for the loop ~10% slower).
     */
    static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, boolean add) {
        if (!add) zeroTile(c, ci, ldc);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * MR, pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb), b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[pa + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[pa + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[pa + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[pa + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[pa + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[pa + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[pa + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, ap[pa + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, ap[pa + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, ap[pa + 10]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, ap[pa + 11]);
            cb0 = x.fma(b0, cb0);
            cb1 = x.fma(b1, cb1);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c10.add(FloatVector.fromArray(S, c, ci + 1 * ldc)).intoArray(c, ci + 1 * ldc);
        c11.add(FloatVector.fromArray(S, c, ci + 1 * ldc + L)).intoArray(c, ci + 1 * ldc + L);
        c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
        c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L)).intoArray(c, ci + 2 * ldc + L);
        c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
        c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L)).intoArray(c, ci + 3 * ldc + L);
        c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc)).intoArray(c, ci + 4 * ldc);
        c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + L)).intoArray(c, ci + 4 * ldc + L);
        c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc)).intoArray(c, ci + 5 * ldc);
        c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + L)).intoArray(c, ci + 5 * ldc + L);
        c60.add(FloatVector.fromArray(S, c, ci + 6 * ldc)).intoArray(c, ci + 6 * ldc);
        c61.add(FloatVector.fromArray(S, c, ci + 6 * ldc + L)).intoArray(c, ci + 6 * ldc + L);
        c70.add(FloatVector.fromArray(S, c, ci + 7 * ldc)).intoArray(c, ci + 7 * ldc);
        c71.add(FloatVector.fromArray(S, c, ci + 7 * ldc + L)).intoArray(c, ci + 7 * ldc + L);
        c80.add(FloatVector.fromArray(S, c, ci + 8 * ldc)).intoArray(c, ci + 8 * ldc);
        c81.add(FloatVector.fromArray(S, c, ci + 8 * ldc + L)).intoArray(c, ci + 8 * ldc + L);
        c90.add(FloatVector.fromArray(S, c, ci + 9 * ldc)).intoArray(c, ci + 9 * ldc);
        c91.add(FloatVector.fromArray(S, c, ci + 9 * ldc + L)).intoArray(c, ci + 9 * ldc + L);
        ca0.add(FloatVector.fromArray(S, c, ci + 10 * ldc)).intoArray(c, ci + 10 * ldc);
        ca1.add(FloatVector.fromArray(S, c, ci + 10 * ldc + L)).intoArray(c, ci + 10 * ldc + L);
        cb0.add(FloatVector.fromArray(S, c, ci + 11 * ldc)).intoArray(c, ci + 11 * ldc);
        cb1.add(FloatVector.fromArray(S, c, ci + 11 * ldc + L)).intoArray(c, ci + 11 * ldc + L);
    }

    private static void zeroTile(float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        for (int r = 0; r < MR; r++) {
            z.intoArray(c, ci + r * ldc);
            z.intoArray(c, ci + r * ldc + L);
        }
    }

    /** The thread's cached array of at least size floats (grown when too small; contents undefined). */
    static float[] buffer(ThreadLocal<float[]> cache, int size) {
        float[] buf = cache.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            cache.set(buf);
        }
        return buf;
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }
}
