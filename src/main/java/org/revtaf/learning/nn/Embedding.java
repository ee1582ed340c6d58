package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/**
 * A lookup table: int64 indices (...) -> (..., d); weight (n, d). BERT initialises N(0, 0.02^2)
 * with the padding row zeroed; as PyTorch's {@code padding_idx}, that row gets no gradient from the
 * lookups.
 */
public final class Embedding extends Module implements Layer {
    public final Tensor weight;
    private final int paddingIdx;

    public Embedding(NnContext ctx, int n, int d, Init init, int paddingIdx) {
        weight = param(ctx, "weight", init, true, n, d);
        this.paddingIdx = paddingIdx;
        if (paddingIdx >= 0) {
            double[] w = weight.toDoubles();
            java.util.Arrays.fill(w, paddingIdx * d, (paddingIdx + 1) * d, 0.0);
            weight.setDoubles(w);
        }
    }

    @Override
    public Tensor forward(Tensor idx) {
        return F.embedding(weight, idx, paddingIdx);
    }
}
