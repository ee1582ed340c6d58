package org.revtaf.learning.model;

import java.util.ArrayList;
import java.util.List;
import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.AttentionMask;
import org.revtaf.learning.nn.KvCache;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.ModuleList;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.TransformerDecoderLayer;

/**
 * The BLIP/BERT-style report decoder (METHOD.md section 4): embeddings without token types,
 * post-norm layers of causal self-attention, cross-attention to the visual memory and a GELU FFN,
 * then the masked-LM head tied to the word embeddings. Loss: next-token cross-entropy with label
 * smoothing, targets -100 ignored. Incremental decoding keeps keys and values per layer.
 */
public final class BertLmDecoder extends Module {
    public static final int IGNORE = -100;

    public final BertEmbeddings embeddings;
    public final ModuleList<TransformerDecoderLayer> layers;
    public final BertLmHead lmHead;
    private final BertConfig cfg;

    public BertLmDecoder(NnContext ctx, BertConfig c) {
        if (c.typeVocab() != 0)
            throw new RevtafException(
                    "bert decoder: has no token-type embeddings; set typeVocab 0 (got " + c.typeVocab() + ")");
        cfg = c;
        embeddings = child("embeddings", new BertEmbeddings(ctx, c));
        layers = child("layers", new ModuleList<>());
        for (int i = 0; i < c.layers(); i++) layers.add(new TransformerDecoderLayer(ctx, c.layerSpec()));
        lmHead = child("lm_head", new BertLmHead(ctx, c, embeddings.wordEmbeddings.weight));
    }

    public BertConfig config() {
        return cfg;
    }

    /** Per-layer caches and the number of positions already decoded. */
    public static final class State {
        final List<TransformerDecoderLayer.Cache> caches = new ArrayList<>();
        int length;

        public int length() {
            return length;
        }

        /**
         * The cached key and value tensors of every layer (those filled so far), so a caller that
         * decodes step by step inside a {@link org.revtaf.engine.tensor.Scope} can keep them.
         */
        public List<Tensor> tensors() {
            List<Tensor> out = new ArrayList<>();
            for (TransformerDecoderLayer.Cache c : caches)
                for (KvCache kv : List.of(c.self(), c.cross()))
                    if (!kv.isEmpty()) {
                        out.add(kv.keys());
                        out.add(kv.values());
                    }
            return out;
        }

        /** Keeps batch rows {@code idx} (int64 (B')) of every cache (beam search). */
        public void reorder(Tensor idx) {
            for (TransformerDecoderLayer.Cache c : caches) c.reorder(idx);
        }
    }

    /** A fresh incremental-decoding state. */
    public State newState() {
        State s = new State();
        for (int i = 0; i < layers.size(); i++) s.caches.add(TransformerDecoderLayer.Cache.create());
        return s;
    }

    /**
     * Logits for every position.
     *
     * @param ids int64 (B, T)
     * @param keep (B, T) 1 for tokens, 0 for padding, or null
     * @param memory (B, S, encoderWidth)
     * @param memoryKeep (B, S) or null (all memory positions visible)
     * @return (B, T, vocab)
     */
    public Tensor forward(Tensor ids, Tensor keep, Tensor memory, Tensor memoryKeep) {
        return run(ids, keep, memory, memoryKeep, null);
    }

    /**
     * One incremental step: ids (B, Tnew) following {@code state.length()} earlier positions.
     * {@code keep} covers all positions so far (B, length + Tnew) or is null.
     */
    public Tensor step(Tensor ids, Tensor keep, Tensor memory, Tensor memoryKeep, State state) {
        Tensor out = run(ids, keep, memory, memoryKeep, state);
        state.length += ids.shape(1);
        return out;
    }

    private Tensor run(Tensor ids, Tensor keep, Tensor memory, Tensor memoryKeep, State state) {
        int past = state == null ? 0 : state.length, t = ids.shape(1);
        Tensor h = embeddings.forward(ids, null, past);
        AttentionMask selfMask = AttentionMask.causalPadding(keep);
        AttentionMask memMask = memoryKeep == null ? null : AttentionMask.padding(memoryKeep);
        for (int i = 0; i < layers.size(); i++)
            h = layers.get(i)
                    .forward(h, memory, selfMask, memMask, null, null, state == null ? null : state.caches.get(i));
        return lmHead.forward(h);
    }

    /**
     * Next-token loss: logits at positions 0..T-2 predict targets at 1..T-1; targets equal to
     * {@link #IGNORE} (padding, the prompt) do not count. Mean over counted tokens.
     *
     * @param targets int64 (B, T)
     */
    public Tensor loss(
            Tensor ids, Tensor keep, Tensor memory, Tensor memoryKeep, Tensor targets, double labelSmoothing) {
        Tensor logits = forward(ids, keep, memory, memoryKeep);
        int t = ids.shape(1);
        Tensor shifted = logits.slice(1, 0, t - 1);
        Tensor next = targets.slice(1, 1, t).contiguous();
        return F.crossEntropy(shifted.contiguous(), next, IGNORE, labelSmoothing);
    }
}
