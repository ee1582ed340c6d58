package org.revtaf.learning.nn;

/**
 * The shape and style of a transformer layer.
 *
 * @param d model width
 * @param heads attention heads
 * @param ffn feed-forward width
 * @param dropout dropout of attention probabilities and residual branches
 * @param preNorm true: x + f(norm(x)) (MedKLIP, DETR normalize_before); false: norm(x + f(x)) (BERT, DETR)
 * @param gelu GELU (BERT) instead of ReLU (DETR, MedKLIP)
 * @param innerDropout dropout between the activation and the second FFN layer (PyTorch/DETR; not BERT)
 * @param lnEps layer-norm epsilon (BERT 1e-12, PyTorch 1e-5)
 * @param kvDim width of the cross-attention memory (decoder layers; BLIP 2048)
 * @param init initialisation style
 */
public record TransformerLayerSpec(
        int d,
        int heads,
        int ffn,
        double dropout,
        boolean preNorm,
        boolean gelu,
        boolean innerDropout,
        double lnEps,
        int kvDim,
        TransformerInit init) {
    /** BERT/BLIP: post-norm, GELU, LN eps 1e-12, N(0, 0.02) init, memory width {@code kvDim}. */
    public static TransformerLayerSpec bert(int d, int heads, int ffn, double dropout, int kvDim) {
        return new TransformerLayerSpec(d, heads, ffn, dropout, false, true, false, 1e-12, kvDim, TransformerInit.BERT);
    }

    /** DETR (PromptMRG memory): post-norm, ReLU, LN eps 1e-5, xavier init. */
    public static TransformerLayerSpec detr(int d, int heads, int ffn, double dropout) {
        return new TransformerLayerSpec(d, heads, ffn, dropout, false, false, true, 1e-5, d, TransformerInit.DETR);
    }

    /** MedKLIP query decoder: pre-norm, ReLU, LN eps 1e-5, N(0, 0.02) init. */
    public static TransformerLayerSpec medklip(int d, int heads, int ffn, double dropout) {
        return new TransformerLayerSpec(d, heads, ffn, dropout, true, false, true, 1e-5, d, TransformerInit.MEDKLIP);
    }
}
