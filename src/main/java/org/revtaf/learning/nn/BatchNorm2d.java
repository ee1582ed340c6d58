package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/**
 * Batch norm over channels of x (B, C, H, W): batch statistics and running-buffer updates in
 * training (momentum 0.1, unbiased running variance as PyTorch), running statistics in eval.
 * Weight 1, bias 0, running mean 0, running variance 1 at start.
 */
public final class BatchNorm2d extends Module implements Layer {
    public final Tensor weight, bias, runningMean, runningVar;
    private final double eps, momentum;

    public BatchNorm2d(NnContext ctx, int channels) {
        this(ctx, channels, 1e-5, 0.1);
    }

    public BatchNorm2d(NnContext ctx, int channels, double eps, double momentum) {
        this.eps = eps;
        this.momentum = momentum;
        weight = param(ctx, "weight", Init.ones(), false, channels);
        bias = param(ctx, "bias", Init.zeros(), false, channels);
        runningMean = buffer("running_mean", Tensor.zeros(ctx.device(), ctx.dtype(), channels));
        runningVar = buffer("running_var", Tensor.full(ctx.device(), ctx.dtype(), 1.0, channels));
    }

    /** Sets the scale to zero (torchvision's zero_init_residual for the last norm of a block). */
    public void zeroWeight() {
        weight.setDoubles(new double[weight.numel()]);
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null, false);
    }

    /**
     * The norm, then + residual (x's shape, or null) and max(0, .) when {@code relu}: a residual
     * block's norm, shortcut and ReLU in one pass.
     */
    public Tensor forward(Tensor x, Tensor residual, boolean relu) {
        return F.batchNorm2d(x, weight, bias, runningMean, runningVar, isTraining(), momentum, eps, residual, relu);
    }
}
