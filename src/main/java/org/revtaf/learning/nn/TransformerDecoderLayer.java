package org.revtaf.learning.nn;

import org.revtaf.engine.tensor.Tensor;

/**
 * Self-attention, cross-attention to a memory, feed-forward (BLIP/BERT decoder, DETR and MedKLIP
 * decoders), post-norm or pre-norm. Members named as PyTorch's {@code nn.TransformerDecoderLayer}:
 * {@code self_attn}, {@code multihead_attn} (cross), {@code linear1}, {@code linear2},
 * {@code norm1..3}. The cross-attention probabilities of the last call (B, H, Tq, Tk) are kept for
 * grounding maps (MedKLIP).
 */
public final class TransformerDecoderLayer extends Module {
    public final MultiHeadAttention selfAttn, crossAttn;
    public final Linear linear1, linear2;
    public final LayerNorm norm1, norm2, norm3;
    private final Dropout drop1, drop2, drop3;
    private final FeedForward ffn;
    private final boolean preNorm;
    private Tensor lastCrossProbs;
    private boolean keepCrossProbs;

    /** Keys and values kept between incremental decoding steps. */
    public record Cache(KvCache self, KvCache cross) {
        public static Cache create() {
            return new Cache(KvCache.growing(), KvCache.fixed());
        }

        public void reorder(Tensor idx) {
            self.reorder(idx);
            cross.reorder(idx);
        }
    }

    public TransformerDecoderLayer(NnContext ctx, TransformerLayerSpec s) {
        preNorm = s.preNorm();
        selfAttn = child("self_attn", new MultiHeadAttention(ctx, s.d(), s.heads(), s.d(), s.dropout(), s.init()));
        crossAttn = child(
                "multihead_attn", new MultiHeadAttention(ctx, s.d(), s.heads(), s.kvDim(), s.dropout(), s.init()));
        linear1 = child("linear1", s.init().dense(ctx, s.d(), s.ffn()));
        linear2 = child("linear2", s.init().dense(ctx, s.ffn(), s.d()));
        norm1 = child("norm1", new LayerNorm(ctx, s.d(), s.lnEps()));
        norm2 = child("norm2", new LayerNorm(ctx, s.d(), s.lnEps()));
        norm3 = child("norm3", new LayerNorm(ctx, s.d(), s.lnEps()));
        drop1 = child("dropout1", new Dropout(ctx, s.dropout()));
        drop2 = child("dropout2", new Dropout(ctx, s.dropout()));
        drop3 = child("dropout3", new Dropout(ctx, s.dropout()));
        Dropout inner = s.innerDropout() ? child("dropout", new Dropout(ctx, s.dropout())) : null;
        ffn = new FeedForward(linear1, linear2, inner, s.gelu());
    }

    /**
     * @param x (B, T, d) queries (new positions only when decoding with a cache)
     * @param memory (B, S, kvDim)
     * @param selfMask self-attention mask (causal and/or padding over all positions so far) or null
     * @param memoryMask padding over memory positions or null
     * @param queryPos added to the queries of both attentions (DETR) or null
     * @param memoryPos added to the memory keys (DETR) or null
     * @param cache incremental-decoding cache or null
     */
    public Tensor forward(
            Tensor x,
            Tensor memory,
            AttentionMask selfMask,
            AttentionMask memoryMask,
            Tensor queryPos,
            Tensor memoryPos,
            Cache cache) {
        Tensor memK = memoryPos == null ? memory : memory.add(memoryPos);
        KvCache sc = cache == null ? null : cache.self(), cc = cache == null ? null : cache.cross();
        if (preNorm) {
            Tensor h = norm1.forward(x);
            Tensor qk = plus(h, queryPos);
            x = x.add(drop1.forward(
                    selfAttn.attend(qk, qk, h, selfMask, sc, false).out()));
            h = norm2.forward(x);
            MultiHeadAttention.Result c =
                    crossAttn.attend(plus(h, queryPos), memK, memory, memoryMask, cc, keepCrossProbs);
            lastCrossProbs = c.probs();
            x = x.add(drop2.forward(c.out()));
            return x.add(drop3.forward(ffn.forward(norm3.forward(x))));
        }
        Tensor qk = plus(x, queryPos);
        x = norm1.forward(x.add(
                drop1.forward(selfAttn.attend(qk, qk, x, selfMask, sc, false).out())));
        MultiHeadAttention.Result c = crossAttn.attend(plus(x, queryPos), memK, memory, memoryMask, cc, keepCrossProbs);
        lastCrossProbs = c.probs();
        x = norm2.forward(x.add(drop2.forward(c.out())));
        return norm3.forward(x.add(drop3.forward(ffn.forward(x))));
    }

    /** Whether forward keeps the cross-attention probabilities (slower: no fused attention). */
    public void keepCrossAttention(boolean on) {
        keepCrossProbs = on;
    }

    /** Cross-attention probabilities of the last forward (B, H, Tq, S), when kept. */
    public Tensor lastCrossAttention() {
        return lastCrossProbs;
    }

    private static Tensor plus(Tensor x, Tensor pos) {
        return pos == null ? x : x.add(pos);
    }
}
