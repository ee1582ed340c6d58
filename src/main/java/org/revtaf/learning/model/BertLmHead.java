package org.revtaf.learning.model;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Init;
import org.revtaf.learning.nn.LayerNorm;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * BERT's masked-LM head: dense + GELU + LayerNorm, then a projection tied to the word embeddings
 * plus an own bias: h (B, T, d) -> logits (B, T, V). Members {@code dense}, {@code norm}, {@code bias}.
 */
public final class BertLmHead extends Module {
    public final Linear dense;
    public final LayerNorm norm;
    public final Tensor bias;
    private final Tensor wordEmbeddings;

    public BertLmHead(NnContext ctx, BertConfig c, Tensor wordEmbeddings) {
        this.wordEmbeddings = wordEmbeddings;
        dense = child("dense", Linear.normal(ctx, c.hidden(), c.hidden(), 0.02));
        norm = child("norm", new LayerNorm(ctx, c.hidden(), c.lnEps()));
        bias = param(ctx, "bias", Init.zeros(), false, c.vocab());
    }

    public Tensor forward(Tensor h) {
        return F.linear(norm.forward(F.gelu(dense.forward(h))), wordEmbeddings, bias);
    }
}
