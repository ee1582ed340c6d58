package org.revtaf.engine.backend.reference;

import java.util.Arrays;
import org.revtaf.engine.backend.Buf;

/**
 * Soft IoU between two sets of maps (the FCC overlap of METHOD.md section 3), scalar reference in
 * double: the oracle for {@link SoftIouCpu} and the CUDA kernels.
 *
 * <p><b>Contract</b>: a [b, n, p], g [b, m, p] (maps, normally in [0, 1] after min-max
 * normalisation; any real values work), out [b, n, m]:
 *
 * <pre>
 *   I = sum_p min(a_np, g_mp),  U = sum_p max(a_np, g_mp),  out = I / (U + 1e-8)
 * </pre>
 *
 * The additive 1e-8 is the reference code's IoU epsilon: two empty (all-zero) maps give 0/(0+1e-8)
 * = 0, never NaN. Backward: the subgradient of min/max, ties (a == g) split half/half between the
 * two arguments as torch.minimum/maximum do. Saved for backward: a and g (I and U are recomputed).
 */
public final class SoftIouRef {
    private SoftIouRef() {}

    /** Additive epsilon on the union. */
    public static final double IOU_EPS = 1e-8;

    /**
     * @param out [b, n, m]
     * @param a [b, n, p]
     * @param g [b, m, p]
     */
    public static void forward(Buf.F64 out, Buf.F64 a, Buf.F64 g, int b, int n, int m, int p) {
        double[] outA = Buf.arr(out), aA = Buf.arr(a), gA = Buf.arr(g);
        int outOff = Buf.off(out), aOff = Buf.off(a), gOff = Buf.off(g);
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double inter = 0, union = 0;
                    for (int k = 0; k < p; k++) {
                        double x = aA[aOff + (bi * n + i) * p + k], y = gA[gOff + (bi * m + j) * p + k];
                        inter += Math.min(x, y);
                        union += Math.max(x, y);
                    }
                    outA[outOff + (bi * n + i) * m + j] = inter / (union + IOU_EPS);
                }
    }

    /**
     * @param da [b, n, p] or null (overwritten)
     * @param dg [b, m, p] or null (overwritten)
     * @param dout [b, n, m]
     */
    public static void backward(
            Buf.F64 da, Buf.F64 dg, Buf.F64 dout, Buf.F64 a, Buf.F64 g, int b, int n, int m, int p) {
        double[] daA = Buf.arr(da), dgA = Buf.arr(dg), doutA = Buf.arr(dout), aA = Buf.arr(a), gA = Buf.arr(g);
        int daOff = Buf.off(da), dgOff = Buf.off(dg), doutOff = Buf.off(dout), aOff = Buf.off(a);
        int gOff = Buf.off(g);
        if (daA != null) Arrays.fill(daA, daOff, daOff + b * n * p, 0.0);
        if (dgA != null) Arrays.fill(dgA, dgOff, dgOff + b * m * p, 0.0);
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    int ai = aOff + (bi * n + i) * p, bj = gOff + (bi * m + j) * p;
                    double inter = 0, union = 0;
                    for (int k = 0; k < p; k++) {
                        inter += Math.min(aA[ai + k], gA[bj + k]);
                        union += Math.max(aA[ai + k], gA[bj + k]);
                    }
                    double den = union + IOU_EPS;
                    double gv = doutA[doutOff + (bi * n + i) * m + j];
                    double gI = gv / den; // dL/dI
                    double gU = -gv * inter / (den * den); // dL/dU
                    for (int k = 0; k < p; k++) {
                        double x = aA[ai + k], y = gA[bj + k];
                        // min picks the smaller, max the larger; ties split half/half
                        double wa = x < y ? 1.0 : x > y ? 0.0 : 0.5; // d min / d a
                        double ga = gI * wa + gU * (1.0 - wa); // d max / d a = 1 - d min / d a
                        double gb = gI * (1.0 - wa) + gU * wa;
                        if (daA != null) daA[daOff + (bi * n + i) * p + k] += ga;
                        if (dgA != null) dgA[dgOff + (bi * m + j) * p + k] += gb;
                    }
                }
    }
}
