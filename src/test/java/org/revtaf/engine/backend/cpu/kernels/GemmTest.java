package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.revtaf.engine.backend.Buf.of;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.reference.RefMatmul;

class GemmTest {
    static float[] rand(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** Runs fast path {@code path} (0 = public entry, 1 = packed single thread, 2 = packed parallel). */
    static void compare(int path, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad) {
        SplittableRandom r = new SplittableRandom(31L * m + 7L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        int aOff = 3, bOff = 5, cOff = 7;
        float[] a = rand(r, aOff + lda * (ta ? k : m) + 1);
        float[] b = rand(r, bOff + ldb * (tb ? n : k) + 1);
        float[] c0 = rand(r, cOff + ldc * m + 1);
        if (beta == 0f) Arrays.fill(c0, cOff, cOff + ldc * (m - 1) + n, Float.NaN); // must be overwritten
        float[] want = c0.clone(), got = c0.clone();
        Checks.ref(
                bufs -> RefMatmul.gemm(
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        alpha,
                        Checks.at(bufs[0], aOff),
                        lda,
                        Checks.at(bufs[1], bOff),
                        ldb,
                        beta,
                        Checks.at(bufs[2], cOff),
                        ldc),
                a,
                b,
                want);
        switch (path) {
            case 0 -> Gemm.sgemm(ta, tb, m, n, k, alpha, of(a, aOff), lda, of(b, bOff), ldb, beta, of(got, cOff), ldc);
            case 1 -> Gemm.packed(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc, 1);
            default ->
                Gemm.packed(
                        ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc, Parallel.threads());
        }
        double tol = 1e-5 * Math.sqrt(k + 1) * 4;
        for (int i = 0; i < got.length; i++) {
            int row = (i - cOff) / ldc, col = (i - cOff) % ldc;
            boolean inside = i >= cOff && row < m && col < n;
            if (!inside) assertEquals(c0[i], got[i], 0f, "gemm wrote outside C at " + i);
            else
                assertEquals(
                        want[i],
                        got[i],
                        tol,
                        "path " + path + " ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k + " at (" + row
                                + "," + col + ")");
        }
    }

    @Test
    void matchesReferenceAtOddShapesAllTransposes() {
        int[][] shapes = {
            {1, 1, 1},
            {1, 17, 5},
            {13, 1, 7},
            {5, 3, 1},
            {12, 32, 16},
            {13, 33, 17},
            {37, 61, 29},
            {24, 64, 300},
            {61, 97, 53},
            {2, 129, 31},
            {100, 7, 3}
        };
        for (int[] s : shapes)
            for (int t = 0; t < 4; t++)
                for (int path = 0; path < 3; path++)
                    compare(path, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, 0f, 0);
    }

    @Test
    void alphaBetaAndStridedLeadingDimensions() {
        for (int t = 0; t < 4; t++) {
            compare(0, (t & 1) != 0, (t & 2) != 0, 29, 47, 41, 0.5f, 1f, 3);
            compare(2, (t & 1) != 0, (t & 2) != 0, 53, 19, 67, -1.5f, 0.25f, 5);
            compare(1, (t & 1) != 0, (t & 2) != 0, 7, 40, 11, 2f, 0f, 1);
        }
        compare(0, false, false, 9, 9, 9, 0f, 0.5f, 0);
        compare(0, false, false, 9, 9, 0, 1f, 2f, 0);
    }

    @Test
    void blockBoundariesOfKcMcNc() {
        // crosses KC (256) and MC and several NR strips, with edges in every dimension
        compare(2, false, false, Gemm.MC + 13, 2 * Gemm.NR + 5, Gemm.KC + 19, 1f, 0f, 0);
        compare(2, true, true, Gemm.MC + 1, Gemm.NR + 1, 2 * Gemm.KC + 1, 1f, 1f, 2);
        compare(1, false, true, 2 * Gemm.MR + 1, 3 * Gemm.NR - 1, Gemm.KC - 1, 1f, 0f, 0);
    }

    /**
     * The parallel path (independent blocks of C: by columns when m * cost(A) <= n * cost(B), a
     * transposing pack costing 2 and a copying one 1, else by rows, so both splits occur among the
     * transposes below; more blocks than threads when the split side has at least 2 * SPLIT_MIN per
     * thread) gives the bits of one thread: every element sums over the depth in the same order.
     */
    @Test
    void parallelBlocksAreBitIdenticalToOneThread() {
        int[][] shapes = {
            {37, 61, 29}, // by columns (by rows in NN), one block per thread
            {61, 37, 300}, // by rows, across KC
            {4 * Gemm.SPLIT_MIN + 7, 24, 40}, // by rows, more blocks than threads (with 2 threads)
            {20, 4 * Gemm.SPLIT_MIN + 5, 40}, // by columns, more blocks than threads
            {Gemm.MC + 13, Gemm.NC + 3 * Gemm.NR + 1, 17} // rows and columns crossing MC and NC
        };
        int threads = Parallel.threads();
        try {
            for (int[] s : shapes)
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int m = s[0], n = s[1], k = s[2];
                    SplittableRandom r = new SplittableRandom(m + 3L * n + 7L * k + t);
                    float[] a = rand(r, m * k), b = rand(r, k * n), c0 = rand(r, m * n);
                    float[] one = c0.clone(), blocks = c0.clone();
                    int lda = ta ? m : k, ldb = tb ? k : n;
                    Gemm.packed(ta, tb, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, 0.5f, one, 0, n, 1);
                    for (int p : new int[] {2, 3}) {
                        Parallel.setThreads(p);
                        System.arraycopy(c0, 0, blocks, 0, c0.length);
                        Gemm.packed(ta, tb, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, 0.5f, blocks, 0, n, p);
                        String what = p + " threads, m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb;
                        assertArrayEquals(one, blocks, "blocks, " + what);
                    }
                }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /**
     * The row split with shared B panels (SharedPanels) when its tasks do not run at once: a GEMM
     * called from inside a task runs its tasks one after another, so the second finds the panel
     * buffers already holding later depth blocks and must pack the earlier ones alone; and when they
     * do run at once, on 2 and 3 threads. Both give the bits of one thread.
     */
    @Test
    void sharedPanelsOfARowSplitMatchOneThreadAlsoWhenTasksRunInTurn() {
        int m = 61, n = 2 * Gemm.NR + 3, k = 3 * Gemm.KC + 5; // NN, m * 2 > n: rows; 4 depth blocks
        SplittableRandom r = new SplittableRandom(11);
        float[] a = rand(r, m * k), b = rand(r, k * n), c0 = rand(r, m * n);
        float[] one = c0.clone();
        Gemm.packed(false, false, m, n, k, 1.5f, a, 0, k, b, 0, n, 0.5f, one, 0, n, 1);
        boolean shareB = Gemm.shareB;
        Gemm.shareB = true; // off by default
        try {
            sharedPanels(m, n, k, a, b, c0, one);
        } finally {
            Gemm.shareB = shareB;
        }
    }

    private static void sharedPanels(int m, int n, int k, float[] a, float[] b, float[] c0, float[] one) {
        float[] inTurn = c0.clone();
        boolean[] nested = new boolean[1];
        Parallel.tasks(2, i -> {
            if (i != 0) return;
            nested[0] = !Parallel.available(); // inside a task: nested calls run serially
            Gemm.packed(false, false, m, n, k, 1.5f, a, 0, k, b, 0, n, 0.5f, inTurn, 0, n, 2);
        });
        if (Parallel.threads() > 1) assertEquals(true, nested[0], "the GEMM ran inside a task");
        assertArrayEquals(one, inTurn, "tasks in turn");
        int threads = Parallel.threads();
        try {
            for (int p : new int[] {2, 3}) {
                Parallel.setThreads(p);
                for (int rep = 0; rep < 20; rep++) { // tasks racing for the chunks and buffers
                    float[] together = c0.clone();
                    Gemm.packed(false, false, m, n, k, 1.5f, a, 0, k, b, 0, n, 0.5f, together, 0, n, p);
                    assertArrayEquals(one, together, p + " threads, call " + rep);
                }
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void batchedMatchesReference() {
        SplittableRandom r = new SplittableRandom(5);
        int m = 9, n = 21, k = 13, batch = 5;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] a = rand(r, m * k * batch + 2), b = rand(r, k * n * batch), c = new float[m * n * batch + 4];
            float[] want = c.clone();
            Gemm.sgemmBatched(
                    ta, tb, m, n, k, 1f, of(a, 2), lda, m * k, of(b), ldb, k * n, 0f, of(c, 4), n, m * n, batch);
            refBatched(ta, tb, m, n, k, a, 2, lda, m * k, b, 0, ldb, k * n, want, 4, n, m * n, batch);
            for (int i = 0; i < c.length; i++) assertEquals(want[i], c[i], 1e-5f);
        }
        // shared B (stride 0), larger products run one after another
        float[] a = rand(r, 2 * 70 * 80), b = rand(r, 80 * 90), c = new float[2 * 70 * 90], want = c.clone();
        Gemm.sgemmBatched(false, false, 70, 90, 80, 1f, of(a), 80, 70 * 80, of(b), 90, 0, 0f, of(c), 90, 70 * 90, 2);
        refBatched(false, false, 70, 90, 80, a, 0, 80, 70 * 80, b, 0, 90, 0, want, 0, 90, 70 * 90, 2);
        for (int i = 0; i < c.length; i++) assertEquals(want[i], c[i], 1e-4f);
    }

    @Test
    void rejectsBadLeadingDimension() {
        float[] x = new float[100];
        assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 4, 5, 6, 1f, of(x), 5, of(x), 5, 0f, of(x), 5));
    }

    /** The oracle once per product of a batch (alpha 1, beta 0). */
    private static void refBatched(
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            int strideA,
            float[] b,
            int bOff,
            int ldb,
            int strideB,
            float[] c,
            int cOff,
            int ldc,
            int strideC,
            int batch) {
        Checks.ref(
                bufs -> {
                    for (int t = 0; t < batch; t++)
                        RefMatmul.gemm(
                                ta,
                                tb,
                                m,
                                n,
                                k,
                                1,
                                Checks.at(bufs[0], aOff + t * strideA),
                                lda,
                                Checks.at(bufs[1], bOff + t * strideB),
                                ldb,
                                0,
                                Checks.at(bufs[2], cOff + t * strideC),
                                ldc);
                },
                a,
                b,
                c);
    }
}
