package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/** 2-D convolution: x (B, Cin, H, W) -> (B, Cout, H', W'); weight (Cout, Cin/groups, k, k). */
public final class Conv2d extends Module implements Layer {
    public final Tensor weight;
    public final Tensor bias;
    private final int stride, padding, dilation, groups;

    public Conv2d(
            NnContext ctx,
            int in,
            int out,
            int kernel,
            int stride,
            int padding,
            int dilation,
            int groups,
            boolean bias,
            Init weightInit) {
        if (in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException(
                    "conv2d: channels " + in + "->" + out + " not divisible by groups " + groups);
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.weight = param(ctx, "weight", weightInit, true, out, in / groups, kernel, kernel);
        this.bias = bias ? param(ctx, "bias", Init.torchDefaultBias(in / groups * kernel * kernel), false, out) : null;
    }

    /** Without bias, kaiming-normal (fan_out, ReLU) as torchvision initialises ResNet convolutions. */
    public static Conv2d resnet(NnContext ctx, int in, int out, int kernel, int stride, int padding) {
        return new Conv2d(ctx, in, out, kernel, stride, padding, 1, 1, false, Init.kaimingNormalFanOut());
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
}
