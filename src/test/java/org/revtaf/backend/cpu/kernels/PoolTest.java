package org.revtaf.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoolTest {
    static final PoolShape[] SHAPES = {
        PoolShape.of(1, 1, 1, 1, 1, 1, 0),
        PoolShape.of(2, 3, 7, 9, 3, 2, 1),
        PoolShape.of(1, 4, 112, 112, 3, 2, 1), // ResNet stem pool
        new PoolShape(3, 2, 10, 7, 2, 3, 2, 1, 1, 1),
        PoolShape.of(2, 5, 8, 8, 2, 2, 0),
        PoolShape.of(1, 2, 5, 5, 5, 1, 2),
    };

    @Test
    void matchesReference() {
        Checks.bothThreadCounts(() -> {
            SplittableRandom r = new SplittableRandom(41);
            for (PoolShape s : SHAPES) {
                int in = s.planes() * s.h() * s.w(), out = s.planes() * s.oh() * s.ow();
                float[] x = Checks.rand(r, in), dy = Checks.rand(r, out);
                float[] yW = new float[out], yG = new float[out];
                int[] iW = new int[out], iG = new int[out];
                PoolRef.maxForward(s, x, 0, yW, 0, iW, 0);
                Pool.maxForward(s, x, 0, yG, 0, iG, 0);
                assertArrayEquals(yW, yG, "max " + s);
                assertArrayEquals(iW, iG, "argmax " + s);
                float[] dW = new float[in], dG = Checks.rand(r, in);
                PoolRef.maxBackward(s, dy, 0, iW, 0, dW, 0);
                Pool.maxBackward(s, dy, 0, iG, 0, dG, 0);
                Checks.close("max backward " + s, dW, dG, 1e-6, 1e-6);
                for (boolean cip : new boolean[] {true, false}) {
                    PoolRef.avgForward(s, cip, x, 0, yW, 0);
                    Pool.avgForward(s, cip, x, 0, yG, 0);
                    Checks.close("avg " + cip + " " + s, yW, yG, 1e-6, 1e-5);
                    PoolRef.avgBackward(s, cip, dy, 0, dW, 0);
                    Pool.avgBackward(s, cip, dy, 0, dG, 0);
                    Checks.close("avg backward " + cip + " " + s, dW, dG, 1e-6, 1e-5);
                }
            }
            int[][] ad = {{3, 7, 7, 1, 1}, {2, 10, 7, 3, 4}, {1, 5, 5, 5, 5}, {2, 4, 6, 7, 9}, {4, 13, 11, 2, 1}};
            for (int[] a : ad) {
                int planes = a[0], h = a[1], w = a[2], oh = a[3], ow = a[4];
                float[] x = Checks.rand(r, planes * h * w), dy = Checks.rand(r, planes * oh * ow);
                float[] yW = new float[planes * oh * ow], yG = new float[yW.length];
                PoolRef.adaptiveAvgForward(planes, h, w, oh, ow, x, 0, yW, 0);
                Pool.adaptiveAvgForward(planes, h, w, oh, ow, x, 0, yG, 0);
                Checks.close("adaptive", yW, yG, 1e-6, 1e-5);
                float[] dW = new float[x.length], dG = Checks.rand(r, x.length);
                PoolRef.adaptiveAvgBackward(planes, h, w, oh, ow, dy, 0, dW, 0);
                Pool.adaptiveAvgBackward(planes, h, w, oh, ow, dy, 0, dG, 0);
                Checks.close("adaptive backward", dW, dG, 1e-6, 1e-5);
            }
        });
    }

    @Test
    void maxPoolPropagatesNanAndPicksFirstMax() {
        PoolShape s = PoolShape.of(1, 1, 2, 2, 2, 2, 0);
        float[] y = new float[1];
        int[] idx = new int[1];
        Pool.maxForward(s, new float[] {1, 3, 3, 2}, 0, y, 0, idx, 0);
        assertEquals(3f, y[0]);
        assertEquals(1, idx[0]);
        Pool.maxForward(s, new float[] {1, Float.NaN, 5, 2}, 0, y, 0, idx, 0);
        assertEquals(Float.NaN, y[0]);
        assertEquals(1, idx[0]);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(42);
        PoolShape s = new PoolShape(2, 2, 6, 5, 3, 2, 2, 1, 1, 1);
        int in = s.planes() * s.h() * s.w(), out = s.planes() * s.oh() * s.ow();
        float[] x = new float[in];
        for (int i = 0; i < in; i++) x[i] = (float) ((i * 37 % in) * 0.01 + r.nextDouble() * 1e-3); // distinct: no ties
        float[] dy = Checks.rand(r, out), y = new float[out], dx = new float[in];
        double[] xd = Checks.toDouble(x), w = Checks.toDouble(dy);
        int[] idx = new int[out];
        Pool.maxForward(s, x, 0, y, 0, idx, 0);
        Pool.maxBackward(s, dy, 0, idx, 0, dx, 0);
        Checks.close("max grad", Checks.numericGrad(v -> DoubleRef.pool(s, v, 0), xd, w, 1e-6), dx, 1e-5, 1e-4);
        for (boolean cip : new boolean[] {true, false}) {
            Pool.avgBackward(s, cip, dy, 0, dx, 0);
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
        Pool.adaptiveAvgBackward(planes, h, wd, oh, ow, ady, 0, adx, 0);
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
        assertThrows(IllegalArgumentException.class, () -> PoolShape.of(1, 1, 4, 4, 2, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> PoolShape.of(1, 1, 2, 2, 3, 1, 0));
    }
}
