package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.engine.backend.Buf.of;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.randn;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.roundTrip;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.toFloat;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.cpu.kernels.AttentionCpu.Kernel;
import org.revtaf.engine.backend.reference.AttentionRef;

/**
 * The keys-along-lanes attention kernel ({@link AttentionLanes}) against the double reference and
 * the simple dot-product kernel: head dims around the vector length, key counts below, at and
 * across a vector and a key tile, one query and several query blocks, causal or not, key padding
 * (with fully masked rows) and dropout; forward (out, lse) and backward (dq, dk, dv).
 */
class AttentionLanesTest {
    private static final int B = 2, H = 2;

    /** out, lse, dq, dk, dv of one kernel (float) or of the reference (double, widened). */
    private record Result(double[] out, double[] lse, double[] dq, double[] dk, double[] dv) {}

    /** Item 1 of 2 has its first and last key padded (its only key when s = 1). */
    private static float[] keyMask(int s) {
        float[] km = new float[B * s];
        Arrays.fill(km, 1f);
        km[s] = 0f;
        km[2 * s - 1] = 0f;
        return km;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static Result run(
            Kernel kernel, float[] q, float[] k, float[] v, float[] g, float[] km, AttentionGeom geom) {
        float[] out = new float[q.length], lse = new float[B * H * geom.n()];
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        AttentionCpu.forward(kernel, of(out), of(lse), of(q), of(k), of(v), of(km), geom);
        AttentionCpu.backward(
                kernel, of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), of(km), geom);
        return new Result(widen(out), widen(lse), widen(dq), widen(dk), widen(dv));
    }

    private static Result reference(double[] q, double[] k, double[] v, double[] g, float[] km, AttentionGeom geom) {
        double[] out = new double[q.length], lse = new double[B * H * geom.n()];
        double[] dq = new double[q.length], dk = new double[k.length], dv = new double[v.length];
        AttentionRef.forward(of(out), of(lse), of(q), of(k), of(v), of(km), geom);
        AttentionRef.backward(of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), of(km), geom);
        return new Result(out, lse, dq, dk, dv);
    }

    /** The tolerances of AttentionTest (float kernel vs double reference), times slack. */
    private static void assertResult(String tag, Result a, Result e, double slack) {
        assertClose(tag + " out", a.out(), e.out(), 1e-5 * slack, 1e-4 * slack);
        assertClose(tag + " lse", a.lse(), e.lse(), 1e-5 * slack, 1e-5 * slack);
        assertClose(tag + " dq", a.dq(), e.dq(), 1e-4 * slack, 1e-3 * slack);
        assertClose(tag + " dk", a.dk(), e.dk(), 1e-4 * slack, 1e-3 * slack);
        assertClose(tag + " dv", a.dv(), e.dv(), 1e-4 * slack, 1e-3 * slack);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16, 17, 32, 64})
    void lanesMatchesReferenceAndDotKernel(int d) {
        SplittableRandom r = new SplittableRandom(70 + d);
        for (int n : new int[] {1, 75})
            for (int s : new int[] {1, 7, 16, 17, 75})
                for (int variant = 0; variant < 4; variant++) {
                    boolean causal = (variant & 1) != 0, maskAndDrop = (variant & 2) != 0;
                    float[] km = maskAndDrop ? keyMask(s) : null;
                    DropoutMask drop = maskAndDrop ? new DropoutMask(0.2, 11L * s + n) : DropoutMask.NONE;
                    AttentionGeom geom = new AttentionGeom(B, H, n, s, d, 1 / Math.sqrt(d), causal, drop);
                    double[] q = roundTrip(randn(r, B * H * n * d, 1)), g = roundTrip(randn(r, B * H * n * d, 1));
                    double[] k = roundTrip(randn(r, B * H * s * d, 1)), v = roundTrip(randn(r, B * H * s * d, 1));
                    float[] fq = toFloat(q), fk = toFloat(k), fv = toFloat(v), fg = toFloat(g);
                    Result lanes = run(Kernel.LANES, fq, fk, fv, fg, km, geom);
                    String tag = String.format(
                            "lanes d=%d n=%d s=%d causal=%s mask+dropout=%s", d, n, s, causal, maskAndDrop);
                    assertResult(tag + " vs reference", lanes, reference(q, k, v, g, km, geom), 1);
                    assertResult(tag + " vs dot", lanes, run(Kernel.DOT, fq, fk, fv, fg, km, geom), 2);
                }
    }

    @Test
    void fullyMaskedRowsGiveZeroOutputAndGradient() {
        // causal, n = 75 queries over s = 7 keys: queries 0..67 see no key (bottom-right alignment)
        SplittableRandom r = new SplittableRandom(80);
        int n = 75, s = 7, d = 16;
        AttentionGeom geom = new AttentionGeom(B, H, n, s, d, 0.25, true, DropoutMask.NONE);
        float[] q = toFloat(randn(r, B * H * n * d, 1)), g = toFloat(randn(r, B * H * n * d, 1));
        float[] k = toFloat(randn(r, B * H * s * d, 1)), v = toFloat(randn(r, B * H * s * d, 1));
        Result res = run(Kernel.LANES, q, k, v, g, null, geom);
        for (int bh = 0; bh < B * H; bh++)
            for (int i = 0; i < n - s; i++) {
                assertEquals(Double.NEGATIVE_INFINITY, res.lse()[bh * n + i], "lse of hidden query " + i);
                for (int e = 0; e < d; e++) {
                    assertEquals(0.0, res.out()[(bh * n + i) * d + e]);
                    assertEquals(0.0, res.dq()[(bh * n + i) * d + e]);
                }
            }
        assertTrue(Arrays.stream(res.dk()).anyMatch(x -> x != 0), "the visible queries give key gradients");
    }

    @Test
    void anyGradientMayBeLeftOutAndTheOthersAreUnchanged() {
        SplittableRandom r = new SplittableRandom(81);
        int n = 40, s = 70, d = 16;
        AttentionGeom geom = new AttentionGeom(B, H, n, s, d, 0.25, false, new DropoutMask(0.1, 5));
        float[] q = toFloat(randn(r, B * H * n * d, 1)), g = toFloat(randn(r, B * H * n * d, 1));
        float[] k = toFloat(randn(r, B * H * s * d, 1)), v = toFloat(randn(r, B * H * s * d, 1));
        float[] km = keyMask(s), out = new float[q.length], lse = new float[B * H * n];
        AttentionCpu.forward(Kernel.LANES, of(out), of(lse), of(q), of(k), of(v), of(km), geom);
        java.util.function.Consumer<float[][]> backward = gr -> AttentionCpu.backward(
                Kernel.LANES,
                of(gr[0]),
                of(gr[1]),
                of(gr[2]),
                of(g),
                of(out),
                of(lse),
                of(q),
                of(k),
                of(v),
                of(km),
                geom);
        float[][] all = {new float[q.length], new float[k.length], new float[v.length]};
        backward.accept(all);
        for (int only = 0; only < 3; only++) {
            float[][] one = new float[3][]; // the other two null: not computed
            one[only] = new float[all[only].length];
            Arrays.fill(one[only], Float.NaN); // overwritten, not accumulated into
            backward.accept(one);
            assertArrayEquals(all[only], one[only], "gradient " + "qkv".charAt(only) + " alone");
        }
    }

    @Test
    void propertyPicksTheKernel() {
        assertEquals(Kernel.DOT, AttentionCpu.choose("dot", 16));
        assertEquals(Kernel.LANES, AttentionCpu.choose(" Lanes ", 128));
        assertEquals(Kernel.LANES, AttentionCpu.choose("auto", 16));
        assertEquals(Kernel.LANES, AttentionCpu.choose("auto", AttentionCpu.LANES_MAX_D));
        assertEquals(Kernel.DOT, AttentionCpu.choose("auto", AttentionCpu.LANES_MAX_D + 1));
        RevtafException e = assertThrows(RevtafException.class, () -> AttentionCpu.choose("fast", 16));
        assertTrue(e.getMessage().contains("revtaf.attention.kernel=fast"), e.getMessage());
    }
}
