package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.revtaf.engine.backend.Buf.of;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.dotLoss;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.gradCheck;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.randn;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.roundTrip;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.toFloat;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.reference.AttentionRef;

/** Fused attention: gradient checks (double) with padding/causal masks and fully masked rows; cpu vs reference. */
class AttentionTest {

    private record Case(int b, int h, int n, int s, int d, boolean causal, float[] keyMask) {}

    /** The oracle's out, lse and gradients for upstream g (dq, dk, dv checked against central differences of g . out). */
    record OracleGrads(double[] out, double[] lse, double[] dq, double[] dk, double[] dv) {
        static OracleGrads check(
                String what, double[] q, double[] k, double[] v, double[] g, float[] km, AttentionGeom geom) {
            double[] out = new double[q.length], lse = new double[geom.b() * geom.h() * geom.n()];
            double[] dq = new double[q.length], dk = new double[k.length], dv = new double[v.length];
            AttentionRef.forward(of(out), of(lse), of(q), of(k), of(v), of(km), geom);
            AttentionRef.backward(of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), of(km), geom);
            java.util.function.DoubleSupplier loss = () -> {
                AttentionRef.forward(of(out), of(lse), of(q), of(k), of(v), of(km), geom);
                return dotLoss(g, out);
            };
            String causal = " causal=" + geom.causal();
            gradCheck(what + " dq" + causal, q, dq, loss, 1e-5, 1e-8, 1e-6, 1000);
            gradCheck(what + " dk" + causal, k, dk, loss, 1e-5, 1e-8, 1e-6, 1000);
            gradCheck(what + " dv" + causal, v, dv, loss, 1e-5, 1e-8, 1e-6, 1000);
            return new OracleGrads(out, lse, dq, dk, dv);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsMatchFiniteDifferences(boolean causal) {
        SplittableRandom r = new SplittableRandom(41);
        int b = 3, h = 2, n = 4, s = causal ? 4 : 6, d = 3;
        float[] km = new float[b * s];
        java.util.Arrays.fill(km, 1f);
        km[s - 1] = 0f; // item 0: last key padded
        km[s] = 0f; // item 1: first key padded (causal: query 0 then sees nothing -> fully masked row)
        java.util.Arrays.fill(km, 2 * s, 3 * s, 0f); // item 2: every key padded
        double scale = 1 / Math.sqrt(d);
        double[] q = randn(r, b * h * n * d, 1), k = randn(r, b * h * s * d, 1), v = randn(r, b * h * s * d, 1);
        double[] g = randn(r, b * h * n * d, 1);
        AttentionGeom geom = new AttentionGeom(b, h, n, s, d, scale, causal, DropoutMask.NONE);
        OracleGrads o = OracleGrads.check("attention", q, k, v, g, km, geom);
        double[] out = o.out(), lse = o.lse(), dq = o.dq(), dk = o.dk(), dv = o.dv();
        // item 2 (all keys padded): output 0, lse -inf, zero gradients
        for (int e = 2 * h * n * d; e < 3 * h * n * d; e++) {
            assertEquals(0.0, out[e]);
            assertEquals(0.0, dq[e]);
        }
        for (int e = 2 * h * n; e < 3 * h * n; e++) assertEquals(Double.NEGATIVE_INFINITY, lse[e]);
        if (causal) assertEquals(Double.NEGATIVE_INFINITY, lse[h * n], "item 1, query 0: its only key is padded");
        // padded keys get no gradient
        for (int hi = 0; hi < h; hi++)
            for (int e = 0; e < d; e++) {
                assertEquals(0.0, dk[((0 * h + hi) * s + s - 1) * d + e]);
                assertEquals(0.0, dv[((1 * h + hi) * s) * d + e]);
            }
    }

    @Test
    void causalWithKeyCacheSeesThePastOnly() {
        // n = 1 query against s = 4 keys with causal: the last query sees every key (decoding step)
        SplittableRandom r = new SplittableRandom(42);
        int d = 2, s = 4;
        double[] q = randn(r, d, 1), k = randn(r, s * d, 1), v = randn(r, s * d, 1);
        double[] a = new double[d], b = new double[d], lse = new double[1];
        AttentionGeom geom = new AttentionGeom(1, 1, 1, s, d, 0.7, true, DropoutMask.NONE);
        AttentionRef.forward(of(a), of(lse), of(q), of(k), of(v), null, geom);
        AttentionGeom full = new AttentionGeom(1, 1, 1, s, d, 0.7, false, DropoutMask.NONE);
        AttentionRef.forward(of(b), of(lse), of(q), of(k), of(v), null, full);
        for (int e = 0; e < d; e++) assertEquals(b[e], a[e], 1e-15);
    }

    @Test
    void cpuMatchesReferenceAtOddShapes() {
        SplittableRandom r = new SplittableRandom(43);
        Case[] cases = {
            new Case(1, 1, 1, 1, 1, false, null),
            new Case(2, 3, 7, 13, 17, false, keyMask(2, 13, 3)),
            new Case(1, 2, 67, 67, 64, true, null),
            new Case(2, 1, 5, 131, 33, false, keyMask(2, 131, 40)),
            new Case(2, 2, 19, 70, 32, true, keyMask(2, 70, 5)),
            new Case(1, 1, 3, 3, 128, true, new float[] {0, 1, 1}), // query 0 fully masked
        };
        for (Case c : cases) {
            String tag = String.format(
                    "attention b=%d h=%d n=%d s=%d d=%d causal=%s mask=%s",
                    c.b, c.h, c.n, c.s, c.d, c.causal, c.keyMask != null);
            int qLen = c.b * c.h * c.n * c.d, kLen = c.b * c.h * c.s * c.d;
            double scale = 1 / Math.sqrt(c.d);
            double[] q = roundTrip(randn(r, qLen, 1)),
                    k = roundTrip(randn(r, kLen, 1)),
                    v = roundTrip(randn(r, kLen, 1));
            double[] g = roundTrip(randn(r, qLen, 1)), out = new double[qLen], lse = new double[c.b * c.h * c.n];
            double[] dq = new double[qLen], dk = new double[kLen], dv = new double[kLen];
            AttentionGeom geom = new AttentionGeom(c.b, c.h, c.n, c.s, c.d, scale, c.causal, DropoutMask.NONE);
            AttentionRef.forward(of(out), of(lse), of(q), of(k), of(v), of(c.keyMask), geom);
            AttentionRef.backward(
                    of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), of(c.keyMask), geom);
            float[] fq = toFloat(q), fk = toFloat(k), fv = toFloat(v), fg = toFloat(g);
            float[] fo = new float[qLen], fl = new float[c.b * c.h * c.n];
            float[] fdq = new float[qLen], fdk = new float[kLen], fdv = new float[kLen];
            AttentionCpu.forward(of(fo), of(fl), of(fq), of(fk), of(fv), of(c.keyMask), geom);
            AttentionCpu.backward(
                    of(fdq), of(fdk), of(fdv), of(fg), of(fo), of(fl), of(fq), of(fk), of(fv), of(c.keyMask), geom);
            assertClose(tag + " out", fo, out, 1e-5, 1e-4);
            assertClose(tag + " lse", fl, lse, 1e-5, 1e-5);
            assertClose(tag + " dq", fdq, dq, 1e-4, 1e-3);
            assertClose(tag + " dk", fdk, dk, 1e-4, 1e-3);
            assertClose(tag + " dv", fdv, dv, 1e-4, 1e-3);
        }
    }

    private static float[] keyMask(int b, int s, int paddedInLastItem) {
        float[] m = new float[b * s];
        java.util.Arrays.fill(m, 1f);
        java.util.Arrays.fill(m, b * s - paddedInLastItem, b * s, 0f);
        return m;
    }
}
