package org.revtaf.backend;

/**
 * Geometry of a 2-D max/avg pooling, NCHW: input (n, c, h, w), output (n, c, oh, ow). Padding
 * cells are ignored by max pooling; avg pooling counts them when {@code countIncludePad}.
 */
public record Pool2dGeom(
        int n,
        int c,
        int h,
        int w,
        int oh,
        int ow,
        int kh,
        int kw,
        int sh,
        int sw,
        int ph,
        int pw,
        boolean countIncludePad) {}
