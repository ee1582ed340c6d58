package org.revtaf.engine.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/**
 * The closeness check of every test (one place), in the style of llm.c's check_tensor: element i passes when
 * |actual - expected| <= atol + rtol * |expected|. On failure the message shows the first
 * mismatches, the max abs and rel error, and how much of the threshold the worst element used.
 * Expected NaN/Inf must be matched exactly.
 */
public final class TensorAssert {
    private TensorAssert() {}

    public static void assertClose(String name, Tensor actual, Tensor expected, double atol, double rtol) {
        if (!Arrays.equals(actual.shapeRef(), expected.shapeRef()))
            fail(name + ": shape " + Shapes.str(actual.shapeRef()) + " vs expected " + Shapes.str(expected.shapeRef()));
        assertClose(name, actual.toDoubles(), expected.toDoubles(), atol, rtol);
    }

    /** A float result against double expected values (the float values widened exactly). */
    public static void assertClose(String name, float[] actual, double[] expected, double atol, double rtol) {
        double[] a = new double[actual.length];
        for (int i = 0; i < a.length; i++) a[i] = actual[i];
        assertClose(name, a, expected, atol, rtol);
    }

    public static void assertClose(String name, double[] a, double[] e, double atol, double rtol) {
        if (a.length != e.length) fail(name + ": " + a.length + " values vs expected " + e.length);
        StringBuilder first = new StringBuilder();
        int bad = 0;
        double maxAbs = 0, maxRel = 0, maxUse = 0;
        for (int i = 0; i < a.length; i++) {
            boolean ok;
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) ok = Double.compare(a[i], e[i]) == 0;
            else {
                double d = Math.abs(a[i] - e[i]), t = atol + rtol * Math.abs(e[i]);
                ok = d <= t; // NaN actual fails here
                if (!Double.isNaN(d)) {
                    maxAbs = Math.max(maxAbs, d);
                    maxRel = Math.max(maxRel, d / Math.max(Math.abs(e[i]), 1e-30));
                    maxUse = Math.max(maxUse, d / t);
                }
            }
            if (!ok && bad++ < 5) first.append(String.format("  [%d] got %.9g expected %.9g%n", i, a[i], e[i]));
        }
        if (bad > 0)
            fail(String.format(
                    "%s: %d of %d elements differ (atol %.1e rtol %.1e); max abs %.3e, max rel %.3e,"
                            + " %.0f%% of threshold%n%s",
                    name, bad, a.length, atol, rtol, maxAbs, maxRel, 100 * maxUse, first));
    }
}
