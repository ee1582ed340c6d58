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
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.reference.AttentionRef;

/** Attention dropout on the probabilities ({@link DropoutMask}): reference vs composite, gradients, cpu vs reference, mask statistics. */
class AttentionDropoutTest {
    private static final int B = 2, H = 2, N = 5, S = 7, D = 3;

    /** Visible keys: item 0 has key S-1 padded, item 1 all keys. */
    private static float[] keyMask() {
        float[] km = new float[B * S];
        Arrays.fill(km, 1f);
        km[S - 1] = 0f;
        return km;
    }

    /** Composite in double: softmax over visible keys -> mask factors of the shared DropoutMask -> matmul v. */
    private static double[] composite(
            double[] q, double[] k, double[] v, float[] km, double scale, boolean causal, DropoutMask drop) {
        double[] out = new double[B * H * N * D], f = drop.factors(B * H, N, S);
        for (int bh = 0; bh < B * H; bh++)
            for (int i = 0; i < N; i++) {
                double[] p = new double[S];
                double z = 0;
                for (int j = 0; j < S; j++) {
                    boolean vis = km[(bh / H) * S + j] != 0 && (!causal || j <= i + (S - N));
                    if (!vis) continue;
                    double dot = 0;
                    for (int e = 0; e < D; e++) dot += q[(bh * N + i) * D + e] * k[(bh * S + j) * D + e];
                    z += p[j] = Math.exp(scale * dot);
                }
                for (int j = 0; j < S; j++) {
                    double pd = p[j] / z * f[(bh * N + i) * S + j];
                    for (int e = 0; e < D; e++) out[(bh * N + i) * D + e] += pd * v[(bh * S + j) * D + e];
                }
            }
        return out;
    }

    @Test
    void referenceEqualsCompositeWithTheSameMaskAndLseIgnoresDropout() {
        SplittableRandom r = new SplittableRandom(3);
        double[] q = randn(r, B * H * N * D, 1), k = randn(r, B * H * S * D, 1), v = randn(r, B * H * S * D, 1);
        float[] km = keyMask();
        for (boolean causal : new boolean[] {false, true}) {
            DropoutMask drop = new DropoutMask(0.3, 99);
            double[] out = new double[q.length], lse = new double[B * H * N], lse0 = new double[B * H * N];
            AttentionGeom geom = new AttentionGeom(B, H, N, S, D, 0.6, causal, drop);
            AttentionRef.forward(of(out), of(lse), of(q), of(k), of(v), of(km), geom);
            double[] expect = composite(q, k, v, km, 0.6, causal, drop);
            for (int x = 0; x < out.length; x++) assertEquals(expect[x], out[x], 1e-12, "out " + x);
            AttentionGeom plain = new AttentionGeom(B, H, N, S, D, 0.6, causal, DropoutMask.NONE);
            AttentionRef.forward(of(new double[q.length]), of(lse0), of(q), of(k), of(v), of(km), plain);
            assertArrayEquals(lse0, lse, "lse stays the statistics of the undropped softmax");
            assertTrue(Arrays.stream(drop.factors(B * H, N, S)).anyMatch(f -> f == 0), "some probabilities dropped");
        }
    }

    @Test
    void zeroRateIsExactlyTheOpWithoutDropout() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 40, s = 70, d = 5; // more than one query block and key tile
        float[] q = toFloat(randn(r, B * H * n * d, 1)), k = toFloat(randn(r, B * H * s * d, 1));
        float[] v = toFloat(randn(r, B * H * s * d, 1)), g = toFloat(randn(r, B * H * n * d, 1));
        float[][] res = new float[2][];
        DropoutMask[] drops = {DropoutMask.NONE, new DropoutMask(0, 12345)};
        for (int t = 0; t < 2; t++) {
            float[] out = new float[q.length], lse = new float[B * H * n], dq = new float[q.length];
            float[] dk = new float[k.length], dv = new float[v.length];
            AttentionGeom geom = new AttentionGeom(B, H, n, s, d, 0.4, true, drops[t]);
            AttentionCpu.forward(of(out), of(lse), of(q), of(k), of(v), null, geom);
            AttentionCpu.backward(of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), null, geom);
            float[] all = new float[out.length + dq.length + dk.length + dv.length];
            System.arraycopy(out, 0, all, 0, out.length);
            System.arraycopy(dq, 0, all, out.length, dq.length);
            System.arraycopy(dk, 0, all, out.length + dq.length, dk.length);
            System.arraycopy(dv, 0, all, out.length + dq.length + dk.length, dv.length);
            res[t] = all;
        }
        assertArrayEquals(res[0], res[1]);
    }

    @Test
    void referenceGradientsMatchFiniteDifferencesWithAFixedSeed() {
        SplittableRandom r = new SplittableRandom(5);
        float[] km = keyMask();
        DropoutMask drop = new DropoutMask(0.25, 2024);
        for (boolean causal : new boolean[] {false, true}) {
            double[] q = randn(r, B * H * N * D, 1), k = randn(r, B * H * S * D, 1), v = randn(r, B * H * S * D, 1);
            double[] g = randn(r, q.length, 1);
            AttentionTest.OracleGrads.check(
                    "dropout", q, k, v, g, km, new AttentionGeom(B, H, N, S, D, 0.5, causal, drop));
        }
    }

    @Test
    void cpuMatchesReferenceAtOddShapes() {
        SplittableRandom r = new SplittableRandom(6);
        int b = 2, h = 3, n = 37, s = 71, d = 5;
        float[] km = new float[b * s];
        Arrays.fill(km, 1f);
        Arrays.fill(km, b * s - 4, b * s, 0f);
        for (boolean causal : new boolean[] {false, true}) {
            DropoutMask drop = new DropoutMask(0.1, causal ? 7 : 8);
            int qLen = b * h * n * d, kLen = b * h * s * d;
            double[] q = roundTrip(randn(r, qLen, 1)),
                    k = roundTrip(randn(r, kLen, 1)),
                    v = roundTrip(randn(r, kLen, 1));
            double[] g = roundTrip(randn(r, qLen, 1)), out = new double[qLen], lse = new double[b * h * n];
            double[] dq = new double[qLen], dk = new double[kLen], dv = new double[kLen];
            AttentionGeom geom = new AttentionGeom(b, h, n, s, d, 0.45, causal, drop);
            AttentionRef.forward(of(out), of(lse), of(q), of(k), of(v), of(km), geom);
            AttentionRef.backward(of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), of(km), geom);
            float[] fq = toFloat(q), fk = toFloat(k), fv = toFloat(v), fg = toFloat(g);
            float[] fo = new float[qLen], fl = new float[b * h * n];
            float[] fdq = new float[qLen], fdk = new float[kLen], fdv = new float[kLen];
            AttentionCpu.forward(of(fo), of(fl), of(fq), of(fk), of(fv), of(km), geom);
            AttentionCpu.backward(
                    of(fdq), of(fdk), of(fdv), of(fg), of(fo), of(fl), of(fq), of(fk), of(fv), of(km), geom);
            String tag = "dropout causal=" + causal;
            assertClose(tag + " out", fo, out, 1e-5, 1e-4);
            assertClose(tag + " lse", fl, lse, 1e-5, 1e-5);
            assertClose(tag + " dq", fdq, dq, 1e-4, 1e-3);
            assertClose(tag + " dk", fdk, dk, 1e-4, 1e-3);
            assertClose(tag + " dv", fdv, dv, 1e-4, 1e-3);
        }
    }

    @Test
    void keptFractionIsOneMinusPAndSeedsDecideTheMask() {
        int bh = 16, n = 256, s = 256;
        long total = (long) bh * n * s;
        for (double p : new double[] {0.1, 0.5}) {
            double[] f = new DropoutMask(p, 42).factors(bh, n, s);
            long kept = Arrays.stream(f).filter(x -> x != 0).count();
            double sigma = Math.sqrt(p * (1 - p) / total);
            assertEquals(1 - p, (double) kept / total, 5 * sigma, "kept fraction at p=" + p);
            assertTrue(Arrays.stream(f).allMatch(x -> x == 0 || x == 1 / (1 - p)), "kept ones scaled by 1/(1-p)");
        }
        double[] a = new DropoutMask(0.1, 1).factors(4, 32, 32), a2 = new DropoutMask(0.1, 1).factors(4, 32, 32);
        double[] c = new DropoutMask(0.1, 2).factors(4, 32, 32);
        assertArrayEquals(a, a2, "same seed, same mask");
        int differ = 0;
        for (int x = 0; x < a.length; x++) if ((a[x] == 0) != (c[x] == 0)) differ++;
        // independent masks at p = 0.1 differ in about 2 p (1 - p) = 18% of places
        assertTrue(differ > a.length / 10, "different seed, different mask: " + differ + " of " + a.length);
    }

    @Test
    void rateOutsideTheUnitIntervalIsRefused() {
        assertThrows(RevtafException.class, () -> new DropoutMask(1.0, 0));
        assertThrows(RevtafException.class, () -> new DropoutMask(-0.1, 0));
        assertThrows(RevtafException.class, () -> new DropoutMask(Double.NaN, 0));
    }
}
