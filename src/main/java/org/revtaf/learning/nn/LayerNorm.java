package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/** Layer norm over the last axis: x (..., d); weight 1 and bias 0 at start, never weight-decayed. */
public final class LayerNorm extends Module implements Layer {
    public final Tensor weight, bias;
    private final double eps;

    public LayerNorm(NnContext ctx, int d, double eps) {
        this.eps = eps;
        weight = param(ctx, "weight", Init.ones(), false, d);
        bias = param(ctx, "bias", Init.zeros(), false, d);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.layerNorm(x, weight, bias, eps);
    }
}
