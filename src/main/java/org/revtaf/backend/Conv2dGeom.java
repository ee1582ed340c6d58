package org.revtaf.backend;

/**
 * Geometry of a 2-D convolution, NCHW: input (n, c, h, w), weight (oc, c/groups, kh, kw), output
 * (n, oc, oh, ow). Passed as one value, like a C struct in the kernel ABI.
 */
public record Conv2dGeom(
        int n,
        int c,
        int h,
        int w,
        int oc,
        int kh,
        int kw,
        int oh,
        int ow,
        int sh,
        int sw,
        int ph,
        int pw,
        int dh,
        int dw,
        int groups) {

    /** Output size of one spatial axis. */
    public static int outSize(int in, int k, int stride, int pad, int dil) {
        return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
    }
}
