package org.revtaf.engine.backend;

/** Source taps of one output coordinate (PyTorch upsample_bilinear2d). */
public record Lerp(int i0, int i1, double w0, double w1) {
    public static Lerp of(int dst, int in, int out, boolean alignCorners) {
        double src;
        if (alignCorners) src = out > 1 ? dst * (double) (in - 1) / (out - 1) : 0;
        else src = Math.max((dst + 0.5) * in / out - 0.5, 0);
        int i0 = Math.min((int) src, in - 1);
        int i1 = i0 < in - 1 ? i0 + 1 : i0;
        double l1 = src - i0;
        return new Lerp(i0, i1, 1 - l1, l1);
    }
}
