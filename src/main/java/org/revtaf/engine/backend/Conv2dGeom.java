package org.revtaf.engine.backend;

/**
 * Geometry of a 2-D convolution, NCHW: input x (n, c, h, w), weight (oc, c / groups, kh, kw),
 * output y (n, oc, oh, ow) with oh = (h + 2*ph - dh*(kh-1) - 1) / sh + 1 (same for ow). Passed
 * as one value, like a C struct in the kernel ABI; the ops validate user input before building it
 * (its own checks are for caller bugs).
 */
public record Conv2dGeom(
        int n,
        int c,
        int h,
        int w,
        int oc,
        int kh,
        int kw,
        int sh,
        int sw,
        int ph,
        int pw,
        int dh,
        int dw,
        int groups) {
    public Conv2dGeom {
        if (n < 0 || c < 1 || h < 1 || w < 1 || oc < 1 || kh < 1 || kw < 1)
            throw new IllegalArgumentException("conv2d: bad sizes " + this);
        if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0)
            throw new IllegalArgumentException("conv2d: stride/dilation must be >= 1 and padding >= 0: " + this);
        if (groups < 1 || c % groups != 0 || oc % groups != 0)
            throw new IllegalArgumentException("conv2d: groups=" + groups + " must divide c=" + c + " and oc=" + oc);
        if (h + 2 * ph < dh * (kh - 1) + 1 || w + 2 * pw < dw * (kw - 1) + 1)
            throw new IllegalArgumentException("conv2d: kernel larger than padded input: " + this);
    }

    /** Square kernel, stride, padding, dilation 1, one group. */
    public static Conv2dGeom of(int n, int c, int h, int w, int oc, int k, int stride, int pad) {
        return new Conv2dGeom(n, c, h, w, oc, k, k, stride, stride, pad, pad, 1, 1, 1);
    }

    /** Output size of one spatial axis. */
    public static int outSize(int in, int k, int stride, int pad, int dil) {
        return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
    }

    public int oh() {
        return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    }

    public int ow() {
        return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    }

    /** Input channels per group. */
    public int cg() {
        return c / groups;
    }

    /** Output channels per group. */
    public int ocg() {
        return oc / groups;
    }

    /** Elements of one im2col column block: cg * kh * kw rows. */
    public int kdim() {
        return cg() * kh * kw;
    }

    public long xSize() {
        return (long) n * c * h * w;
    }

    public long ySize() {
        return (long) n * oc * oh() * ow();
    }

    public long wSize() {
        return (long) oc * kdim();
    }

    /** Multiply-adds times two of the forward pass. */
    public double flops() {
        return 2.0 * n * oc * oh() * ow() * kdim();
    }
}
