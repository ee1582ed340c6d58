package org.revtaf.learning.model;

import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Dropout;
import org.revtaf.learning.nn.Embedding;
import org.revtaf.learning.nn.Init;
import org.revtaf.learning.nn.LayerNorm;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * word + absolute position (+ token type, encoder only) -> LayerNorm -> dropout. Without token
 * types (the BLIP decoder) nothing is added for them. Tables N(0, 0.02^2), padding row zero.
 */
public final class BertEmbeddings extends Module {
    public final Embedding wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings;
    public final LayerNorm norm;
    private final Dropout dropout;
    private final int maxPositions;

    public BertEmbeddings(NnContext ctx, BertConfig c) {
        maxPositions = c.maxPositions();
        wordEmbeddings =
                child("word_embeddings", new Embedding(ctx, c.vocab(), c.hidden(), Init.normal(0.02), c.padTokenId()));
        positionEmbeddings =
                child("position_embeddings", new Embedding(ctx, c.maxPositions(), c.hidden(), Init.normal(0.02), -1));
        tokenTypeEmbeddings = c.typeVocab() > 0
                ? child("token_type_embeddings", new Embedding(ctx, c.typeVocab(), c.hidden(), Init.normal(0.02), -1))
                : null;
        norm = child("norm", new LayerNorm(ctx, c.hidden(), c.lnEps()));
        dropout = child("dropout", new Dropout(ctx, c.dropout()));
    }

    /**
     * @param ids int64 (B, T)
     * @param tokenTypes int64 (B, T) or null (all 0; ignored without a token-type table)
     * @param pastLength positions already decoded (incremental decoding) or 0
     * @return (B, T, hidden)
     */
    public Tensor forward(Tensor ids, Tensor tokenTypes, int pastLength) {
        int b = ids.shape(0), t = ids.shape(1);
        if (pastLength + t > maxPositions)
            throw new RevtafException("bert: sequence of " + (pastLength + t) + " tokens exceeds the " + maxPositions
                    + " learned positions");
        // positions pastLength .. pastLength+t-1 are consecutive rows of the table: a slice (1, t, hidden)
        // of it is the lookup, with the same values and gradient, and needs no index upload
        Tensor pos =
                positionEmbeddings.weight.slice(0, pastLength, pastLength + t).unsqueeze(0);
        Tensor h = wordEmbeddings.forward(ids).add(pos);
        if (tokenTypeEmbeddings != null) {
            Tensor tt = tokenTypes != null ? tokenTypes : Tensor.zeros(ids.device(), DType.INT64, b, t);
            h = h.add(tokenTypeEmbeddings.forward(tt));
        }
        return dropout.forward(norm.forward(h));
    }
}
