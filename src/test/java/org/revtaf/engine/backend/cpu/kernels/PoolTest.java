package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Pool2dGeom;
import org.revtaf.engine.backend.reference.RefConv;

class PoolTest {
    static final Pool2dGeom[] SHAPES = {
        Pool2dGeom.of(1, 1, 1, 1, 1, 1, 0),
        Pool2dGeom.of(2, 3, 7, 9, 3, 2, 1),
        Pool2dGeom.of(1, 4, 112, 112, 3, 2, 1), // ResNet stem pool
        new Pool2dGeom(3, 2, 10, 7, 2, 3, 2, 1, 1, 1),
        Pool2dGeom.of(2, 5, 8, 8, 2, 2, 0),
        Pool2dGeom.of(1, 2, 5, 5, 5, 1, 2),
    };

    @Test
    void matchesReference() {
        Checks.bothThreadCounts(() -> {
            SplittableRandom r = new SplittableRandom(41);
            for (Pool2dGeom s : SHAPES) {
                int in = s.planes() * s.h() * s.w(), out = s.planes() * s.oh() * s.ow();
                float[] x = Checks.rand(r, in), dy = Checks.rand(r, out);
                int[] iG = maxMatchesReference(s, x);
                float[] yW = new float[out], yG = new float[out];
                int[] iW = iG.clone();
                float[] dW = new float[in], dG = Checks.rand(r, in);
                Checks.ref(bufs -> RefConv.maxBackward(s, bufs[0], of(iW), bufs[1]), dy, dW);
                Pool.maxBackward(s, of(dy), of(iG), of(dG));
                Checks.close("max backward " + s, dW, dG, 1e-6, 1e-6);
                for (boolean cip : new boolean[] {true, false}) {
                    Checks.ref(bufs -> RefConv.avgForward(s, cip, bufs[0], bufs[1]), x, yW);
                    Pool.avgForward(s, cip, of(x), of(yG));
                    Checks.close("avg " + cip + " " + s, yW, yG, 1e-6, 1e-5);
                    Checks.ref(bufs -> RefConv.avgBackward(s, cip, bufs[0], bufs[1]), dy, dW);
                    Pool.avgBackward(s, cip, of(dy), of(dG));
                    Checks.close("avg backward " + cip + " " + s, dW, dG, 1e-6, 1e-5);
                }
            }
            int[][] ad = {{3, 7, 7, 1, 1}, {2, 10, 7, 3, 4}, {1, 5, 5, 5, 5}, {2, 4, 6, 7, 9}, {4, 13, 11, 2, 1}};
            for (int[] a : ad) {
                int planes = a[0], h = a[1], w = a[2], oh = a[3], ow = a[4];
                float[] x = Checks.rand(r, planes * h * w), dy = Checks.rand(r, planes * oh * ow);
                float[] yW = new float[planes * oh * ow], yG = new float[yW.length];
                Checks.ref(bufs -> RefConv.adaptiveAvgForward(planes, h, w, oh, ow, bufs[0], bufs[1]), x, yW);
                Pool.adaptiveAvgForward(planes, h, w, oh, ow, of(x), of(yG));
                Checks.close("adaptive", yW, yG, 1e-6, 1e-5);
                float[] dW = new float[x.length], dG = Checks.rand(r, x.length);
                Checks.ref(bufs -> RefConv.adaptiveAvgBackward(planes, h, w, oh, ow, bufs[0], bufs[1]), dy, dW);
                Pool.adaptiveAvgBackward(planes, h, w, oh, ow, of(dy), of(dG));
                Checks.close("adaptive backward", dW, dG, 1e-6, 1e-5);
            }
        });
    }

    @Test
    void vectorMaxPoolKeepsFirstMaxAndNanRules() {
        // rows wide enough for whole vectors at stride 1 and 2; few distinct values (ties) and NaNs
        Pool2dGeom[] shapes = {
            Pool2dGeom.of(2, 3, 9, 75, 3, 2, 1),
            Pool2dGeom.of(1, 2, 6, 70, 3, 1, 1),
            Pool2dGeom.of(1, 2, 5, 68, 2, 2, 0)
        };
        SplittableRandom r = new SplittableRandom(43);
        for (Pool2dGeom s : shapes) {
            float[] x = new float[s.planes() * s.h() * s.w()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextInt(40) == 0 ? Float.NaN : r.nextInt(4);
            maxMatchesReference(s, x);
        }
    }

    /** Max pool of x: values and argmax equal to the reference's; returns the argmax. */
    private static int[] maxMatchesReference(Pool2dGeom s, float[] x) {
        int out = s.planes() * s.oh() * s.ow();
        float[] yW = new float[out], yG = new float[out];
        int[] iW = new int[out], iG = new int[out];
        Checks.ref(bufs -> RefConv.maxForward(s, bufs[0], bufs[1], of(iW)), x, yW);
        Pool.maxForward(s, of(x), of(yG), of(iG));
        assertArrayEquals(yW, yG, "max " + s);
        assertArrayEquals(iW, iG, "argmax " + s);
        return iG;
    }

    @Test
    void maxPoolPropagatesNanAndPicksFirstMax() {
        Pool2dGeom s = Pool2dGeom.of(1, 1, 2, 2, 2, 2, 0);
        float[] y = new float[1];
        int[] idx = new int[1];
        Pool.maxForward(s, of(new float[] {1, 3, 3, 2}, 0), of(y), of(idx));
        assertEquals(3f, y[0]);
        assertEquals(1, idx[0]);
        Pool.maxForward(s, of(new float[] {1, Float.NaN, 5, 2}, 0), of(y), of(idx));
        assertEquals(Float.NaN, y[0]);
        assertEquals(1, idx[0]);
        // nothing replaces a NaN, not a larger value nor a later NaN
        Pool.maxForward(s, of(new float[] {Float.NaN, 1, 5, Float.NaN}, 0), of(y), of(idx));
        assertEquals(Float.NaN, y[0]);
        assertEquals(0, idx[0]);
        Pool.maxForward(s, of(new float[] {-1, -2, Float.NaN, Float.NaN}, 0), of(y), of(idx));
        assertEquals(2, idx[0]);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(42);
        Pool2dGeom s = new Pool2dGeom(2, 2, 6, 5, 3, 2, 2, 1, 1, 1);
        int in = s.planes() * s.h() * s.w(), out = s.planes() * s.oh() * s.ow();
        float[] x = new float[in];
        for (int i = 0; i < in; i++) x[i] = (float) ((i * 37 % in) * 0.01 + r.nextDouble() * 1e-3); // distinct: no ties
        float[] dy = Checks.rand(r, out), y = new float[out], dx = new float[in];
        double[] xd = Checks.toDouble(x), w = Checks.toDouble(dy);
        int[] idx = new int[out];
        Pool.maxForward(s, of(x), of(y), of(idx));
        Pool.maxBackward(s, of(dy), of(idx), of(dx));
        Checks.close("max grad", Checks.numericGrad(v -> DoubleRef.pool(s, v, 0), xd, w, 1e-6), dx, 1e-5, 1e-4);
        for (boolean cip : new boolean[] {true, false}) {
            Pool.avgBackward(s, cip, of(dy), of(dx));
            Checks.close(
                    "avg grad " + cip,
                    Checks.numericGrad(v -> DoubleRef.pool(s, v, cip ? 1 : 2), xd, w, 1e-5),
                    dx,
                    1e-5,
                    1e-4);
        }
        int planes = 2, h = 7, wd = 5, oh = 3, ow = 2;
        float[] ax = Checks.rand(r, planes * h * wd),
                ady = Checks.rand(r, planes * oh * ow),
                adx = new float[ax.length];
        Pool.adaptiveAvgBackward(planes, h, wd, oh, ow, of(ady), of(adx));
        Checks.close(
                "adaptive grad",
                Checks.numericGrad(
                        v -> DoubleRef.adaptiveAvg(v, planes, h, wd, oh, ow),
                        Checks.toDouble(ax),
                        Checks.toDouble(ady),
                        1e-5),
                adx,
                1e-5,
                1e-4);
    }

    @Test
    void rejectsBadGeometry() {
        assertThrows(IllegalArgumentException.class, () -> Pool2dGeom.of(1, 1, 4, 4, 2, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Pool2dGeom.of(1, 1, 2, 2, 3, 1, 0));
    }
}
