package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.Buf;

/**
 * Softmax and log-softmax over the last axis of a row-major (rows, cols) block, forward and
 * backward; max-subtracted (no overflow), rows in parallel, Vector API with masked tails. A row
 * whose entries are all -inf gives NaN, as in PyTorch. Oracle: {@link SoftmaxRef}.
 */
public final class Softmax {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Softmax() {}

    // x, y: (rows, cols)
    public static void forward(Buf.F32 x, Buf.F32 y, int rows, int cols) {
        float[] xA = Buf.arr(x), yA = Buf.arr(y);
        int xOff = Buf.off(x), yOff = Buf.off(y);
        run(false, xA, xOff, yA, yOff, rows, cols);
    }

    // x, y: (rows, cols); y = x - max - log(sum(exp(x - max)))
    public static void logForward(Buf.F32 x, Buf.F32 y, int rows, int cols) {
        float[] xA = Buf.arr(x), yA = Buf.arr(y);
        int xOff = Buf.off(x), yOff = Buf.off(y);
        run(true, xA, xOff, yA, yOff, rows, cols);
    }

    // y = softmax(x), dy, dx: (rows, cols); dx = y * (dy - sum(dy * y))
    public static void backward(Buf.F32 y, Buf.F32 dy, Buf.F32 dx, int rows, int cols) {
        float[] yA = Buf.arr(y), dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int yOff = Buf.off(y), dyOff = Buf.off(dy), dxOff = Buf.off(dx);
        Parallel.range(rows, grain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int yo = yOff + r * cols, go = dyOff + r * cols, xo = dxOff + r * cols;
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                for (; j + L <= cols; j += L)
                    acc = FloatVector.fromArray(S, dyA, go + j).fma(FloatVector.fromArray(S, yA, yo + j), acc);
                float dot = VecMath.sum(acc);
                for (; j < cols; j++) dot += dyA[go + j] * yA[yo + j];
                j = 0;
                for (; j + L <= cols; j += L)
                    FloatVector.fromArray(S, dyA, go + j)
                            .sub(dot)
                            .mul(FloatVector.fromArray(S, yA, yo + j))
                            .intoArray(dxA, xo + j);
                for (; j < cols; j++) dxA[xo + j] = (dyA[go + j] - dot) * yA[yo + j];
            }
        });
    }

    // y = log_softmax(x), dy, dx: (rows, cols); dx = dy - exp(y) * sum(dy)
    public static void logBackward(Buf.F32 y, Buf.F32 dy, Buf.F32 dx, int rows, int cols) {
        float[] yA = Buf.arr(y), dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int yOff = Buf.off(y), dyOff = Buf.off(dy), dxOff = Buf.off(dx);
        Parallel.range(rows, grain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int yo = yOff + r * cols, go = dyOff + r * cols, xo = dxOff + r * cols;
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                for (; j + L <= cols; j += L) acc = acc.add(FloatVector.fromArray(S, dyA, go + j));
                float sum = VecMath.sum(acc);
                for (; j < cols; j++) sum += dyA[go + j];
                j = 0;
                for (; j + L <= cols; j += L)
                    VecMath.exp(FloatVector.fromArray(S, yA, yo + j))
                            .mul(-sum)
                            .add(FloatVector.fromArray(S, dyA, go + j))
                            .intoArray(dxA, xo + j);
                for (; j < cols; j++) dxA[xo + j] = dyA[go + j] - (float) Math.exp(yA[yo + j]) * sum;
            }
        });
    }

    private static int grain(int cols) {
        return Math.max(1, 8192 / Math.max(1, cols));
    }

    private static void run(boolean log, float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        if (cols == 0) return;
        Parallel.range(rows, grain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) row(log, x, xOff + r * cols, y, yOff + r * cols, cols);
        });
    }

    private static void row(boolean log, float[] x, int xo, float[] y, int yo, int cols) {
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + L <= cols; j += L) vmax = vmax.max(FloatVector.fromArray(S, x, xo + j));
        if (j < cols) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            vmax = vmax.max(FloatVector.fromArray(S, x, xo + j, m).blend(Float.NEGATIVE_INFINITY, m.not()));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        // exp(x - max), summed; softmax writes it to y on the way (one masked loop: a single
        // inlined exp keeps this method within C2's inlining budget)
        FloatVector vsum = FloatVector.zero(S);
        for (j = 0; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            FloatVector e = VecMath.exp(FloatVector.fromArray(S, x, xo + j, m).sub(max));
            vsum = vsum.add(e, m);
            if (!log) e.intoArray(y, yo + j, m);
        }
        float sum = VecMath.sum(vsum);
        if (log) {
            float lse = (float) Math.log(sum); // y = (x - max) - lse: exact for huge max
            for (j = 0; j + L <= cols; j += L)
                FloatVector.fromArray(S, x, xo + j).sub(max).sub(lse).intoArray(y, yo + j);
            for (; j < cols; j++) y[yo + j] = (x[xo + j] - max) - lse;
        } else {
            float inv = 1f / sum;
            for (j = 0; j + L <= cols; j += L)
                FloatVector.fromArray(S, y, yo + j).mul(inv).intoArray(y, yo + j);
            for (; j < cols; j++) y[yo + j] *= inv;
        }
    }
}
