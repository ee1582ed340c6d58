package org.revtaf.edges.pipeline.cache;

import java.util.List;
import java.util.stream.IntStream;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.text.TripletExtractor;

/**
 * The baseline's retrieved memory (METHOD.md section 1.2, our decision in place of PromptMRG's CLIP
 * features): each training report's 512-d feature is a fixed, seeded, random orthogonal map of the
 * mean of its sentence embeddings; each image's memory is the K training reports whose 75-bit entity
 * existence vector is most cosine-similar to the image's F_logit, self excluded for training images.
 */
public final class Memory {
    private Memory() {}

    /**
     * A (rows x cols) matrix with orthonormal columns when rows >= cols, else orthonormal rows
     * (modified Gram-Schmidt on Gaussian draws seeded by {@code seed}); row-major doubles.
     */
    public static double[] orthogonal(int rows, int cols, long seed) {
        boolean byColumns = rows >= cols;
        int n = byColumns ? cols : rows, len = byColumns ? rows : cols; // n vectors of length len
        double[][] v = new double[n][len];
        SplitMix64 rng = new SplitMix64(seed);
        for (int i = 0; i < n; i++) {
            while (true) {
                for (int j = 0; j < len; j++) v[i][j] = rng.gaussian();
                for (int k = 0; k < i; k++) {
                    double dot = 0;
                    for (int j = 0; j < len; j++) dot += v[i][j] * v[k][j];
                    for (int j = 0; j < len; j++) v[i][j] -= dot * v[k][j];
                }
                double norm = 0;
                for (int j = 0; j < len; j++) norm += v[i][j] * v[i][j];
                norm = Math.sqrt(norm);
                if (norm < 1e-6) continue; // a dependent draw (practically never): draw again
                for (int j = 0; j < len; j++) v[i][j] /= norm;
                break;
            }
        }
        double[] out = new double[rows * cols];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < len; j++) {
                if (byColumns) out[j * cols + i] = v[i][j];
                else out[i * cols + j] = v[i][j];
            }
        return out;
    }

    /**
     * Memory features: the mean of each report's sentence embeddings, mapped by the orthogonal
     * (dim x dt) matrix {@code w}. sentences (U, dt) the distinct sentences' embeddings, grpIdx (n, S)
     * each report's sentences as rows of it (-1: none) -> (n, dim).
     */
    public static float[] features(float[] sentences, long[] grpIdx, int n, int s, int dt, double[] w, int dim) {
        float[] out = new float[n * dim];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] mean = new double[dt];
            double cnt = 0;
            for (int k = 0; k < s; k++) {
                long row = grpIdx[i * s + k];
                if (row < 0) continue;
                cnt++;
                for (int j = 0; j < dt; j++) mean[j] += sentences[(int) row * dt + j];
            }
            if (cnt > 0) for (int j = 0; j < dt; j++) mean[j] /= cnt;
            for (int r = 0; r < dim; r++) {
                double acc = 0;
                for (int j = 0; j < dt; j++) acc += w[r * dt + j] * mean[j];
                out[i * dim + r] = (float) acc;
            }
        });
        return out;
    }

    /**
     * The 75-bit entity existence vector of each report (n, 75) row-major: 1 where the triplet
     * extractor finds the entity present. The retrieval database the memory of an image is chosen from.
     */
    public static float[] reportEntities(List<String> reports) {
        int m = TripletExtractor.ENTITIES.size();
        TripletExtractor ex = TripletExtractor.standard();
        float[] out = new float[reports.size() * m];
        for (int i = 0; i < reports.size(); i++)
            for (TripletExtractor.Triplet t : ex.extract(reports.get(i)))
                if (t.exist() == TripletExtractor.Exist.PRESENT) out[i * m + t.entity()] = 1;
        return out;
    }

    /**
     * The top-K memory of every image: indices into the training reports by descending cosine
     * similarity of the image's F_logit (n x 75) with the reports' existence vectors (ntr x 75),
     * ties to the lower index; image i excludes training report {@code selfOffset + i} (the training
     * images themselves: with the images in the order train, val, test and offset 0, only the
     * training rows exclude one). A zero vector has similarity 0 with everything.
     *
     * @param selfOffset the training index of image 0, or -1 when no image is a training image
     */
    public static long[] topK(float[] fLogit, int n, float[] reports, int ntr, int m, int k, int selfOffset) {
        double[] rn = new double[ntr];
        for (int r = 0; r < ntr; r++) {
            double s = 0;
            for (int j = 0; j < m; j++) s += (double) reports[r * m + j] * reports[r * m + j];
            rn[r] = Math.sqrt(s);
        }
        long[] out = new long[n * k];
        IntStream.range(0, n).parallel().forEach(i -> {
            double qn = 0;
            for (int j = 0; j < m; j++) qn += (double) fLogit[i * m + j] * fLogit[i * m + j];
            qn = Math.sqrt(qn);
            int self = selfOffset < 0 ? -1 : selfOffset + i;
            // keep the best k in a small sorted array (similarity desc, index asc)
            double[] bs = new double[k];
            int[] bi = new int[k];
            int filled = 0;
            for (int r = 0; r < ntr; r++) {
                if (r == self) continue;
                double dot = 0;
                for (int j = 0; j < m; j++) dot += (double) fLogit[i * m + j] * reports[r * m + j];
                double sim = qn > 0 && rn[r] > 0 ? dot / (qn * rn[r]) : 0;
                if (filled == k && !(sim > bs[k - 1])) continue; // equal: the lower index already there wins
                int p = filled < k ? filled++ : k - 1;
                while (p > 0 && sim > bs[p - 1]) {
                    bs[p] = bs[p - 1];
                    bi[p] = bi[p - 1];
                    p--;
                }
                bs[p] = sim;
                bi[p] = r;
            }
            for (int t = 0; t < k; t++) out[i * k + t] = bi[t];
        });
        return out;
    }
}
