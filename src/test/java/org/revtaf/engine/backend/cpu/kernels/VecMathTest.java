package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.ScalarMath;
import org.revtaf.engine.backend.UnaryOp;

/** Accuracy of the vector math against the double reference (bounds documented in VecMath). */
class VecMathTest {
    /** Dense sweep of [lo, hi] plus random points; odd count so the masked tail runs. */
    static float[] sweep(float lo, float hi, int n) {
        SplittableRandom r = new SplittableRandom(51);
        float[] x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = i % 2 == 0 ? lo + (hi - lo) * i / (n - 1) : (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    /** Returns {max ulp error, max abs error, max rel error} of f over x. */
    static double[] errors(VecMath.Fn f, float[] x) {
        float[] y = new float[x.length + 1];
        VecMath.map(f, of(x), of(y, 1), x.length);
        double ulp = 0, abs = 0, rel = 0;
        for (int i = 0; i < x.length; i++) {
            double want = ref(f, x[i]);
            float got = y[i + 1];
            if (Double.isNaN(want) || Double.isInfinite(want) || Math.abs(want) < Float.MIN_NORMAL) continue;
            double e = Math.abs(got - want);
            abs = Math.max(abs, e);
            rel = Math.max(rel, e / Math.abs(want));
            ulp = Math.max(ulp, e / Math.ulp((float) want));
        }
        return new double[] {ulp, abs, rel};
    }

    @Test
    void fullVectorLoopsEqualTheMaskedTailLaneByLane() {
        // map runs full vectors unmasked and only the tail masked: every element must come out
        // with the bits it gets alone (a one-element call is all tail)
        float[] x = sweep(-30f, 30f, 3 * 16 + 5);
        x[3] = Float.NaN;
        x[7] = -0f;
        for (VecMath.Fn f : VecMath.Fn.values()) {
            float[] y = new float[x.length], one = new float[1];
            VecMath.map(f, of(x), of(y), x.length);
            for (int i = 0; i < x.length; i++) {
                VecMath.map(f, of(x, i), of(one), 1);
                assertEquals(Float.floatToRawIntBits(one[0]), Float.floatToRawIntBits(y[i]), f + " at x=" + x[i]);
            }
        }
    }

    @Test
    void expAndLogWithinTwoUlp() {
        double[] e = errors(VecMath.Fn.EXP, sweep(-87f, 88.7f, 200_001));
        assertTrue(e[0] <= 2.0, "exp max ulp " + e[0]);
        double[] l = errors(VecMath.Fn.LOG, sweep(1e-30f, 1e30f, 100_001));
        assertTrue(l[0] <= 2.0, "log max ulp (wide) " + l[0]);
        double[] l2 = errors(VecMath.Fn.LOG, sweep(0.25f, 4f, 100_001));
        assertTrue(l2[0] <= 2.0, "log max ulp (near 1) " + l2[0]);
    }

    @Test
    void tanhSigmoidErfGeluAccuracy() {
        float[] x = sweep(-12f, 12f, 200_001);
        double[] t = errors(VecMath.Fn.TANH, x);
        assertTrue(t[2] <= 3e-7, "tanh max rel " + t[2]);
        double[] t2 = errors(VecMath.Fn.TANH, sweep(-0.6f, 0.6f, 100_001));
        assertTrue(t2[2] <= 3e-7, "tanh small max rel " + t2[2]);
        double[] s = errors(VecMath.Fn.SIGMOID, sweep(-80f, 80f, 100_001));
        assertTrue(s[2] <= 3e-7, "sigmoid max rel " + s[2]);
        double[] erf = errors(VecMath.Fn.ERF, sweep(-6f, 6f, 200_001));
        assertTrue(erf[1] <= 2.5e-7, "erf max abs " + erf[1]);
        double[] erfSmall = errors(VecMath.Fn.ERF, sweep(-0.5f, 0.5f, 100_001));
        assertTrue(erfSmall[2] <= 3e-7, "erf near 0 max rel " + erfSmall[2]);
        float[] gx = sweep(-10f, 10f, 200_001);
        float[] gy = new float[gx.length];
        VecMath.map(VecMath.Fn.GELU, of(gx), of(gy), gx.length);
        for (int i = 0; i < gx.length; i++) {
            double want = ScalarMath.gelu(gx[i]), err = Math.abs(gy[i] - want);
            assertTrue(err <= 2.5e-7 * Math.abs(gx[i]) + 1e-7, "gelu at " + gx[i] + ": " + gy[i] + " vs " + want);
            if (gx[i] < -3)
                assertTrue(err <= 2e-6 * Math.abs(want), "gelu tail rel at " + gx[i] + ": " + gy[i] + " vs " + want);
        }
    }

    @Test
    void specialValues() {
        float[] x = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f, 100f, -100f, 1e-40f};
        float[] y = new float[x.length];
        VecMath.map(VecMath.Fn.EXP, of(x), of(y), x.length);
        assertEquals(1f, y[0]);
        assertTrue(Float.isNaN(y[2]));
        assertEquals(Float.POSITIVE_INFINITY, y[3]);
        assertEquals(0f, y[4]);
        assertEquals(Float.POSITIVE_INFINITY, y[6]);
        assertEquals(0f, y[7]);
        VecMath.map(VecMath.Fn.LOG, of(x), of(y), x.length);
        assertEquals(Float.NEGATIVE_INFINITY, y[0]);
        assertTrue(Float.isNaN(y[2]) && Float.isNaN(y[5]));
        assertEquals(Float.POSITIVE_INFINITY, y[3]);
        assertEquals(Math.log(1e-40f), y[8], 1e-5); // subnormal input
        VecMath.map(VecMath.Fn.TANH, of(x), of(y), x.length);
        assertEquals(1f, y[3]);
        assertEquals(-1f, y[4]);
        assertEquals(1f, y[6]);
        VecMath.map(VecMath.Fn.SIGMOID, of(x), of(y), x.length);
        assertEquals(0.5f, y[0]);
        assertEquals(1f, y[3]);
        assertEquals(0f, y[4]);
        VecMath.map(VecMath.Fn.RELU, of(x), of(y), x.length);
        assertEquals(0f, y[5]);
        assertEquals(100f, y[6]);
    }

    @Test
    void backwardHelpersMatchReferenceAndCentralDifferences() {
        Checks.bothThreadCounts(() -> {
            SplittableRandom r = new SplittableRandom(52);
            int n = 70_001;
            float[] x = Checks.rand(r, n), dy = Checks.rand(r, n);
            for (int i = 0; i < n; i++) x[i] *= 6;
            for (VecMath.Grad g : VecMath.Grad.values()) {
                float[] saved = new float[n];
                VecMath.Fn fn = switch (g) {
                    case RELU, GELU -> null;
                    case TANH -> VecMath.Fn.TANH;
                    case SIGMOID -> VecMath.Fn.SIGMOID;
                    case EXP -> VecMath.Fn.EXP;
                    case LOG -> null;
                };
                float[] in = x.clone();
                if (g == VecMath.Grad.LOG) for (int i = 0; i < n; i++) in[i] = Math.abs(in[i]) + 0.1f;
                if (fn == null) saved = in;
                else VecMath.map(fn, of(in), of(saved), n);
                float[] want = new float[n], got = new float[n];
                for (int i = 0; i < n; i++)
                    want[i] = (float) (dy[i] * ScalarMath.derivative(op(g), saved[i], saved[i], 0, 0));
                VecMath.grad(g, of(saved), of(dy), of(got), n);
                Checks.close("grad " + g, want, got, 1e-6, 1e-5);
                // derivative of the reference function by central differences at a few points
                VecMath.Fn f = switch (g) {
                    case RELU -> VecMath.Fn.RELU;
                    case GELU -> VecMath.Fn.GELU;
                    case TANH -> VecMath.Fn.TANH;
                    case SIGMOID -> VecMath.Fn.SIGMOID;
                    case EXP -> VecMath.Fn.EXP;
                    case LOG -> VecMath.Fn.LOG;
                };
                for (int i = 0; i < 200; i++) {
                    double xi = in[i];
                    if (g == VecMath.Grad.RELU && Math.abs(xi) < 1e-3) continue;
                    double h = 1e-6, num = (ref(f, xi + h) - ref(f, xi - h)) / (2 * h);
                    assertEquals(num * dy[i], got[i], 2e-5 * (1 + Math.abs(num)), "d" + g + " at " + xi);
                }
            }
        });
    }

    @Test
    void referenceErfIsAccurate() {
        // known values (Abramowitz & Stegun table / high-precision)
        assertEquals(0.8427007929497149, ScalarMath.erf(1), 1e-15);
        assertEquals(0.9999779095030014, ScalarMath.erf(3), 1e-15);
        assertEquals(-0.5204998778130465, ScalarMath.erf(-0.5), 1e-15);
        assertEquals(1.5374597944280349e-12, ScalarMath.erfc(5), 1e-24);
        assertEquals(4.109787809945886e-05, ScalarMath.erfc(2.9), 1e-18);
        assertEquals(0.033894853524689274, ScalarMath.erfc(1.5), 1e-16);
    }

    /** The double oracle of one VecMath function (ScalarMath). */
    static double ref(VecMath.Fn f, double x) {
        return f == VecMath.Fn.ERF ? ScalarMath.erf(x) : ScalarMath.apply(UnaryOp.valueOf(f.name()), x, 0, 0);
    }

    /** The elementwise op whose derivative a VecMath.Grad computes from its saved value (x or y). */
    static UnaryOp op(VecMath.Grad g) {
        return UnaryOp.valueOf(g.name());
    }
}
