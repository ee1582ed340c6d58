package org.revtaf.learning.model.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EntityMetricsTest {
    /** P(score of a positive > score of a negative) + 0.5 P(equal), by counting pairs. */
    static double pairs(float[] s, int[] y) {
        double win = 0;
        long n = 0;
        for (int i = 0; i < s.length; i++)
            for (int j = 0; j < s.length; j++)
                if (y[i] == 1 && y[j] == 0) {
                    n++;
                    win += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
        return win / n;
    }

    @Test
    void aurocIsTheMannWhitneyStatisticWithTiesCountedHalf() {
        Random r = new Random(2);
        for (int t = 0; t < 20; t++) {
            int n = 5 + r.nextInt(40);
            float[] s = new float[n];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(6) / 5f; // ties
                y[i] = i < 2 ? i : r.nextInt(2);
            }
            assertEquals(pairs(s, y), EntityMetrics.auroc(s, y), 1e-12);
        }
        assertEquals(1.0, EntityMetrics.auroc(new float[] {0.1f, 0.9f}, new int[] {0, 1}));
        assertTrue(Double.isNaN(EntityMetrics.auroc(new float[] {0.1f, 0.9f}, new int[] {1, 1})));
    }

    @Test
    void meanOverEntitiesWithBothClassesAndPositionAccuracy() {
        int n = 4, m = 75;
        int[][] exist = new int[n][m];
        long[][] pos = new long[n][m];
        for (int[] row : exist) java.util.Arrays.fill(row, -1);
        // entity 8: perfect; entity 9: inverted; entity 10: one class only; the rest without targets
        int[] y8 = {1, 0, 1, 0}, y9 = {1, 1, 0, 0};
        float[] p = new float[n * m];
        int[] top = new int[n * m];
        for (int i = 0; i < n; i++) {
            exist[i][8] = y8[i];
            p[i * m + 8] = y8[i] == 1 ? 0.9f : 0.1f;
            exist[i][9] = y9[i];
            p[i * m + 9] = y9[i] == 1 ? 0.2f : 0.7f;
            exist[i][10] = 1;
            if (y8[i] == 1) pos[i][8] = 1L << 4;
            top[i * m + 8] = i == 0 ? 4 : 5; // right for study 0, wrong for study 2
        }
        TripletTargets[] t = new TripletTargets[n];
        for (int i = 0; i < n; i++) t[i] = new TripletTargets(exist[i], pos[i]);
        EntityMetrics em = EntityMetrics.of(p, top, t);
        assertEquals(0.5, em.meanAuroc(), 1e-12, "(1 + 0) / 2");
        assertEquals(2, em.perEntity().get(8).positives());
        assertTrue(Double.isNaN(em.perEntity().get(10).auroc()));
        assertEquals(0.5, em.positionAccuracy(), 1e-12);
        assertEquals(2, em.positionCount());
        assertTrue(em.table().contains("effusion\t2\t2\t1.0000"), em.table());
        // entity 8 has 2 positives, entity 9 has 2, entity 10 has 4 but no negative
        assertEquals(new EntityMetrics.Mean(0.5, 2), em.meanAuroc(2));
        EntityMetrics.Mean none = em.meanAuroc(3);
        assertEquals(0, none.entities());
        assertTrue(Double.isNaN(none.value()));
    }
}
