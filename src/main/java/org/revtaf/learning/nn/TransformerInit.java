package org.revtaf.learning.nn;

/**
 * How each reference initialises the linear layers of its transformer.
 *
 * <ul>
 *   <li>{@link #BERT} (BERT, BLIP decoder): every weight N(0, 0.02^2), every bias 0.
 *   <li>{@link #DETR} (PromptMRG memory): xavier-uniform on every matrix; attention biases 0 (PyTorch
 *       {@code nn.MultiheadAttention}), feed-forward biases PyTorch's default uniform.
 *   <li>{@link #MEDKLIP}: weights N(0, 0.02^2) (MedKLIP's {@code _init_weights}); attention biases
 *       0, feed-forward biases PyTorch's default uniform.
 * </ul>
 */
public enum TransformerInit {
    BERT,
    DETR,
    MEDKLIP;

    /** A projection inside attention. */
    public Linear attention(NnContext ctx, int in, int out) {
        return new Linear(ctx, in, out, true, weights(), Init.zeros());
    }

    /** A feed-forward or other dense layer. */
    public Linear dense(NnContext ctx, int in, int out) {
        return new Linear(ctx, in, out, true, weights(), this == BERT ? Init.zeros() : Init.torchDefaultBias(in));
    }

    private Init weights() {
        return this == DETR ? Init.xavierUniform(1.0) : Init.normal(0.02);
    }
}
