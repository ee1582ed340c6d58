package org.revtaf.learning.nn;

import org.revtaf.engine.tensor.Tensor;

/**
 * Self-attention then feed-forward, post-norm (BERT, DETR encoder) or pre-norm. Members named as
 * PyTorch's {@code nn.TransformerEncoderLayer}: {@code self_attn}, {@code linear1}, {@code linear2},
 * {@code norm1}, {@code norm2}.
 */
public final class TransformerEncoderLayer extends Module {
    public final MultiHeadAttention selfAttn;
    public final Linear linear1, linear2;
    public final LayerNorm norm1, norm2;
    private final Dropout drop1, drop2;
    private final FeedForward ffn;
    private final boolean preNorm;

    public TransformerEncoderLayer(NnContext ctx, TransformerLayerSpec s) {
        preNorm = s.preNorm();
        selfAttn = child("self_attn", new MultiHeadAttention(ctx, s.d(), s.heads(), s.d(), s.dropout(), s.init()));
        linear1 = child("linear1", s.init().dense(ctx, s.d(), s.ffn()));
        linear2 = child("linear2", s.init().dense(ctx, s.ffn(), s.d()));
        norm1 = child("norm1", new LayerNorm(ctx, s.d(), s.lnEps()));
        norm2 = child("norm2", new LayerNorm(ctx, s.d(), s.lnEps()));
        drop1 = child("dropout1", new Dropout(ctx, s.dropout()));
        drop2 = child("dropout2", new Dropout(ctx, s.dropout()));
        Dropout inner = s.innerDropout() ? child("dropout", new Dropout(ctx, s.dropout())) : null;
        ffn = new FeedForward(linear1, linear2, inner, s.gelu());
    }

    /**
     * @param x (B, T, d)
     * @param mask key padding (B, T) or null
     * @param pos positions added to queries and keys (DETR), (B, T, d) or null
     */
    public Tensor forward(Tensor x, AttentionMask mask, Tensor pos) {
        if (preNorm) {
            Tensor h = norm1.forward(x);
            Tensor qk = pos == null ? h : h.add(pos);
            x = x.add(
                    drop1.forward(selfAttn.attend(qk, qk, h, mask, null, false).out()));
            return x.add(drop2.forward(ffn.forward(norm2.forward(x))));
        }
        Tensor qk = pos == null ? x : x.add(pos);
        x = norm1.forward(x.add(
                drop1.forward(selfAttn.attend(qk, qk, x, mask, null, false).out())));
        return norm2.forward(x.add(drop2.forward(ffn.forward(x))));
    }
}
