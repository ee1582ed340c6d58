package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/** The position-wise FFN of a transformer layer: linear2(drop?(act(linear1(x)))); x (..., d). */
final class FeedForward {
    private final Linear linear1, linear2;
    private final Dropout inner;
    private final boolean gelu;

    FeedForward(Linear linear1, Linear linear2, Dropout inner, boolean gelu) {
        this.linear1 = linear1;
        this.linear2 = linear2;
        this.inner = inner;
        this.gelu = gelu;
    }

    Tensor forward(Tensor x) {
        Tensor h = linear1.forward(x);
        h = gelu ? F.gelu(h) : F.relu(h);
        if (inner != null) h = inner.forward(h);
        return linear2.forward(h);
    }
}
