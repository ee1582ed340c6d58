package org.revtaf.learning.model.revtaf;

import java.util.ArrayList;
import java.util.List;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Rng;

/**
 * Random REVTAF batches of the cache's shapes, for timing a training step of any config ({@code
 * bench train-step}) and for tests: images N(0, 1), f_logit U(0, 1), lrp/grp/memory N(0, 1) with
 * some padded sentences, random statuses, and a report of random tokens (varying length) after the
 * prompt. Seeded: the same arguments give the same batch.
 */
public final class SyntheticBatch {
    private SyntheticBatch() {}

    /** Dims without a tokenizer: [PAD] 0, [SEP] 1, [DEC] 2, [BLA]..[UNC] 3..6. */
    public static RevtafModel.Dims dims(int vocab, int textWidth, int memoryDim) {
        if (vocab < 8) throw new RevtafException("synthetic batch: vocabulary " + vocab + " is below 8 tokens");
        return new RevtafModel.Dims(vocab, textWidth, memoryDim, new ReportPrompt(2, 1, 0, new int[] {3, 4, 5, 6}));
    }

    /**
     * @param sizes batch size B, image side H = W, sentences S of the GRPs, report tokens (at most)
     * @param memoryItems K retrieved memory features (21)
     */
    public record Sizes(int batch, int imageSize, int sentences, int reportTokens, int memoryItems) {
        public Sizes {
            if (batch < 1 || imageSize < 1 || sentences < 1 || reportTokens < 1 || memoryItems < 1)
                throw new RevtafException("synthetic batch: sizes must be >= 1, got " + this);
        }
    }

    public static RevtafModel.Batch random(RevtafModel model, Sizes s, long seed) {
        RevtafModel.Dims d = model.dims();
        Device dev = model.decoder.embeddings.wordEmbeddings.weight.device();
        DType dt = model.decoder.embeddings.wordEmbeddings.weight.dtype();
        Rng r = new Rng(seed);
        int b = s.batch();
        Tensor images = Tensor.randn(dev, dt, r, 1.0, b, 3, s.imageSize(), s.imageSize());
        Tensor fLogit = Tensor.uniform(dev, dt, r, 0, 1, b, RetrievalEnhancer.ENTITIES);
        Tensor lrp = Tensor.randn(dev, dt, r, 1.0, b, RetrievalEnhancer.ENTITIES, d.textWidth());
        Tensor grp = Tensor.randn(dev, dt, r, 1.0, b, s.sentences(), d.textWidth());
        double[] mask = new double[b * s.sentences()];
        for (int i = 0; i < b; i++) {
            int real = 1 + r.nextInt(s.sentences()); // at least one sentence
            for (int j = 0; j < real; j++) mask[i * s.sentences() + j] = 1;
        }
        Tensor grpMask = Tensor.ofDoubles(dev, dt, mask, b, s.sentences());
        Tensor memory = Tensor.randn(dev, dt, r, 1.0, b, s.memoryItems(), d.memoryDim());
        long[] labels = new long[b * StatusClassifier.CLASSES];
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(StatusClassifier.STATES);
        Tensor lab = Tensor.ofLongs(dev, labels, b, StatusClassifier.CLASSES);
        List<int[]> reports = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            int[] rep = new int[1 + r.nextInt(s.reportTokens())];
            for (int k = 0; k < rep.length; k++) rep[k] = 7 + r.nextInt(d.vocab() - 7);
            reports.add(rep);
        }
        ReportPrompt.Text text =
                model.prompt().teacherForcing(lab, reports, ReportPrompt.LENGTH + 1 + s.reportTokens());
        return new RevtafModel.Batch(
                new RevtafModel.Inputs(images, fLogit, lrp, grp, grpMask, memory), lab, text.ids(), text.keep());
    }
}
