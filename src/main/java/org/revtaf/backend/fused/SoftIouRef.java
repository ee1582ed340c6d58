package org.revtaf.backend.fused;

import java.util.Arrays;

/**
 * Soft IoU between two sets of maps (the FCC overlap of METHOD.md section 3), scalar reference in
 * double: the oracle for {@link SoftIouCpu} and the CUDA kernels.
 *
 * <p><b>Contract</b>: a [b, n, p], bm [b, m, p] (maps, normally in [0, 1] after min-max
 * normalisation; any real values work), out [b, n, m]:
 *
 * <pre>
 *   I = sum_p min(a_np, bm_mp),  U = sum_p max(a_np, bm_mp),  out = I / (U + 1e-8)
 * </pre>
 *
 * The additive 1e-8 is the reference code's IoU epsilon: two empty (all-zero) maps give 0/(0+1e-8)
 * = 0, never NaN. Backward: the subgradient of min/max, ties (a == bm) split half/half between the
 * two arguments as torch.minimum/maximum do. Saved for backward: a and bm (I and U are recomputed).
 */
public final class SoftIouRef {
    private SoftIouRef() {}

    /** Additive epsilon on the union. */
    public static final double IOU_EPS = 1e-8;

    /**
     * @param out [b, n, m]
     * @param a [b, n, p]
     * @param bm [b, m, p]
     */
    public static void forward(
            double[] out, int outOff, double[] a, int aOff, double[] bm, int bOff, int b, int n, int m, int p) {
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double inter = 0, union = 0;
                    for (int k = 0; k < p; k++) {
                        double x = a[aOff + (bi * n + i) * p + k], y = bm[bOff + (bi * m + j) * p + k];
                        inter += Math.min(x, y);
                        union += Math.max(x, y);
                    }
                    out[outOff + (bi * n + i) * m + j] = inter / (union + IOU_EPS);
                }
    }

    /**
     * @param da [b, n, p] or null (overwritten)
     * @param db [b, m, p] or null (overwritten)
     * @param gOut [b, n, m]
     */
    public static void backward(
            double[] da,
            int daOff,
            double[] db,
            int dbOff,
            double[] gOut,
            int gOff,
            double[] a,
            int aOff,
            double[] bm,
            int bOff,
            int b,
            int n,
            int m,
            int p) {
        if (da != null) Arrays.fill(da, daOff, daOff + b * n * p, 0.0);
        if (db != null) Arrays.fill(db, dbOff, dbOff + b * m * p, 0.0);
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    int ai = aOff + (bi * n + i) * p, bj = bOff + (bi * m + j) * p;
                    double inter = 0, union = 0;
                    for (int k = 0; k < p; k++) {
                        inter += Math.min(a[ai + k], bm[bj + k]);
                        union += Math.max(a[ai + k], bm[bj + k]);
                    }
                    double den = union + IOU_EPS;
                    double g = gOut[gOff + (bi * n + i) * m + j];
                    double gI = g / den; // dL/dI
                    double gU = -g * inter / (den * den); // dL/dU
                    for (int k = 0; k < p; k++) {
                        double x = a[ai + k], y = bm[bj + k];
                        // min picks the smaller, max the larger; ties split half/half
                        double wa = x < y ? 1.0 : x > y ? 0.0 : 0.5; // d min / d a
                        double ga = gI * wa + gU * (1.0 - wa); // d max / d a = 1 - d min / d a
                        double gb = gI * (1.0 - wa) + gU * wa;
                        if (da != null) da[daOff + (bi * n + i) * p + k] += ga;
                        if (db != null) db[dbOff + (bi * m + j) * p + k] += gb;
                    }
                }
    }
}
