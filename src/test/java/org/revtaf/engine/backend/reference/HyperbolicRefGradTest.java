package org.revtaf.engine.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.engine.backend.Buf.of;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.dotLoss;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.gradCheck;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.randn;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.withNorms;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Pairwise;
import org.revtaf.engine.backend.PoincareScalar;
import org.revtaf.engine.backend.RowMap;

/** Central-difference gradient checks (double) of the Poincare-ball references, hard regions included. */
class HyperbolicRefGradTest {
    private static final double H = 1e-6, ATOL = 1e-6, RTOL = 1e-5;

    /** Points with norms in [lo, hi] * radius (radius 1/sqrt(c)). */
    private static double[] ball(SplittableRandom r, int n, int d, double c, double lo, double hi) {
        double radius = 1 / Math.sqrt(c);
        return withNorms(r, randn(r, n * d, 1), n, d, lo * radius, hi * radius);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 1.0})
    void mobiusAddGradients(double c) {
        SplittableRandom r = new SplittableRandom(1);
        int n = 6, d = 7;
        for (double[] range : new double[][] {{0.05, 0.9}, {0.99, 0.996}}) { // interior, near the boundary
            double[] x = ball(r, n, d, c, range[0], range[1]), y = ball(r, n, d, c, range[0], range[1]);
            double[] g = randn(r, n * d, 1), out = new double[n * d], dx = new double[n * d], dy = new double[n * d];
            HyperbolicRef.mobiusAddBackward(of(dx), of(dy), of(g), of(x), of(y), d, n, d, c);
            java.util.function.DoubleSupplier loss = () -> {
                HyperbolicRef.mobiusAdd(of(out), of(x), of(y), d, n, d, c);
                return dotLoss(g, out);
            };
            gradCheck("mobiusAdd dx c=" + c + " " + range[0], x, dx, loss, H / Math.sqrt(c), ATOL, RTOL, 1000);
            gradCheck("mobiusAdd dy c=" + c + " " + range[0], y, dy, loss, H / Math.sqrt(c), ATOL, RTOL, 1000);
        }
    }

    @Test
    void mobiusAddBroadcastBiasSumsRows() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 5, d = 4;
        double c = 0.01;
        double[] x = ball(r, n, d, c, 0.1, 0.99), y = ball(r, 1, d, c, 0.1, 0.5);
        double[] g = randn(r, n * d, 1), out = new double[n * d], dy = new double[d], dx = new double[n * d];
        HyperbolicRef.mobiusAddBackward(of(dx), of(dy), of(g), of(x), of(y), 0, n, d, c);
        java.util.function.DoubleSupplier loss = () -> {
            HyperbolicRef.mobiusAdd(of(out), of(x), of(y), 0, n, d, c);
            return dotLoss(g, out);
        };
        gradCheck("mobiusAdd broadcast dy", y, dy, loss, H / Math.sqrt(c), ATOL, RTOL, 1000);
        gradCheck("mobiusAdd broadcast dx", x, dx, loss, H / Math.sqrt(c), ATOL, RTOL, 1000);
        // x (+) 0 = x and 0 (+) y = y
        double[] zero = new double[n * d], o2 = new double[n * d];
        HyperbolicRef.mobiusAdd(of(o2), of(x), of(zero), d, n, d, c);
        for (int i = 0; i < n * d; i++) assertEquals(x[i], o2[i], 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXPMAP0", "LOGMAP0", "PROJ"})
    void rowMapGradients(String name) {
        RowMap map = RowMap.valueOf(name);
        SplittableRandom r = new SplittableRandom(3);
        int n = 8, d = 5;
        for (double c : new double[] {0.01, 1.0}) {
            double radius = 1 / Math.sqrt(c);
            double[] x = switch (map) {
                // tangent vectors: tiny, normal, and beyond the tanh clamp (sqrt(c)|u| > 15)
                case EXPMAP0 -> withNorms(r, randn(r, n * d, 1), n, d, 1e-3 * radius, 25 * radius);
                // ball points up to the proj limit 0.996 radius
                case LOGMAP0 -> withNorms(r, randn(r, n * d, 1), n, d, 1e-3 * radius, 0.996 * radius);
                // both sides of the clip radius (0.996 radius)
                case PROJ -> withNorms(r, randn(r, n * d, 1), n, d, 0.5 * radius, 1.5 * radius);
            };
            double[] g = randn(r, n * d, 1), out = new double[n * d], dx = new double[n * d];
            HyperbolicRef.poincareMapBackward(of(dx), of(g), of(x), n, d, c, map);
            gradCheck(
                    name + " c=" + c,
                    x,
                    dx,
                    () -> {
                        HyperbolicRef.poincareMap(of(out), of(x), n, d, c, map);
                        return dotLoss(g, out);
                    },
                    H * radius,
                    ATOL,
                    RTOL,
                    1000);
        }
    }

    @Test
    void expmapLogmapProjForwardIdentities() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 6, d = 9;
        double c = 0.01;
        double[] u = withNorms(r, randn(r, n * d, 1), n, d, 0.1, 40), p = new double[n * d], back = new double[n * d];
        HyperbolicRef.poincareMap(of(p), of(u), n, d, c, RowMap.EXPMAP0);
        HyperbolicRef.poincareMap(of(back), of(p), n, d, c, RowMap.LOGMAP0);
        for (int i = 0; i < n * d; i++) assertEquals(u[i], back[i], 1e-9 * (1 + Math.abs(u[i])), "logmap0(expmap0(u))");
        double[] far = withNorms(r, randn(r, n * d, 1), n, d, 20, 30), pr = new double[n * d];
        HyperbolicRef.poincareMap(of(pr), of(far), n, d, c, RowMap.PROJ);
        for (int i = 0; i < n; i++)
            assertEquals(
                    0.996 * 10, Math.sqrt(HyperbolicRef.sumSq(pr, i * d, d)), 1e-12, "proj clips to (1-4e-3)/sqrt(c)");
        // the zero vector: expmap0(0) = 0 with gradient identity (norm clamp 1e-15 passes no gradient)
        double[] z = new double[d], gz = randn(r, d, 1), dz = new double[d], oz = new double[d];
        HyperbolicRef.poincareMap(of(oz), of(z), 1, d, c, RowMap.EXPMAP0);
        HyperbolicRef.poincareMapBackward(of(dz), of(gz), of(z), 1, d, c, RowMap.EXPMAP0);
        for (int k = 0; k < d; k++) {
            assertEquals(0.0, oz[k]);
            assertEquals(gz[k], dz[k], 1e-12);
        }
    }

    /** Inputs (a, b) of a pairwise op, drawn in the op's own order with norms in range of the radius. */
    @FunctionalInterface
    interface PairInputs {
        double[][] draw(SplittableRandom r, int n, int m, int d, double c, double[] range);
    }

    /** A pairwise op's gradient check: reference pair, seed, (n, m, d), norm ranges, inputs. */
    record PairCase(
            String name, Pairwise<Buf.F64> k, long seed, int n, int m, int d, double[][] ranges, PairInputs inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> pairwiseOps() {
        PairInputs matvec = (r, n, m, d, c, range) -> {
            double[] x = ball(r, n, d, c, range[0], range[1]), w = randn(r, m * d, 0.7);
            return new double[][] {w, x};
        };
        PairInputs dist = (r, n, m, d, c, range) ->
                new double[][] {ball(r, n, d, c, range[0], range[1]), ball(r, m, d, c, range[0], range[1])};
        double[] interior = {0.05, 0.9};
        Stream<PairCase> ops = Stream.of(
                new PairCase(
                        "matvec", Pairwise.MATVEC_REF, 5, 5, 6, 4, new double[][] {interior, {0.99, 0.996}}, matvec),
                new PairCase("dist", Pairwise.DIST_REF, 6, 4, 5, 6, new double[][] {interior, {0.97, 0.99}}, dist));
        return ops.flatMap(op -> Stream.of(0.01, 1.0).map(c -> Arguments.of(op, c)));
    }

    /** Mobius matvec and the Poincare distance, inside the ball and near its boundary. */
    @ParameterizedTest
    @MethodSource("pairwiseOps")
    void pairwiseGradients(PairCase op, double c) {
        SplittableRandom r = new SplittableRandom(op.seed());
        int n = op.n(), m = op.m(), d = op.d();
        for (double[] range : op.ranges()) {
            double[][] ab = op.inputs().draw(r, n, m, d, c, range);
            double[] g = randn(r, n * m, 1);
            gradCheckPairwise(op.name() + " c=" + c + " " + range[0], op.k(), ab[0], ab[1], g, n, m, d, c);
        }
    }

    @Test
    void mobiusMatvecZeroRowIsZeroWithZeroGradient() {
        int n = 2, m = 3, d = 2;
        double[] w = {1, 2, -1, 0.5, 0.3, -0.7}, x = {0, 0, 0.3, -0.2};
        double[] out = new double[n * m], dx = new double[n * d], dw = new double[m * d], g = {1, 1, 1, 1, 1, 1};
        HyperbolicRef.mobiusMatvec(of(out), of(w), of(x), n, m, d, 0.01);
        HyperbolicRef.mobiusMatvecBackward(of(dw), of(dx), of(g), of(w), of(x), n, m, d, 0.01);
        for (int j = 0; j < m; j++) assertEquals(0.0, out[j], "W 0 = 0 row gives 0");
        assertEquals(0.0, dx[0]);
        assertEquals(0.0, dx[1]);
        assertTrue(Math.abs(out[m]) > 0 && Math.abs(dx[2]) > 0, "the non-zero row is unaffected");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 1.0})
    void poincareDistForwardMatchesHyptorch(double c) {
        SplittableRandom r = new SplittableRandom(6);
        int n = 4, m = 5, d = 6;
        for (double[] range : new double[][] {{0.05, 0.9}, {0.97, 0.99}}) {
            double[] x = ball(r, n, d, c, range[0], range[1]), y = ball(r, m, d, c, range[0], range[1]);
            randn(r, n * m, 1); // the upstream gradient of pairwiseGradients: both tests see the same points
            double[] out = new double[n * m];
            HyperbolicRef.poincareDist(of(out), of(x), of(y), n, m, d, c);
            // forward against hyptorch's direct [d]-vector computation of (-x) (+) y (denominator + 1e-5)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double x2 = 0, y2 = 0, xy = 0;
                    for (int k = 0; k < d; k++) {
                        double a = -x[i * d + k], b = y[j * d + k];
                        x2 += a * a;
                        y2 += b * b;
                        xy += a * b;
                    }
                    double den = 1 + 2 * c * xy + c * c * x2 * y2 + 1e-5, norm2 = 0;
                    for (int k = 0; k < d; k++) {
                        double v = ((1 + 2 * c * xy + c * y2) * -x[i * d + k] + (1 - c * x2) * y[j * d + k]) / den;
                        norm2 += v * v;
                    }
                    double want = 2 / Math.sqrt(c) * PoincareScalar.artanh(Math.sqrt(c * norm2), 1e-5);
                    assertEquals(want, out[i * m + j], 1e-9 * want, "dist(" + i + "," + j + ")");
                }
        }
    }

    @Test
    void poincareDistArtanhClampIsStraightThrough() {
        // x and -x at 0.999 radius: sqrt(c)|(-x)(+)y| = 0.999995 > 1 - 1e-5, so artanh is clamped
        double c = 0.01;
        int d = 3;
        double[] x = {9.99, 0, 0}, y = {-9.99, 0, 0}, out = new double[1], dx = new double[d], dy = new double[d];
        HyperbolicRef.poincareDist(of(out), of(x), of(y), 1, 1, d, c);
        assertEquals(2 / Math.sqrt(c) * PoincareScalar.artanh(1 - 1e-5, 0), out[0], 1e-9);
        HyperbolicRef.poincareDistBackward(of(dx), of(dy), of(new double[] {1}), of(x), of(y), 1, 1, d, c);
        // hyptorch's Artanh backward uses g / (1 - xc^2) with the clamped xc: finite, non-zero, pushes apart
        assertTrue(Double.isFinite(dx[0]) && dx[0] > 0 && dy[0] < 0, "dx=" + dx[0] + " dy=" + dy[0]);
    }

    /** Central differences of (g, out) against both analytic input gradients of a pairwise reference. */
    private static void gradCheckPairwise(
            String tag, Pairwise<Buf.F64> k, double[] a, double[] b, double[] g, int n, int m, int d, double c) {
        double[] out = new double[n * m], da = new double[a.length], db = new double[b.length];
        k.backward().run(of(da), of(db), of(g), of(a), of(b), n, m, d, c);
        DoubleSupplier loss = () -> {
            k.forward().run(of(out), of(a), of(b), n, m, d, c);
            return dotLoss(g, out);
        };
        gradCheck(tag + " d" + k.aName(), a, da, loss, H / Math.sqrt(c), ATOL, RTOL, 1000);
        gradCheck(tag + " d" + k.bName(), b, db, loss, H / Math.sqrt(c), ATOL, RTOL, 1000);
    }
}
