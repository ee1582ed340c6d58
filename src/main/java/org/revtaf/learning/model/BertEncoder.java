package org.revtaf.learning.model;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.AttentionMask;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.ModuleList;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.TransformerEncoderLayer;

/**
 * A BERT encoder in the bert-base / Bio_ClinicalBERT layout: embeddings, post-norm GELU layers
 * ({@code layers.N}), optional pooler (tanh of a dense layer on [CLS]) and optional masked-LM head
 * tied to the word embeddings (text-encoder pretraining). Hugging Face weights import through
 * {@code WeightMapping.bert(false, ...)}.
 */
public final class BertEncoder extends Module {
    public final BertEmbeddings embeddings;
    public final ModuleList<TransformerEncoderLayer> layers;
    public final Linear pooler;
    public final BertLmHead lmHead;
    private final BertConfig cfg;

    public BertEncoder(NnContext ctx, BertConfig c, boolean withPooler, boolean withLmHead) {
        cfg = c;
        embeddings = child("embeddings", new BertEmbeddings(ctx, c));
        layers = child("layers", new ModuleList<>());
        for (int i = 0; i < c.layers(); i++) layers.add(new TransformerEncoderLayer(ctx, c.layerSpec()));
        pooler = withPooler ? child("pooler", Linear.normal(ctx, c.hidden(), c.hidden(), 0.02)) : null;
        lmHead = withLmHead ? child("lm_head", new BertLmHead(ctx, c, embeddings.wordEmbeddings.weight)) : null;
    }

    public BertConfig config() {
        return cfg;
    }

    /**
     * @param ids int64 (B, T)
     * @param keep attention mask (B, T), 1 for tokens and 0 for padding, or null
     * @param tokenTypes int64 (B, T) or null
     * @return last hidden states (B, T, hidden)
     */
    public Tensor forward(Tensor ids, Tensor keep, Tensor tokenTypes) {
        Tensor h = embeddings.forward(ids, tokenTypes, 0);
        AttentionMask mask = keep == null ? null : AttentionMask.padding(keep);
        for (TransformerEncoderLayer l : layers.items()) h = l.forward(h, mask, null);
        return h;
    }

    /** The [CLS] vector of each sequence: hidden (B, T, d) -> (B, d). */
    public static Tensor cls(Tensor hidden) {
        return hidden.slice(1, 0, 1).reshape(hidden.shape(0), hidden.shape(2));
    }

    /** tanh(pooler([CLS])) (B, d). */
    public Tensor pooled(Tensor hidden) {
        if (pooler == null) throw new IllegalStateException("bert encoder built without a pooler");
        return F.tanh(pooler.forward(cls(hidden)));
    }

    /** Masked-LM logits (B, T, vocab). */
    public Tensor mlmLogits(Tensor hidden) {
        if (lmHead == null) throw new IllegalStateException("bert encoder built without an LM head");
        return lmHead.forward(hidden);
    }
}
