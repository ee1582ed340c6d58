package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.revtaf.engine.backend.Buf.of;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.dotLoss;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.gradCheck;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.randn;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.roundTrip;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.toFloat;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.uniform;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.reference.SoftIouRef;

/** Soft IoU: gradient checks (double, away from ties), empty and disjoint maps, ties, cpu vs reference. */
class SoftIouTest {

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(31);
        int b = 2, n = 3, m = 4, p = 7;
        // random continuous maps: ties have probability 0 and every |a - b| is far above the step h
        double[] a = uniform(r, b * n * p, 0, 1), bm = uniform(r, b * m * p, 0, 1), g = randn(r, b * n * m, 1);
        double[] out = new double[b * n * m], da = new double[b * n * p], db = new double[b * m * p];
        SoftIouRef.backward(of(da), of(db), of(g), of(a), of(bm), b, n, m, p);
        java.util.function.DoubleSupplier loss = () -> {
            SoftIouRef.forward(of(out), of(a), of(bm), b, n, m, p);
            return dotLoss(g, out);
        };
        gradCheck("softIou da", a, da, loss, 1e-7, 1e-8, 1e-6, 1000);
        gradCheck("softIou db", bm, db, loss, 1e-7, 1e-8, 1e-6, 1000);
    }

    @Test
    void emptyMapsGiveZeroAndDisjointMapsGiveZeroWithFiniteGradients() {
        int p = 4;
        double[] zero = new double[p], out = new double[1], da = new double[p], db = new double[p];
        SoftIouRef.forward(of(out), of(zero), of(zero), 1, 1, 1, p);
        assertEquals(0.0, out[0], "0/(0+1e-8) = 0");
        SoftIouRef.backward(of(da), of(db), of(new double[] {1}), of(zero), of(zero), 1, 1, 1, p);
        for (int k = 0; k < p; k++) assertEquals(5e-1 / 1e-8, da[k], 1e-3, "ties split: (1/2)/(U + eps)");
        // disjoint supports: IoU 0, d/da of the overlap where b > 0 = 1/U, and FD agrees (no ties: a != b everywhere)
        double[] a = {0.9, 0.7, 0, 0}, bm = {0, 0, 0.8, 0.6};
        for (int k = 0; k < p; k++) {
            a[k] += 1e-3 * (k + 1); // lift exact zeros off each other
        }
        double[] g = {1}, da2 = new double[p], db2 = new double[p];
        SoftIouRef.forward(of(out), of(a), of(bm), 1, 1, 1, p);
        assertEquals((0.003 + 0.004) / (0.901 + 0.702 + 0.8 + 0.6 + 1e-8), out[0], 1e-12);
        SoftIouRef.backward(of(da2), of(db2), of(g), of(a), of(bm), 1, 1, 1, p);
        gradCheck(
                "softIou disjoint da",
                a,
                da2,
                () -> {
                    SoftIouRef.forward(of(out), of(a), of(bm), 1, 1, 1, p);
                    return out[0];
                },
                1e-7,
                1e-8,
                1e-6,
                p);
        // identical maps: IoU 1 (up to eps); every element is a tie, gradients split
        double[] same = {0.2, 0.5, 0.9, 0.1};
        SoftIouRef.forward(of(out), of(same), of(same), 1, 1, 1, p);
        assertEquals(1.0, out[0], 1e-7);
    }

    @Test
    void cpuMatchesReferenceAtOddShapes() {
        SplittableRandom r = new SplittableRandom(32);
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 17}, {3, 7, 4, 49}, {2, 13, 11, 257}, {1, 5, 3, 1031}
        }; // (b, n, m, p)
        for (int[] s : shapes) {
            int b = s[0], n = s[1], m = s[2], p = s[3];
            String tag = "softIou b=" + b + " n=" + n + " m=" + m + " p=" + p;
            double[] a = roundTrip(uniform(r, b * n * p, 0, 1)), bm = roundTrip(uniform(r, b * m * p, 0, 1));
            // some exact ties and an empty map pair, to check the tie rule lane by lane
            for (int k = 0; k < Math.min(p, 5); k++) a[k] = bm[k];
            if (n > 1 && m > 1) {
                java.util.Arrays.fill(a, p, 2 * p, 0.0);
                java.util.Arrays.fill(bm, p, 2 * p, 0.0);
            }
            double[] g = roundTrip(randn(r, b * n * m, 1));
            double[] out = new double[b * n * m], da = new double[b * n * p], db = new double[b * m * p];
            SoftIouRef.forward(of(out), of(a), of(bm), b, n, m, p);
            SoftIouRef.backward(of(da), of(db), of(g), of(a), of(bm), b, n, m, p);
            float[] fo = new float[b * n * m], fda = new float[b * n * p], fdb = new float[b * m * p];
            SoftIouCpu.forward(of(fo), of(toFloat(a)), of(toFloat(bm)), b, n, m, p);
            SoftIouCpu.backward(of(fda), of(fdb), of(toFloat(g)), of(toFloat(a)), of(toFloat(bm)), b, n, m, p);
            assertClose(tag + " out", fo, out, 1e-5, 1e-4);
            double scale = 0;
            for (double v : da) scale = Math.max(scale, Math.abs(v));
            for (double v : db) scale = Math.max(scale, Math.abs(v));
            // a tie of a lone element: gI/2 + gU/2 cancels to ~1e-9 in double and to 0 in float
            assertClose(tag + " da", fda, da, 1e-4 * Math.max(scale, 0.1), 1e-3);
            assertClose(tag + " db", fdb, db, 1e-4 * Math.max(scale, 0.1), 1e-3);
        }
    }
}
