package org.revtaf.learning.model.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The book transforms: ZCA whitening and the Jacobi eigen-solver under it, standardising. */
class BookTransformsTest {
    @Test
    void jacobiDiagonalisesASymmetricMatrix() {
        int d = 9;
        Random r = new Random(5);
        double[][] a = new double[d][d], copy = new double[d][d];
        for (int i = 0; i < d; i++) for (int j = i; j < d; j++) a[i][j] = a[j][i] = r.nextGaussian();
        for (int i = 0; i < d; i++) copy[i] = a[i].clone();
        double[][] v = new double[d][d];
        double[] lambda = BookTransforms.jacobi(a, v);
        for (int k = 0; k < d; k++) // A v_k = lambda_k v_k, |v_k| = 1
        for (int i = 0; i < d; i++) {
                double av = 0;
                for (int j = 0; j < d; j++) av += copy[i][j] * v[j][k];
                assertEquals(lambda[k] * v[i][k], av, 1e-9, "eigenpair " + k + ", row " + i);
            }
        for (int k = 0; k < d; k++)
            for (int l = 0; l < d; l++) {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += v[i][k] * v[i][l];
                assertEquals(k == l ? 1 : 0, dot, 1e-9);
            }
    }

    /**
     * 75 rows in 16 dimensions that vary mostly along two directions (near-parallel, as the tiny
     * text encoder's): after whitening they are centred with identity covariance, and the largest
     * cosine between two rows drops.
     */
    @Test
    void whitenedRowsAreCentredWithIdentityCovariance() {
        int n = 75, d = 16;
        Random r = new Random(9);
        float[] rows = new float[n * d];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian() * 3, b = r.nextGaussian() * 2;
            for (int j = 0; j < d; j++)
                rows[i * d + j] = (float) (3 + a * (j % 2) + b * (j % 3 == 0 ? 1 : -0.5) + 0.5 * r.nextGaussian());
        }
        double before = maxCosine(rows, n, d);
        BookTransforms.whiten(rows, n, d);
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += rows[i * d + j];
            assertEquals(0, mean / n, 1e-4, "mean of column " + j);
            for (int l = 0; l < d; l++) {
                double c = 0;
                for (int i = 0; i < n; i++) c += rows[i * d + j] * rows[i * d + l];
                assertEquals(j == l ? 1 : 0, c / n, 2e-3, "covariance (" + j + ", " + l + ")");
            }
        }
        double after = maxCosine(rows, n, d);
        assertTrue(after < before, "largest cosine " + before + " -> " + after);
    }

    private static double maxCosine(float[] x, int n, int d) {
        double best = -1;
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++) {
                double s = 0, a = 0, b = 0;
                for (int j = 0; j < d; j++) {
                    s += x[i * d + j] * x[k * d + j];
                    a += x[i * d + j] * x[i * d + j];
                    b += x[k * d + j] * x[k * d + j];
                }
                best = Math.max(best, s / Math.sqrt(a * b));
            }
        return best;
    }

    /** Standardising centres every column and scales all entries by one factor to unit variance. */
    @Test
    void standardisedRowsAreCentredWithUnitEntryVariance() {
        int n = 51, d = 8;
        Random r = new Random(4);
        float[] rows = new float[n * d];
        for (int i = 0; i < rows.length; i++) rows[i] = (float) (2 + 3 * r.nextGaussian() * (1 + i % d));
        float[] before = rows.clone();
        BookTransforms.apply(org.revtaf.edges.config.FoundationConfig.Books.STANDARDIZE, rows, n, d);
        double var = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += rows[i * d + j];
            assertEquals(0, mean / n, 1e-5, "mean of column " + j);
        }
        for (float v : rows) var += v * v;
        assertEquals(1, var / rows.length, 1e-5);
        // one scale for all entries: column spreads keep their ratios
        assertEquals(
                spread(before, n, d, 7) / spread(before, n, d, 0), spread(rows, n, d, 7) / spread(rows, n, d, 0), 1e-4);
        float[] raw = before.clone();
        BookTransforms.apply(org.revtaf.edges.config.FoundationConfig.Books.RAW, raw, n, d);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, raw);
    }

    private static double spread(float[] x, int n, int d, int col) {
        double m = 0, s = 0;
        for (int i = 0; i < n; i++) m += x[i * d + col] / n;
        for (int i = 0; i < n; i++) s += (x[i * d + col] - m) * (x[i * d + col] - m);
        return Math.sqrt(s / n);
    }
}
