package org.revtaf.backend.cpu.kernels;

/** Scalar oracle of {@link Softmax}, in double, over the last axis of (rows, cols). */
public final class SoftmaxRef {
    private SoftmaxRef() {}

    public static void forward(boolean log, float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols, yo = yOff + r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[xo + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(x[xo + j] - max);
            for (int j = 0; j < cols; j++)
                y[yo + j] = (float) (log ? x[xo + j] - max - Math.log(sum) : Math.exp(x[xo + j] - max) / sum);
        }
    }

    /** y is the forward output (softmax or log-softmax). */
    public static void backward(
            boolean log, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yo = yOff + r * cols, go = dyOff + r * cols, xo = dxOff + r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += log ? dy[go + j] : (double) dy[go + j] * y[yo + j];
            for (int j = 0; j < cols; j++)
                dx[xo + j] = (float) (log ? dy[go + j] - Math.exp(y[yo + j]) * s : (dy[go + j] - s) * y[yo + j]);
        }
    }
}
