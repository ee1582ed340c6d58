package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.DetrTransformer;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.TransformerLayerSpec;

/**
 * PromptMRG's cross-modal feature enhancement: a DETR-style transformer aggregates the K retrieved
 * report features (the cache's memory_feat rows, width md = memory_dim), queried by a projection of
 * the average visual token. Members {@code query_proj} (PromptMRG's vision_proj) and
 * {@code transformer}.
 *
 * <pre>
 * memory (B, K, md), average (B, C) -> query = query_proj(average) (B, 1, md) -> transformer -> (B, md)
 * </pre>
 */
public final class ReportMemory extends Module {
    public final Linear queryProj;
    public final DetrTransformer transformer;
    private final int dim;

    public ReportMemory(NnContext ctx, int visualWidth, int memoryDim, RevtafConfig.Memory cfg) {
        if (memoryDim % cfg.heads() != 0)
            throw new RevtafException("model.memory.heads " + cfg.heads() + " does not divide the memory width "
                    + memoryDim + " (the cache's memory_dim)");
        dim = memoryDim;
        queryProj = child("query_proj", new Linear(ctx, visualWidth, memoryDim, true));
        transformer = child(
                "transformer",
                new DetrTransformer(
                        ctx,
                        TransformerLayerSpec.detr(memoryDim, cfg.heads(), cfg.ffn(), cfg.dropout()),
                        cfg.encoderLayers(),
                        cfg.decoderLayers()));
    }

    public int dim() {
        return dim;
    }

    /** memory (B, K, md), average (B, C) -> (B, md). */
    public Tensor forward(Tensor memory, Tensor average) {
        int b = average.shape(0);
        if (memory.rank() != 3 || memory.shape(0) != b || memory.shape(2) != dim)
            throw new RevtafException("report memory: memory features " + java.util.Arrays.toString(memory.shape())
                    + " should be [" + b + ", K, " + dim + "]");
        Tensor query = queryProj.forward(average).reshape(b, 1, dim);
        return transformer.forward(memory, null, query).reshape(b, dim);
    }
}
