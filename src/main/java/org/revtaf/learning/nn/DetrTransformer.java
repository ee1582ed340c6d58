package org.revtaf.learning.nn;

import java.util.ArrayList;
import java.util.List;
import org.revtaf.engine.tensor.Tensor;

/**
 * The DETR-style encoder-decoder transformer PromptMRG uses as its memory module (d 512, 8 heads,
 * 2 + 2 layers, FFN 2048, dropout 0.1, ReLU, post-norm, a final decoder LayerNorm, xavier init).
 * Batch-first here; names as DETR: {@code encoder.layers.N}, {@code decoder.layers.N},
 * {@code decoder.norm}.
 *
 * <pre>
 * src (B, K, d) -> encoder -> memory (B, K, d)
 * tgt = zeros (B, Q, d); each decoder layer: queries tgt + queryPos, memory keys without positions
 * out = decoder.norm(last tgt) (B, Q, d)
 * </pre>
 */
public final class DetrTransformer extends Module {
    private final Stack<TransformerEncoderLayer> encoder;
    private final Stack<TransformerDecoderLayer> decoder;
    private final int d;

    /** An encoder or decoder: {@code layers.N} and an optional final {@code norm}. */
    static final class Stack<L extends Module> extends Module {
        final ModuleList<L> layers;
        final LayerNorm norm;

        Stack(List<L> ls, LayerNorm norm) {
            layers = child("layers", new ModuleList<>());
            for (L l : ls) layers.add(l);
            this.norm = norm == null ? null : child("norm", norm);
        }
    }

    public DetrTransformer(NnContext ctx, TransformerLayerSpec spec, int encoderLayers, int decoderLayers) {
        d = spec.d();
        List<TransformerEncoderLayer> enc = new ArrayList<>();
        for (int i = 0; i < encoderLayers; i++) enc.add(new TransformerEncoderLayer(ctx, spec));
        List<TransformerDecoderLayer> dec = new ArrayList<>();
        for (int i = 0; i < decoderLayers; i++) dec.add(new TransformerDecoderLayer(ctx, spec));
        encoder = child("encoder", new Stack<>(enc, spec.preNorm() ? new LayerNorm(ctx, d, spec.lnEps()) : null));
        decoder = child("decoder", new Stack<>(dec, new LayerNorm(ctx, d, spec.lnEps())));
    }

    /** PromptMRG's memory: d 512, 8 heads, 2 + 2 layers, FFN 2048, dropout 0.1. */
    public static DetrTransformer promptMrgMemory(NnContext ctx) {
        return new DetrTransformer(ctx, TransformerLayerSpec.detr(512, 8, 2048, 0.1), 2, 2);
    }

    /**
     * @param src (B, K, d) the items to aggregate (retrieved report features)
     * @param srcMask padding over the K items or null
     * @param queryPos (B, Q, d) query embeddings
     * @return (B, Q, d)
     */
    public Tensor forward(Tensor src, AttentionMask srcMask, Tensor queryPos) {
        Tensor memory = src;
        for (TransformerEncoderLayer l : encoder.layers.items()) memory = l.forward(memory, srcMask, null);
        if (encoder.norm != null) memory = encoder.norm.forward(memory);
        Tensor tgt = Tensor.zeros(queryPos.device(), queryPos.dtype(), queryPos.shapeRef());
        for (TransformerDecoderLayer l : decoder.layers.items())
            tgt = l.forward(tgt, memory, null, srcMask, queryPos, null, null);
        return decoder.norm.forward(tgt);
    }
}
