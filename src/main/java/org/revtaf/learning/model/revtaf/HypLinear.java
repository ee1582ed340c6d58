package org.revtaf.learning.model.revtaf;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Init;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * HGCN's hyperbolic linear layer on the Poincare ball of curvature c (study section 1.4), with
 * {@code proj} after each step:
 *
 * <pre>
 * x (B, in) on the ball -> proj(mobius_matvec(W, x)) (+)_c proj(expmap0(b)) -> proj -> (B, out)
 * </pre>
 *
 * W (out, in) xavier-uniform with gain sqrt(2), b (out) zero.
 */
public final class HypLinear extends Module {
    public final Tensor weight, bias;
    private final double c;

    public HypLinear(NnContext ctx, int in, int out, double c) {
        this.c = c;
        weight = param(ctx, "weight", Init.xavierUniform(Math.sqrt(2)), true, out, in);
        bias = param(ctx, "bias", Init.zeros(), false, out);
    }

    public Tensor forward(Tensor x) {
        Tensor mv = F.proj(F.mobiusMatvec(weight, x, c), c);
        Tensor hb = F.proj(F.expmap0(bias, c), c);
        return F.proj(F.mobiusAdd(mv, hb, c), c);
    }

    /** HGCN's HypAct with ReLU (same curvature in and out): proj(expmap0(relu(logmap0(x)))). */
    public static Tensor act(Tensor x, double c) {
        return F.proj(F.expmap0(F.relu(F.logmap0(x, c)), c), c);
    }
}
