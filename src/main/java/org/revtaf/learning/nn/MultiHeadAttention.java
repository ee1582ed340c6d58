package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/**
 * Multi-head scaled dot-product attention with separate query, key, value and output projections
 * (named {@code query}, {@code key}, {@code value}, {@code out}). Keys and values may come from a
 * memory of another width (cross-attention, BLIP: 2048 -> 768).
 *
 * <pre>
 * q (B, Tq, d) -> (B, H, Tq, dh); k, v (B, Tk, kvDim) -> (B, H, Tk, dh)
 * scores = q k^T / sqrt(dh) + mask bias  (B, H, Tq, Tk)
 * out = out(softmax(scores) v)           (B, Tq, d)
 * </pre>
 *
 * Unless the probabilities are wanted, the fused attention op ({@code F.attention}) runs instead of
 * the composite, in training with attention dropout too (its mask a function of a seed drawn from
 * the dropout layer's generator, regenerated in backward: no (B, H, Tq, Tk) tensor is kept); both
 * agree except on a query with no visible key (fused: 0, composite: the uniform average, as BERT).
 * With dropout the two paths draw different masks (same rate, same generator).
 */
public final class MultiHeadAttention extends Module {
    public final Linear query, key, value, out;
    private final Dropout attnDrop;
    private final int heads, dHead, d;

    /** Output of one call: the result and the attention probabilities (B, H, Tq, Tk), null when fused. */
    public record Result(Tensor out, Tensor probs) {}

    public MultiHeadAttention(NnContext ctx, int d, int heads, int kvDim, double dropout, TransformerInit init) {
        if (d % heads != 0) throw new IllegalArgumentException("attention: width " + d + " not divisible by " + heads);
        this.d = d;
        this.heads = heads;
        this.dHead = d / heads;
        query = child("query", init.attention(ctx, d, d));
        key = child("key", init.attention(ctx, kvDim, d));
        value = child("value", init.attention(ctx, kvDim, d));
        out = child("out", init.attention(ctx, d, d));
        attnDrop = child("dropout", new Dropout(ctx, dropout));
    }

    public int heads() {
        return heads;
    }

    /** Self- or cross-attention where keys and values come from the same input. */
    public Tensor forward(Tensor x, Tensor kv, AttentionMask mask, KvCache cache) {
        return attend(x, kv, kv, mask, cache, false).out();
    }

    /**
     * Attention with distinct key and value inputs (DETR adds positions to queries and keys only).
     *
     * @param q (B, Tq, d)
     * @param k (B, Tk, kvDim); ignored when a fixed cache is already filled
     * @param v (B, Tk, kvDim)
     * @param mask visible keys (padding over all Tk keys including cached ones, causal), or null
     * @param cache keys/values of earlier steps, or null
     * @param wantProbs whether the result must carry the probabilities (forces the composite path)
     */
    public Result attend(Tensor q, Tensor k, Tensor v, AttentionMask mask, KvCache cache, boolean wantProbs) {
        mask = AttentionMask.orNone(mask);
        int b = q.shape(0), tq = q.shape(1);
        Tensor qh = heads(query.forward(q), b); // (B, H, Tq, dh)
        Tensor kh, vh;
        if (cache != null && cache.isFixed() && !cache.isEmpty()) {
            kh = cache.keys();
            vh = cache.values();
        } else {
            kh = heads(key.forward(k), b);
            vh = heads(value.forward(v), b);
            if (cache != null) {
                cache.update(kh, vh);
                kh = cache.keys();
                vh = cache.values();
            }
        }
        Tensor ctx, probs = null; // ctx (B, H, Tq, dh)
        if (!wantProbs && (!isTraining() || attnDrop.p() == 0)) {
            ctx = F.attention(qh, kh, vh, mask.keep(), Double.NaN, mask.causal());
        } else if (!wantProbs) { // training with attention dropout: the mask is regenerated from the seed in backward
            ctx = F.attention(qh, kh, vh, mask.keep(), Double.NaN, mask.causal(), attnDrop.p(), attnDrop.nextSeed());
        } else {
            Tensor scores = qh.matmul(kh.transpose(2, 3)).mul(1.0 / Math.sqrt(dHead)); // (B, H, Tq, Tk)
            Tensor bias = mask.bias(q.device(), scores.dtype(), tq, kh.shape(2));
            if (bias != null) scores = scores.add(bias);
            probs = F.softmax(scores, 3);
            ctx = attnDrop.forward(probs).matmul(vh);
        }
        Tensor merged = ctx.transpose(1, 2).contiguous().reshape(b, tq, d);
        return new Result(out.forward(merged), probs);
    }

    /** (B, T, d) -> (B, H, T, dh). */
    private Tensor heads(Tensor x, int b) {
        return x.reshape(b, x.shape(1), heads, dHead).transpose(1, 2);
    }
}
