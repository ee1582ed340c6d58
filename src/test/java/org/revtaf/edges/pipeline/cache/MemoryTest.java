package org.revtaf.edges.pipeline.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MemoryTest {
    @Test
    void orthogonalMatricesHaveOrthonormalColumnsOrRows() {
        for (int[] rc : new int[][] {{12, 5}, {5, 12}, {7, 7}}) {
            int r = rc[0], c = rc[1];
            double[] w = Memory.orthogonal(r, c, 9);
            boolean cols = r >= c;
            int n = cols ? c : r;
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++) {
                    double dot = 0;
                    for (int j = 0; j < (cols ? r : c); j++)
                        dot += cols ? w[j * c + a] * w[j * c + b] : w[a * c + j] * w[b * c + j];
                    assertEquals(a == b ? 1 : 0, dot, 1e-9, r + "x" + c + " (" + a + "," + b + ")");
                }
            assertArrayEquals(w, Memory.orthogonal(r, c, 9), "seeded");
        }
    }

    @Test
    void topKIsTheCosineRankingWithTiesToTheLowerIndexAndSelfExcluded() {
        Random rnd = new Random(4);
        int n = 9, ntr = 7, m = 6, k = 3;
        float[] q = new float[n * m], rep = new float[ntr * m];
        for (int i = 0; i < q.length; i++) q[i] = rnd.nextInt(3) / 2f; // many ties
        for (int i = 0; i < rep.length; i++) rep[i] = rnd.nextInt(2);
        Arrays.fill(rep, 2 * m, 3 * m, 0f); // a report without entities: similarity 0
        long[] got = Memory.topK(q, n, rep, ntr, m, k, 0);
        for (int i = 0; i < n; i++) {
            final int row = i;
            double[] sim = new double[ntr];
            for (int r = 0; r < ntr; r++) {
                double dot = 0, a = 0, b = 0;
                for (int j = 0; j < m; j++) {
                    dot += q[row * m + j] * rep[r * m + j];
                    a += q[row * m + j] * q[row * m + j];
                    b += rep[r * m + j] * rep[r * m + j];
                }
                sim[r] = a > 0 && b > 0 ? dot / Math.sqrt(a * b) : 0;
            }
            long[] want = IntStream.range(0, ntr)
                    .filter(r -> r != row)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer r) -> -sim[r]).thenComparingInt(r -> r))
                    .limit(k)
                    .mapToLong(r -> r)
                    .toArray();
            assertArrayEquals(want, Arrays.copyOfRange(got, i * k, i * k + k), "row " + i);
        }
    }

    @Test
    void memoryFeaturesAreTheProjectedMeanOfTheRealSentences() {
        int n = 2, s = 3, dt = 2, dim = 3;
        float[] sentences = {1, 2, 3, 4, 100, 100, 5, 6}; // 4 distinct sentences; the third is used by no report
        long[] grpIdx = {0, 1, -1, 3, 0, -1}; // report 1 shares sentence 0 with report 0
        double[] w = {1, 0, 0, 1, 1, 1};
        float[] f = Memory.features(sentences, grpIdx, n, s, dt, w, dim);
        // means (2, 3) and (3, 4), projected by the rows (1, 0), (0, 1), (1, 1)
        assertArrayEquals(new float[] {2, 3, 5, 3, 4, 7}, f);
    }
}
