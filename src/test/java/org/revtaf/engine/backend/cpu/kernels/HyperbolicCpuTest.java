package org.revtaf.engine.backend.cpu.kernels;

import static org.revtaf.engine.backend.Buf.of;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.randn;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.roundTrip;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.toFloat;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.withNorms;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Pairwise;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.reference.HyperbolicRef;

/** Fast float kernels against the double reference at odd shapes (1, primes, non-multiples of 16). */
class HyperbolicCpuTest {
    private static final int[][] ROW_SHAPES = {{1, 1}, {3, 17}, {7, 31}, {13, 100}, {37, 257}}; // (n, d)
    private static final double C = 0.01;

    private static double[] ball(SplittableRandom r, int n, int d, double lo, double hi) {
        return roundTrip(withNorms(r, randn(r, n * d, 1), n, d, lo * 10, hi * 10));
    }

    @Test
    void mobiusAddMatchesReference() {
        SplittableRandom r = new SplittableRandom(11);
        for (int[] s : ROW_SHAPES)
            for (int yStride : new int[] {s[1], 0}) {
                int n = s[0], d = s[1], yRows = yStride == 0 ? 1 : n;
                String tag = "mobiusAdd n=" + n + " d=" + d + " yStride=" + yStride;
                double[] x = ball(r, n, d, 0.05, 0.996),
                        y = ball(r, yRows, d, 0.05, 0.996),
                        g = roundTrip(randn(r, n * d, 1));
                double[] out = new double[n * d], dx = new double[n * d], dy = new double[yRows * d];
                HyperbolicRef.mobiusAdd(of(out), of(x), of(y), yStride, n, d, C);
                HyperbolicRef.mobiusAddBackward(of(dx), of(dy), of(g), of(x), of(y), yStride, n, d, C);
                float[] fo = new float[n * d], fdx = new float[n * d], fdy = new float[yRows * d];
                HyperbolicCpu.mobiusAdd(of(fo), of(toFloat(x)), of(toFloat(y)), yStride, n, d, C);
                HyperbolicCpu.mobiusAddBackward(
                        of(fdx), of(fdy), of(toFloat(g)), of(toFloat(x)), of(toFloat(y)), yStride, n, d, C);
                assertClose(tag + " out", fo, out, 1e-4, 1e-4);
                assertClose(tag + " dx", fdx, dx, 1e-3, 1e-3);
                assertClose(tag + " dy", fdy, dy, 1e-3, 1e-3);
            }
    }

    @Test
    void rowMapsMatchReference() {
        SplittableRandom r = new SplittableRandom(12);
        for (RowMap map : RowMap.values())
            for (int[] s : ROW_SHAPES) {
                int n = s[0], d = s[1];
                String tag = map + " n=" + n + " d=" + d;
                double[] x = map == RowMap.LOGMAP0 ? ball(r, n, d, 1e-3, 0.996) : ball(r, n, d, 1e-3, 3);
                double[] g = roundTrip(randn(r, n * d, 1)), out = new double[n * d], dx = new double[n * d];
                HyperbolicRef.poincareMap(of(out), of(x), n, d, C, map);
                HyperbolicRef.poincareMapBackward(of(dx), of(g), of(x), n, d, C, map);
                float[] fo = new float[n * d], fdx = new float[n * d];
                HyperbolicCpu.poincareMap(of(fo), of(toFloat(x)), n, d, C, map);
                HyperbolicCpu.poincareMapBackward(of(fdx), of(toFloat(g)), of(toFloat(x)), n, d, C, map);
                assertClose(tag + " out", fo, out, 1e-4, 1e-4);
                assertClose(tag + " dx", fdx, dx, 1e-3, 1e-3);
            }
    }

    /** Inputs (a, b) of a pairwise op at (n, m, d), drawn in the op's own order. */
    @FunctionalInterface
    interface PairInputs {
        double[][] draw(SplittableRandom r, int n, int m, int d);
    }

    /** One pairwise op at odd shapes (n, m, d), its seed, inputs and tolerances. */
    record PairCase(
            String name,
            Pairwise<Buf.F64> ref,
            Pairwise<Buf.F32> cpu,
            long seed,
            int[][] shapes,
            PairInputs inputs,
            double outTol,
            double gradTol) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<PairCase> pairwiseOps() {
        PairInputs matvec = (r, n, m, d) -> {
            double[] x = ball(r, n, d, 0.05, 0.996), w = roundTrip(randn(r, m * d, Math.sqrt(2.0 / (m + d))));
            return new double[][] {w, x};
        };
        PairInputs dist = (r, n, m, d) -> new double[][] {ball(r, n, d, 0.05, 0.99), ball(r, m, d, 0.05, 0.99)};
        return Stream.of(
                new PairCase(
                        "matvec",
                        Pairwise.MATVEC_REF,
                        Pairwise.MATVEC_CPU,
                        13,
                        new int[][] {{1, 1, 1}, {5, 7, 17}, {18, 33, 75}, {6, 512, 3}},
                        matvec,
                        1e-4,
                        1e-3),
                // float expansion |(-x)(+)y|^2 = A^2|x|^2 - 2AB(x,y) + B^2|y|^2 loses digits: looser tolerances
                new PairCase(
                        "dist",
                        Pairwise.DIST_REF,
                        Pairwise.DIST_CPU,
                        14,
                        new int[][] {{1, 1, 1}, {7, 13, 33}, {18, 18, 256}, {5, 61, 512}},
                        dist,
                        1e-3,
                        1e-2));
    }

    /** Mobius matvec and the Poincare distance: out and both gradients against the reference. */
    @ParameterizedTest
    @MethodSource("pairwiseOps")
    void pairwiseOpsMatchReference(PairCase op) {
        SplittableRandom r = new SplittableRandom(op.seed());
        for (int[] s : op.shapes()) { // (n, m, d)
            int n = s[0], m = s[1], d = s[2];
            double[][] ab = op.inputs().draw(r, n, m, d);
            double[] g = roundTrip(randn(r, n * m, 1));
            String tag = op.name() + " n=" + n + " m=" + m + " d=" + d;
            checkPairwise(tag, op.ref(), op.cpu(), ab[0], ab[1], g, n, m, d, op.outTol(), op.gradTol());
        }
    }

    /** The cpu kernel pair against the reference pair: out (atol = rtol = outTol) and both gradients. */
    private static void checkPairwise(
            String tag,
            Pairwise<Buf.F64> ref,
            Pairwise<Buf.F32> cpu,
            double[] a,
            double[] b,
            double[] g,
            int n,
            int m,
            int d,
            double outTol,
            double gradTol) {
        double[][] want = Pairwise.run(ref, a, b, n, m, d, C, g);
        float[][] got = Pairwise.run(cpu, toFloat(a), toFloat(b), n, m, d, C, toFloat(g));
        assertClose(tag + " out", got[0], want[0], outTol, outTol);
        assertClose(tag + " d" + ref.aName(), got[1], want[1], gradTol, gradTol);
        assertClose(tag + " d" + ref.bName(), got[2], want[2], gradTol, gradTol);
    }

    @Test
    void offsetsAreHonoured() {
        SplittableRandom r = new SplittableRandom(15);
        int n = 3, d = 5, pad = 7;
        double[] x = ball(r, n, d, 0.1, 0.9), y = ball(r, n, d, 0.1, 0.9);
        double[] want = new double[n * d];
        HyperbolicRef.mobiusAdd(of(want), of(x), of(y), d, n, d, C);
        float[] fx = new float[pad + n * d], fy = new float[2 * pad + n * d], fo = new float[3 * pad + n * d];
        System.arraycopy(toFloat(x), 0, fx, pad, n * d);
        System.arraycopy(toFloat(y), 0, fy, 2 * pad, n * d);
        HyperbolicCpu.mobiusAdd(of(fo, 3 * pad), of(fx, pad), of(fy, 2 * pad), d, n, d, C);
        assertClose("mobiusAdd with offsets", java.util.Arrays.copyOfRange(fo, 3 * pad, fo.length), want, 1e-4, 1e-4);
        for (int i = 0; i < 3 * pad; i++)
            org.junit.jupiter.api.Assertions.assertEquals(0f, fo[i], "wrote before offset");
    }
}
