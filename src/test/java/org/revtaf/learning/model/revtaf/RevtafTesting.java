package org.revtaf.learning.model.revtaf;

import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;

/** Small REVTAF configs and helpers shared by the model tests. */
final class RevtafTesting {
    private RevtafTesting() {}

    static final int VOCAB = 30, TEXT_WIDTH = 6, MEMORY_DIM = 8;

    /**
     * A model of a few thousand parameters: ResNet-18 of width 4 up to stage 2 (32 x 32 images give
     * 4 x 4 = 16 tokens of width 8), 16-wide 1-layer decoder, HNN 75-8-8, fusion width 8.
     */
    static RevtafConfig micro(boolean lre, boolean fvtaf) {
        RevtafConfig d = RevtafConfig.defaults();
        return new RevtafConfig(
                lre,
                fvtaf,
                new RevtafConfig.ImageEncoder(18, 4, 2),
                new RevtafConfig.Memory(2, 1, 1, 16, 0.1),
                d.classifier(),
                new RevtafConfig.Decoder(16, 1, 2, 32, 64, 0.1, 0.1, java.util.Optional.empty()),
                new RevtafConfig.Hnn(8, 2, 0.01),
                new RevtafConfig.Fusion(8, false, 0.1),
                d.ot(),
                d.fcc(),
                d.loss());
    }

    static RevtafModel model(NnContext ctx, RevtafConfig cfg) {
        return new RevtafModel(ctx, cfg, SyntheticBatch.dims(VOCAB, TEXT_WIDTH, MEMORY_DIM));
    }

    static SyntheticBatch.Sizes sizes(int batch) {
        return new SyntheticBatch.Sizes(batch, 32, 3, 6, 5);
    }

    /** The same values on another context's device and dtype (int64 tensors keep their type). */
    static Tensor on(NnContext ctx, Tensor t) {
        if (t == null) return null;
        if (t.dtype() == DType.INT64) return Tensor.ofLongs(ctx.device(), t.toLongs(), t.shapeRef());
        return Tensor.ofDoubles(ctx.device(), ctx.dtype(), t.toDoubles(), t.shapeRef());
    }

    static RevtafModel.Batch on(NnContext ctx, RevtafModel.Batch b) {
        RevtafModel.Inputs i = b.inputs();
        return new RevtafModel.Batch(
                new RevtafModel.Inputs(
                        on(ctx, i.images()),
                        on(ctx, i.fLogit()),
                        on(ctx, i.lrp()),
                        on(ctx, i.grp()),
                        on(ctx, i.grpMask()),
                        on(ctx, i.memory())),
                on(ctx, b.labels()),
                on(ctx, b.ids()),
                on(ctx, b.keep()));
    }

    static Tensor randn(NnContext ctx, long seed, int... shape) {
        return NnTesting.randn(ctx, seed, shape);
    }
}
