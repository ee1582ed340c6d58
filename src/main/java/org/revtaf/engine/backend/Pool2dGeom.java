package org.revtaf.engine.backend;

/**
 * Geometry of a 2-D pooling window over NCHW input (n, c, h, w): kernel kh x kw, stride, zero
 * (avg) or -inf (max) padding; output (n, c, oh, ow), oh = (h + 2 ph - kh) / sh + 1 (floor mode).
 */
public record Pool2dGeom(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
    public Pool2dGeom {
        if (n < 0 || c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0)
            throw new IllegalArgumentException("pool2d: bad geometry " + this);
        if (2 * ph > kh || 2 * pw > kw)
            throw new IllegalArgumentException("pool2d: padding must be at most half the kernel: " + this);
        if (h + 2 * ph < kh || w + 2 * pw < kw)
            throw new IllegalArgumentException("pool2d: kernel larger than padded input: " + this);
    }

    public static Pool2dGeom of(int n, int c, int h, int w, int k, int stride, int pad) {
        return new Pool2dGeom(n, c, h, w, k, k, stride, stride, pad, pad);
    }

    public int oh() {
        return (h + 2 * ph - kh) / sh + 1;
    }

    public int ow() {
        return (w + 2 * pw - kw) / sw + 1;
    }

    /** Number of (n, c) planes. */
    public int planes() {
        return n * c;
    }

    /** Cells averaged by output (oy, ox): the whole window when countIncludePad, else its part inside the input. */
    public int divisor(int oy, int ox, boolean countIncludePad) {
        int y0 = oy * sh - ph, x0 = ox * sw - pw;
        int y1 = Math.min(y0 + kh, h + ph), x1 = Math.min(x0 + kw, w + pw);
        if (countIncludePad) return (y1 - y0) * (x1 - x0);
        return (Math.min(y1, h) - Math.max(y0, 0)) * (Math.min(x1, w) - Math.max(x0, 0));
    }
}
