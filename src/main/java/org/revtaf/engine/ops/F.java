package org.revtaf.engine.ops;

import java.util.Random;
import org.revtaf.engine.backend.AdamWStep;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * The op facade: one static method per op, forwarding to the op classes. Every op validates its
 * inputs (one device, one dtype, compatible shapes; errors name the op and shapes), runs the
 * device's backend kernels and records its backward when an input requires grad.
 */
public final class F {
    private F() {}

    // elementwise
    public static Tensor add(Tensor a, Tensor b) {
        return Elementwise.binary("add", a, b, BinaryOp.ADD);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return Elementwise.binary("sub", a, b, BinaryOp.SUB);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return Elementwise.binary("mul", a, b, BinaryOp.MUL);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return Elementwise.binary("div", a, b, BinaryOp.DIV);
    }

    public static Tensor maximum(Tensor a, Tensor b) {
        return Elementwise.binary("maximum", a, b, BinaryOp.MAXIMUM);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return Elementwise.binary("minimum", a, b, BinaryOp.MINIMUM);
    }

    /** 1 where a == b else 0 (no gradient). */
    public static Tensor eq(Tensor a, Tensor b) {
        return Elementwise.binary("eq", a, b, BinaryOp.EQ);
    }

    /** 1 where a >= b else 0 (no gradient). */
    public static Tensor ge(Tensor a, Tensor b) {
        return Elementwise.binary("ge", a, b, BinaryOp.GE);
    }

    public static Tensor scale(Tensor x, double s) {
        return Elementwise.unary("scale", x, UnaryOp.AFFINE, s, 0);
    }

    public static Tensor addScalar(Tensor x, double s) {
        return Elementwise.unary("add_scalar", x, UnaryOp.AFFINE, 1, s);
    }

    public static Tensor neg(Tensor x) {
        return Elementwise.neg(x);
    }

    public static Tensor exp(Tensor x) {
        return Elementwise.unary("exp", x, UnaryOp.EXP, 0, 0);
    }

    public static Tensor log(Tensor x) {
        return Elementwise.unary("log", x, UnaryOp.LOG, 0, 0);
    }

    public static Tensor sqrt(Tensor x) {
        return Elementwise.unary("sqrt", x, UnaryOp.SQRT, 0, 0);
    }

    public static Tensor abs(Tensor x) {
        return Elementwise.unary("abs", x, UnaryOp.ABS, 0, 0);
    }

    public static Tensor pow(Tensor x, double p) {
        return Elementwise.unary("pow", x, UnaryOp.POW, p, 0);
    }

    /** Clamp to [lo, hi]; pass infinities for a one-sided clamp. */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        return Elementwise.unary("clamp", x, UnaryOp.CLAMP, lo, hi);
    }

    public static Tensor relu(Tensor x) {
        return Elementwise.unary("relu", x, UnaryOp.RELU, 0, 0);
    }

    /** GELU, exact erf form. */
    public static Tensor gelu(Tensor x) {
        return Elementwise.unary("gelu", x, UnaryOp.GELU, 0, 0);
    }

    public static Tensor tanh(Tensor x) {
        return Elementwise.unary("tanh", x, UnaryOp.TANH, 0, 0);
    }

    public static Tensor sigmoid(Tensor x) {
        return Elementwise.unary("sigmoid", x, UnaryOp.SIGMOID, 0, 0);
    }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        return Elementwise.maskedFill(x, mask, value);
    }

    // reductions
    public static Tensor sum(Tensor x, boolean keepDim, int... axes) {
        return Reductions.sum(x, keepDim, axes);
    }

    public static Tensor mean(Tensor x, boolean keepDim, int... axes) {
        return Reductions.mean(x, keepDim, axes);
    }

    public static Tensor max(Tensor x, boolean keepDim, int... axes) {
        return Reductions.max(x, keepDim, axes);
    }

    public static Tensor min(Tensor x, boolean keepDim, int... axes) {
        return Reductions.min(x, keepDim, axes);
    }

    public static Tensor logsumexp(Tensor x, boolean keepDim, int... axes) {
        return Reductions.logsumexp(x, keepDim, axes);
    }

    public static Tensor argmax(Tensor x, int axis, boolean keepDim) {
        return Reductions.argmax(x, axis, keepDim);
    }

    public static Tensor argmin(Tensor x, int axis, boolean keepDim) {
        return Reductions.argmin(x, axis, keepDim);
    }

    public static Tensor softmax(Tensor x, int axis) {
        return Reductions.softmax(x, axis);
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        return Reductions.logSoftmax(x, axis);
    }

    // products, convolution, pooling
    public static Tensor matmul(Tensor a, Tensor b) {
        return MatMul.matmul(a, b);
    }

    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        return MatMul.linear(x, w, bias);
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return Conv.conv2d(
                x,
                w,
                bias,
                new int[] {stride, stride},
                new int[] {padding, padding},
                new int[] {dilation, dilation},
                groups);
    }

    public static Tensor conv2d(
            Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Conv.conv2d(x, w, bias, stride, padding, dilation, groups);
    }

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return Conv.maxPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
        return Conv.avgPool2d(
                x,
                new int[] {kernel, kernel},
                new int[] {stride, stride},
                new int[] {padding, padding},
                countIncludePad);
    }

    public static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        return Conv.adaptiveAvgPool2d(x, oh, ow);
    }

    public static Tensor bilinear(Tensor x, int oh, int ow, boolean alignCorners) {
        return Conv.bilinear(x, oh, ow, alignCorners);
    }

    // normalisation
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return Norms.layerNorm(x, weight, bias, eps);
    }

    public static Tensor batchNorm2d(
            Tensor x,
            Tensor weight,
            Tensor bias,
            Tensor runMean,
            Tensor runVar,
            boolean training,
            double momentum,
            double eps) {
        return Norms.batchNorm(x, weight, bias, runMean, runVar, training, momentum, eps, null, false);
    }

    /**
     * {@link #batchNorm2d}, then + residual (x's shape, or null) and max(0, .) when {@code relu}, in
     * one pass where the backend fuses them.
     */
    public static Tensor batchNorm2d(
            Tensor x,
            Tensor weight,
            Tensor bias,
            Tensor runMean,
            Tensor runVar,
            boolean training,
            double momentum,
            double eps,
            Tensor residual,
            boolean relu) {
        return Norms.batchNorm(x, weight, bias, runMean, runVar, training, momentum, eps, residual, relu);
    }

    // indexing and joining
    public static Tensor embedding(Tensor table, Tensor idx) {
        return Indexing.embedding(table, idx);
    }

    /** Row paddingIdx gets no gradient (PyTorch's padding_idx); negative: none. */
    public static Tensor embedding(Tensor table, Tensor idx, int paddingIdx) {
        return Indexing.embedding(table, idx, paddingIdx);
    }

    public static Tensor indexSelect(Tensor x, int axis, Tensor idx) {
        return Indexing.indexSelect(x, axis, idx);
    }

    public static Tensor gather(Tensor x, int axis, Tensor idx) {
        return Indexing.gather(x, axis, idx);
    }

    public static Tensor concat(int axis, Tensor... ts) {
        return Indexing.concat(axis, ts);
    }

    public static Tensor stack(int axis, Tensor... ts) {
        return Indexing.stack(axis, ts);
    }

    // losses and composites
    public static Tensor crossEntropy(Tensor logits, Tensor target, int ignoreIndex, double labelSmoothing) {
        return Losses.crossEntropy(logits, target, ignoreIndex, labelSmoothing);
    }

    public static Tensor cosineSimilarity(Tensor a, Tensor b, int axis, double eps) {
        return Losses.cosineSimilarity(a, b, axis, eps);
    }

    public static Tensor dropout(Tensor x, double p, boolean training, Random rng) {
        return Losses.dropout(x, p, training, rng);
    }

    // layout
    public static Tensor reshape(Tensor x, int... shape) {
        return Views.reshape(x, shape);
    }

    public static Tensor permute(Tensor x, int... order) {
        return Views.permute(x, order);
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        return Views.transpose(x, a, b);
    }

    public static Tensor slice(Tensor x, int axis, int start, int end) {
        return Views.slice(x, axis, start, end);
    }

    public static Tensor expand(Tensor x, int... shape) {
        return Views.expand(x, shape);
    }

    public static Tensor unsqueeze(Tensor x, int axis) {
        return Views.unsqueeze(x, axis);
    }

    public static Tensor squeeze(Tensor x, int axis) {
        return Views.squeeze(x, axis);
    }

    public static Tensor contiguous(Tensor x) {
        return Views.contiguous(x);
    }

    public static Tensor copyOf(Tensor x) {
        return Views.copyOf(x);
    }

    public static Tensor to(Tensor x, Device device) {
        return Views.to(x, device);
    }

    /**
     * One AdamW step in place on a parameter and its moment buffers m, v (same shape, contiguous),
     * from grad; step counts from 1 (no autograd).
     */
    public static void adamwStep(
            Tensor param,
            Tensor m,
            Tensor v,
            Tensor grad,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            int step) {
        org.revtaf.engine.backend.Backend be = Ops.backend("adamw", param, m, v, grad);
        for (Tensor t : new Tensor[] {param, m, v, grad}) {
            if (!java.util.Arrays.equals(t.shapeRef(), param.shapeRef()) || !t.isContiguous())
                throw new org.revtaf.RevtafException(
                        "adamw: buffer " + org.revtaf.engine.tensor.Shapes.str(t.shapeRef())
                                + " must be contiguous with the parameter's shape "
                                + org.revtaf.engine.tensor.Shapes.str(param.shapeRef()));
        }
        if (step < 1) throw new org.revtaf.RevtafException("adamw: step must be >= 1, got " + step);
        be.optim().adamw(param, m, v, grad, param.numel(), new AdamWStep(lr, beta1, beta2, eps, weightDecay, step));
    }

    /** dst += src (no autograd). */
    public static void addInPlace(Tensor dst, Tensor src) {
        Views.addInPlace(dst, src);
    }

    /** dst = src (no autograd). */
    public static void copyInto(Tensor dst, Tensor src) {
        Views.copyInto(dst, src);
    }

    // REVTAF fused ops
    public static Tensor mobiusAdd(Tensor x, Tensor y, double c) {
        return Hyperbolic.mobiusAdd(x, y, c);
    }

    public static Tensor expmap0(Tensor x, double c) {
        return Hyperbolic.expmap0(x, c);
    }

    public static Tensor logmap0(Tensor x, double c) {
        return Hyperbolic.logmap0(x, c);
    }

    public static Tensor proj(Tensor x, double c) {
        return Hyperbolic.proj(x, c);
    }

    public static Tensor mobiusMatvec(Tensor w, Tensor x, double c) {
        return Hyperbolic.mobiusMatvec(w, x, c);
    }

    public static Tensor poincareDist(Tensor x, Tensor y, double c) {
        return Hyperbolic.poincareDist(x, y, c);
    }

    public static Tensor sinkhorn(
            Tensor cost, Tensor pixelMask, Tensor tokenMask, double eps, int maxIter, double tol) {
        return FusedOps.sinkhorn(cost, pixelMask, tokenMask, eps, maxIter, tol);
    }

    /** Sinkhorn in the released code's per-token mode (METHOD.md ot.mode=released). */
    public static Tensor sinkhornReleased(
            Tensor cost, Tensor pixelMask, Tensor tokenMask, double eps, int maxIter, double tol) {
        return FusedOps.sinkhornReleased(cost, pixelMask, tokenMask, eps, maxIter, tol);
    }

    public static Tensor softIou(Tensor a, Tensor g) {
        return FusedOps.softIou(a, g);
    }

    /** Scaled-dot-product attention; scale NaN means 1/sqrt(d). */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, boolean causal) {
        return FusedOps.attention(q, k, v, keyMask, scale, causal);
    }

    /** Attention with dropout p on the probabilities, mask a function of seed (regenerated in backward). */
    public static Tensor attention(
            Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, boolean causal, double dropout, long seed) {
        return FusedOps.attention(q, k, v, keyMask, scale, causal, dropout, seed);
    }
}
