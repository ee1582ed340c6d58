package org.revtaf.learning.model.foundation;

import org.revtaf.edges.config.FoundationConfig;

/**
 * What is done to a book of text embeddings (the entity descriptions' or the position phrases')
 * before it becomes the entity decoder's queries or the position candidates ({@code
 * foundation.decoder.standardize_books / whiten_books}): nothing, standardising (centred, one scale
 * for all entries), or ZCA whitening (centred, then multiplied by C^{-1/2}, C the rows' covariance
 * with eigenvalues floored at a small share of the largest, so the book's directions have equal
 * variance and the entities' queries differ along every direction the text encoder separates them
 * in, not mostly along the few it uses most).
 */
final class BookTransforms {
    private BookTransforms() {}

    /** Transforms the n rows (n x d) in place as {@code kind} says. */
    static void apply(FoundationConfig.Books kind, float[] rows, int n, int d) {
        switch (kind) {
            case RAW -> {}
            case STANDARDIZE -> standardize(rows, n, d);
            case WHITEN -> whiten(rows, n, d);
        }
    }

    /** Centres the n rows (n x d) on their mean and scales them so that the entries have unit variance. */
    static void standardize(float[] rows, int n, int d) {
        double[][] x = centred(rows, n, d);
        double var = 0;
        for (double[] r : x) for (double c : r) var += c * c;
        double scale = var > 0 ? 1 / Math.sqrt(var / ((double) n * d)) : 1;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) rows[i * d + j] = (float) (x[i][j] * scale);
    }

    /** Whitens the n rows (n x d) in place. */
    static void whiten(float[] rows, int n, int d) {
        double[][] x = centred(rows, n, d);
        double[][] c = new double[d][d];
        for (double[] r : x) for (int a = 0; a < d; a++) for (int b = a; b < d; b++) c[a][b] += r[a] * r[b] / n;
        for (int a = 0; a < d; a++) for (int b = 0; b < a; b++) c[a][b] = c[b][a];
        double[][] v = new double[d][d];
        double[] lambda = jacobi(c, v);
        double max = 0;
        for (double l : lambda) max = Math.max(max, l);
        double floor = Math.max(max * 1e-3, 1e-12);
        // W = V diag(1 / sqrt(max(lambda, floor))) V^T
        double[][] w = new double[d][d];
        for (int k = 0; k < d; k++) {
            double s = 1 / Math.sqrt(Math.max(lambda[k], floor));
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) w[a][b] += v[a][k] * s * v[b][k];
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int a = 0; a < d; a++) acc += x[i][a] * w[a][j];
                rows[i * d + j] = (float) acc;
            }
    }

    /** The rows (n x d) minus their mean row, in double. */
    private static double[][] centred(float[] rows, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += rows[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i][j] = rows[i * d + j] - mean[j];
        return x;
    }

    /**
     * Eigenvalues of the symmetric matrix a (destroyed), eigenvectors into the columns of v: cyclic
     * Jacobi rotations until the off-diagonal mass is negligible.
     */
    static double[] jacobi(double[][] a, double[][] v) {
        int d = a.length;
        for (int i = 0; i < d; i++) {
            java.util.Arrays.fill(v[i], 0);
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, diag = 0;
            for (int p = 0; p < d; p++) {
                diag += a[p][p] * a[p][p];
                for (int q = p + 1; q < d; q++) off += a[p][q] * a[p][q];
            }
            if (off <= 1e-24 * Math.max(diag, 1e-300)) break;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++) {
                    if (a[p][q] == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
                    for (int k = 0; k < d; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = cs * akp - sn * akq;
                        a[k][q] = sn * akp + cs * akq;
                    }
                    for (int k = 0; k < d; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = cs * apk - sn * aqk;
                        a[q][k] = sn * apk + cs * aqk;
                    }
                    for (int k = 0; k < d; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = cs * vkp - sn * vkq;
                        v[k][q] = sn * vkp + cs * vkq;
                    }
                }
        }
        double[] out = new double[d];
        for (int i = 0; i < d; i++) out[i] = a[i][i];
        return out;
    }
}
