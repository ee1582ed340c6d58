package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.reference.RefReduce;

class SoftmaxTest {
    @Test
    void matchesReferenceAtOddShapes() {
        Checks.bothThreadCounts(() -> {
            SplittableRandom r = new SplittableRandom(21);
            int[][] shapes = {{1, 1}, {3, 17}, {5, 16}, {2, 100}, {7, 33}, {600, 31}, {1, 1025}};
            for (int[] sh : shapes) {
                int rows = sh[0], cols = sh[1], n = rows * cols;
                float[] x = Checks.rand(r, n);
                for (int i = 0; i < n; i++) x[i] *= 20;
                float[] dy = Checks.rand(r, n);
                for (boolean log : new boolean[] {false, true}) {
                    float[] want = new float[n + 2], got = new float[n + 2];
                    Checks.ref(bufs -> RefReduce.softmax(log, bufs[0], Checks.at(bufs[1], 2), rows, cols, 1), x, want);
                    if (log) Softmax.logForward(of(x), of(got, 2), rows, cols);
                    else Softmax.forward(of(x), of(got, 2), rows, cols);
                    Checks.close("forward log=" + log + " " + rows + "x" + cols, want, got, 2e-6, 1e-5);
                    float[] dxWant = new float[n], dxGot = new float[n];
                    Checks.ref(
                            bufs -> RefReduce.softmaxBackward(
                                    log, Checks.at(bufs[0], 2), bufs[1], bufs[2], rows, cols, 1),
                            want,
                            dy,
                            dxWant);
                    if (log) Softmax.logBackward(of(want, 2), of(dy), of(dxGot), rows, cols);
                    else Softmax.backward(of(want, 2), of(dy), of(dxGot), rows, cols);
                    Checks.close("backward log=" + log, dxWant, dxGot, 2e-6, 1e-5);
                }
            }
        });
    }

    @Test
    void numericallySafeForHugeAndInfiniteInputs() {
        float[] x = {1e4f, 1e4f - 1, -1e4f, Float.NEGATIVE_INFINITY, 3e38f, 3e38f};
        float[] y = new float[6], ly = new float[6];
        Softmax.forward(of(x), of(y), 2, 3);
        Softmax.logForward(of(x), of(ly), 2, 3);
        assertEquals(1 / (1 + Math.exp(-1)), y[0], 1e-6);
        assertEquals(0f, y[2]);
        assertEquals(0f, y[3]);
        assertEquals(0.5f, y[4], 1e-6);
        assertEquals(Float.NEGATIVE_INFINITY, ly[3]);
        assertEquals(-Math.log(2), ly[5], 1e-6);
        for (float v : y) assertTrue(!Float.isNaN(v));
    }

    @Test
    void gradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(22);
        int rows = 3, cols = 19;
        float[] x = Checks.rand(r, rows * cols), dy = Checks.rand(r, rows * cols);
        for (boolean log : new boolean[] {false, true}) {
            float[] y = new float[x.length], dx = new float[x.length];
            if (log) {
                Softmax.logForward(of(x), of(y), rows, cols);
                Softmax.logBackward(of(y), of(dy), of(dx), rows, cols);
            } else {
                Softmax.forward(of(x), of(y), rows, cols);
                Softmax.backward(of(y), of(dy), of(dx), rows, cols);
            }
            double[] num = Checks.numericGrad(
                    v -> DoubleRef.softmax(v, rows, cols, log), Checks.toDouble(x), Checks.toDouble(dy), 1e-5);
            Checks.close("softmax grad log=" + log, num, dx, 1e-5, 1e-3);
        }
    }
}
