package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/** y = x W^T + b: x (..., in) -> (..., out); weight (out, in), bias (out). */
public final class Linear extends Module implements Layer {
    public final Tensor weight;
    public final Tensor bias;

    /** PyTorch's default initialisation (uniform with bound 1/sqrt(in)). */
    public Linear(NnContext ctx, int in, int out, boolean bias) {
        this(ctx, in, out, bias, Init.torchDefaultWeight(), Init.torchDefaultBias(in));
    }

    public Linear(NnContext ctx, int in, int out, boolean bias, Init weightInit, Init biasInit) {
        this.weight = param(ctx, "weight", weightInit, true, out, in);
        this.bias = bias ? param(ctx, "bias", biasInit, false, out) : null;
    }

    /** BERT-style: weight N(0, std^2), bias 0. */
    public static Linear normal(NnContext ctx, int in, int out, double std) {
        return new Linear(ctx, in, out, true, Init.normal(std), Init.zeros());
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }
}
