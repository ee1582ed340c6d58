package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/** Convolution, pooling and resizing on contiguous NCHW tensors. */
public interface ConvKernels {
    /** out (n, oc, oh, ow) = conv(x, w) + bias (bias may be null). */
    void conv2d(Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dGeom g);

    /** Gradients of conv2d; dx, dw, db may each be null (not needed). All are overwritten. */
    void conv2dBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Conv2dGeom g);

    /** out (n, c, oh, ow) = window max; argmax (int32) = flat h*w index of the max in its plane. */
    void maxPool2d(Tensor out, Tensor argmax, Tensor x, Pool2dGeom g);

    /**
     * dx (zeroed here) += dy routed to argmax. x and out are the forward's input and output: a
     * backend that finds each window's maximum again (cuDNN) reads them instead of argmax, which its
     * forward then need not write.
     */
    void maxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor x, Tensor out, Pool2dGeom g);

    /** out (n, c, oh, ow) = window mean; padding cells count in the divisor when countIncludePad. */
    void avgPool2d(Tensor out, Tensor x, Pool2dGeom g, boolean countIncludePad);

    /** dx (overwritten) from dy; x and out are the forward's input and output (read by cuDNN only). */
    void avgPool2dBackward(Tensor dx, Tensor dy, Tensor x, Tensor out, Pool2dGeom g, boolean countIncludePad);

    /** PyTorch adaptive average pooling: window [floor(i*h/oh), ceil((i+1)*h/oh)). */
    void adaptiveAvgPool2d(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow);

    void adaptiveAvgPool2dBackward(Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow);

    /** Bilinear resize (PyTorch interpolate semantics for both alignCorners values). */
    void bilinear(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow, boolean alignCorners);

    void bilinearBackward(Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow, boolean alignCorners);
}
