package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/** Inverted dropout with probability p in training, the identity in eval; draws from the context's dropout generator. */
public final class Dropout extends Module implements Layer {
    private final double p;
    private final Rng rng;

    public Dropout(NnContext ctx, double p) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout p=" + p + " outside [0, 1)");
        this.p = p;
        this.rng = ctx.dropout();
    }

    public double p() {
        return p;
    }

    /** A seed for a dropout mask generated inside a fused op (attention), drawn from this layer's generator. */
    public long nextSeed() {
        return rng.nextLong();
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining(), rng);
    }
}
