package org.revtaf.learning.model.revtaf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertConfig;
import org.revtaf.learning.model.BertLmDecoder;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * The whole REVTAF model (METHOD.md sections 2-5): PromptMRG's image encoder, report memory,
 * status classifier and prompted BERT decoder, with the switchable LRE ({@code model.lre}) and
 * FVTAF ({@code model.fvtaf}). Members: {@code image_encoder}, {@code memory}, {@code classifier},
 * {@code lre} (when on), {@code fvtaf} (when on), {@code decoder}.
 *
 * <pre>
 * images -> tokens (B, P, C), avg (B, C)
 * memory feats (B, K, md) + avg -> hs (B, md);  status logits = classifier(concat(avg, hs)) (B, 4, 18)
 * lre:   f_logit (B, 75) -> H (B, dh) -> L_rank
 * fvtaf: tokens + grp (B, N, dt) + lrp (B, 75, dt) -> decoder memory (B, P, 2d), maps -> L_fcc
 *        (off: the decoder memory is the raw tokens (B, P, C))
 * decoder([DEC] + 18 statuses + report, memory) -> L_lm (prompt and padding ignored, label smoothing)
 * L = w_lm L_lm + w_cls L_cls + w_rank L_rank + w_fcc L_fcc
 * </pre>
 *
 * Training: {@link #forward(Batch)} in training mode, then {@code losses().total().backward()}.
 * Generation: {@link #condition(Inputs)} in eval mode gives the decoder memory and the prompt of
 * the classifier's statuses for a beam search over {@link #decoder()} ({@code BertLmDecoder.step}
 * with its KV cache); {@link #hyperbolic(Tensor)} embeds images and the training database for
 * the LRE retrieval of the GRPs.
 */
public final class RevtafModel extends Module {
    public final VisualEncoder imageEncoder;
    public final ReportMemory memory;
    public final StatusClassifier classifier;
    public final RetrievalEnhancer lre;
    public final Fvtaf fvtaf;
    public final BertLmDecoder decoder;
    private final RevtafConfig cfg;
    private final Dims dims;

    /**
     * Sizes that come with the data: vocabulary size and the prompt's token ids (the cache's
     * tokenizer with its special tokens), the width dt of the cached text embeddings and the width
     * of the cached memory features.
     */
    public record Dims(int vocab, int textWidth, int memoryDim, ReportPrompt prompt) {
        public Dims {
            if (vocab < 1 || textWidth < 1 || memoryDim < 1)
                throw new RevtafException("revtaf model: vocabulary " + vocab + ", text width " + textWidth
                        + " and memory width " + memoryDim + " must be >= 1");
            int[] ids = {prompt.dec(), prompt.sep(), prompt.pad()};
            for (int id : ids)
                if (id < 0 || id >= vocab)
                    throw new RevtafException("revtaf model: prompt token id " + id + " outside the vocabulary");
            for (int id : prompt.status())
                if (id < 0 || id >= vocab)
                    throw new RevtafException("revtaf model: status token id " + id + " outside the vocabulary");
        }

        /** From the cache's tokenizer (with the special tokens), text width and memory width. */
        public static Dims of(WordPieceTokenizer tokenizer, int textWidth, int memoryDim) {
            return new Dims(tokenizer.size(), textWidth, memoryDim, ReportPrompt.of(tokenizer));
        }
    }

    /**
     * What the model is conditioned on, per image (shapes in {@code CONTRACTS.md}). Tensors a
     * switched-off part does not use may be null: f_logit without LRE, lrp/grp/grp_mask without
     * FVTAF; grp_mask null means every sentence is real.
     *
     * @param images (B, 3, H, W) normalised
     * @param fLogit (B, 75)
     * @param lrp (B, 75, dt)
     * @param grp (B, S, dt)
     * @param grpMask (B, S) 1 sentence / 0 padding
     * @param memory (B, K, md) retrieved report features
     */
    public record Inputs(Tensor images, Tensor fLogit, Tensor lrp, Tensor grp, Tensor grpMask, Tensor memory) {}

    /**
     * A training batch: inputs, statuses (B, 18) int64 (classifier targets and the prompt), decoder
     * ids (B, T) int64 ([DEC] + 18 status tokens + report + [SEP], padded) and keep (B, T) (1 token,
     * 0 padding; null: no padding). Loss targets are derived ({@link ReportPrompt#targets}).
     */
    public record Batch(Inputs inputs, Tensor labels, Tensor ids, Tensor keep) {}

    /** Scalar losses; parts that are switched off are constant 0. */
    public record Losses(Tensor total, Tensor lm, Tensor cls, Tensor rank, Tensor fcc) {
        /** Values by name (total, lm, cls, rank, fcc), for logging. */
        public Map<String, Double> values() {
            double[] v; // one read of the five (one host synchronisation on a device)
            try (var g = GradMode.noGrad()) {
                v = F.stack(0, total, lm, cls, rank, fcc).toDoubles();
            }
            Map<String, Double> out = new LinkedHashMap<>();
            String[] names = {"total", "lm", "cls", "rank", "fcc"};
            for (int i = 0; i < names.length; i++) out.put(names[i], v[i]);
            return out;
        }

        /** Throws naming every value when one is NaN or infinite ({@code where}: e.g. "step 120"). */
        public void requireFinite(String where) {
            Map<String, Double> v = values();
            if (v.values().stream().allMatch(Double::isFinite)) return;
            StringBuilder b = new StringBuilder();
            v.forEach((k, x) ->
                    b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(x));
            throw new RevtafException("non-finite loss at " + where + ": " + b);
        }
    }

    /**
     * @param statusLogits (B, 4, 18) as the loss saw them (logit-adjusted in training)
     * @param hyperbolic (B, dh) LRE embeddings, or null without LRE
     * @param mapsGlobal (B, N, P) and mapsLocal (B, 75, P) FVTAF attention maps, or null
     */
    public record Output(Losses losses, Tensor statusLogits, Tensor hyperbolic, Tensor mapsGlobal, Tensor mapsLocal) {}

    /**
     * What generation needs.
     *
     * @param memory (B, P, W) decoder memory (repeat rows for beams)
     * @param statusLogits (B, 4, 18) raw logits
     * @param statuses (B, 18) int64 argmax statuses
     * @param promptIds (B, 19) int64 [DEC] + status tokens, the decoder's first input
     * @param mapsGlobal (B, N, P), mapsLocal (B, 75, P) attention maps for pictures, or null
     * @param gridH the maps' token grid is gridH x gridW
     */
    public record Conditioning(
            Tensor memory,
            Tensor statusLogits,
            Tensor statuses,
            Tensor promptIds,
            Tensor mapsGlobal,
            Tensor mapsLocal,
            int gridH,
            int gridW) {}

    public RevtafModel(NnContext ctx, RevtafConfig cfg, Dims dims) {
        this.cfg = cfg;
        this.dims = dims;
        imageEncoder = child("image_encoder", new VisualEncoder(ctx, cfg.imageEncoder()));
        int c = imageEncoder.channels();
        memory = child("memory", new ReportMemory(ctx, c, dims.memoryDim(), cfg.memory()));
        classifier = child("classifier", new StatusClassifier(ctx, c + dims.memoryDim(), cfg.classifier()));
        lre = cfg.lre() ? child("lre", new RetrievalEnhancer(ctx, cfg.hnn())) : null;
        fvtaf = cfg.fvtaf() ? child("fvtaf", new Fvtaf(ctx, c, dims.textWidth(), cfg.fusion(), cfg.ot())) : null;
        RevtafConfig.Decoder d = cfg.decoder();
        int memoryWidth = fvtaf != null ? fvtaf.memoryWidth() : c;
        decoder = child(
                "decoder",
                new BertLmDecoder(
                        ctx,
                        new BertConfig(
                                dims.vocab(),
                                d.hidden(),
                                d.layers(),
                                d.heads(),
                                d.intermediate(),
                                d.maxPositions(),
                                0,
                                d.dropout(),
                                1e-12,
                                dims.prompt().pad(),
                                memoryWidth)));
    }

    /** Builds the model for a config and the cache's tokenizer, text width and memory width. */
    public static RevtafModel build(
            NnContext ctx, RevtafConfig cfg, WordPieceTokenizer tokenizer, int textWidth, int memoryDim) {
        return new RevtafModel(ctx, cfg, Dims.of(tokenizer, textWidth, memoryDim));
    }

    public RevtafConfig config() {
        return cfg;
    }

    public Dims dims() {
        return dims;
    }

    public ReportPrompt prompt() {
        return dims.prompt();
    }

    public BertLmDecoder decoder() {
        return decoder;
    }

    /** The training forward pass and every loss. */
    public Output forward(Batch batch) {
        Inputs in = batch.inputs();
        Encoded e = encode(in);
        int b = e.visual().tokens().shape(0);
        Tensor labels = batch.labels();
        if (labels == null || labels.rank() != 2 || labels.shape(0) != b || labels.shape(1) != StatusClassifier.CLASSES)
            throw new RevtafException("revtaf model: labels " + shape(labels) + " should be [" + b + ", "
                    + StatusClassifier.CLASSES + "]");
        Tensor ids = batch.ids();
        if (ids == null || ids.rank() != 2 || ids.shape(0) != b)
            throw new RevtafException("revtaf model: text ids " + shape(ids) + " should be [" + b + ", T]");
        if (batch.keep() != null && !Arrays.equals(batch.keep().shapeRef(), ids.shapeRef()))
            throw new RevtafException(
                    "revtaf model: keep " + shape(batch.keep()) + " should match the text ids " + shape(ids));

        Tensor logits = classifier.adjusted(e.statusLogits());
        Tensor cls = StatusClassifier.loss(logits, labels);
        Tensor zero = Tensor.zeros(logits.device(), logits.dtype()); // zero-filled where it lives: no upload
        Tensor hyper = null, rank = zero, fcc = zero;
        if (lre != null) {
            hyper = lre.embed(require(in.fLogit(), "f_logit"));
            rank = lre.rankLoss(hyper, labels);
        }
        if (e.fused() != null)
            fcc = FccLoss.loss(
                    cfg.fcc(),
                    e.fused().mapsGlobal(),
                    e.fused().mapsLocal(),
                    e.fused().textGlobal(),
                    e.fused().textLocal(),
                    in.grpMask(),
                    e.visual().gridH(),
                    e.visual().gridW());
        Tensor targets = ReportPrompt.targets(ids, batch.keep());
        Tensor lm = decoder.loss(
                ids, batch.keep(), e.memory(), null, targets, cfg.decoder().labelSmoothing());
        RevtafConfig.LossWeights w = cfg.loss();
        Tensor total =
                lm.mul(w.lm()).add(cls.mul(w.cls())).add(rank.mul(w.rank())).add(fcc.mul(w.fcc()));
        Tensor mg = e.fused() == null ? null : e.fused().mapsGlobal();
        Tensor ml = e.fused() == null ? null : e.fused().mapsLocal();
        return new Output(new Losses(total, lm, cls, rank, fcc), logits, hyper, mg, ml);
    }

    /**
     * The decoder memory, classifier statuses and prompt for generation (call in eval mode, under
     * {@code GradMode.noGrad()}). The GRPs are those the LRE retrieved ({@link #hyperbolic}).
     */
    public Conditioning condition(Inputs in) {
        Encoded e = encode(in);
        Tensor logits = classifier.adjusted(e.statusLogits()); // raw outside training
        Tensor statuses = StatusClassifier.predict(logits);
        Tensor mg = e.fused() == null ? null : e.fused().mapsGlobal();
        Tensor ml = e.fused() == null ? null : e.fused().mapsLocal();
        return new Conditioning(
                e.memory(),
                logits,
                statuses,
                prompt().ids(statuses),
                mg,
                ml,
                e.visual().gridH(),
                e.visual().gridW());
    }

    /** LRE embeddings (B, dh) of f_logit (B, 75): queries and the retrieval database. */
    public Tensor hyperbolic(Tensor fLogit) {
        if (lre == null) throw new RevtafException("revtaf model: built without the LRE (model.lre: false)");
        return lre.embed(fLogit);
    }

    /** Shared image side: tokens, memory, classifier logits (raw), FVTAF fusion. */
    private record Encoded(VisualEncoder.Output visual, Tensor statusLogits, Fvtaf.Output fused, Tensor memory) {}

    private Encoded encode(Inputs in) {
        VisualEncoder.Output v = imageEncoder.forward(require(in.images(), "images"));
        int b = v.tokens().shape(0);
        Tensor hs = memory.forward(require(in.memory(), "memory"), v.average()); // (B, md)
        Tensor logits = classifier.logits(F.concat(1, v.average(), hs)); // (B, 4, 18)
        if (in.fLogit() != null && (in.fLogit().rank() != 2 || in.fLogit().shape(0) != b))
            throw new RevtafException("revtaf model: f_logit " + shape(in.fLogit()) + " should be [" + b + ", 75]");
        if (fvtaf == null) return new Encoded(v, logits, null, v.tokens());
        Fvtaf.Output f = fvtaf.forward(v.tokens(), require(in.grp(), "grp"), in.grpMask(), require(in.lrp(), "lrp"));
        return new Encoded(v, logits, f, f.memory());
    }

    private Tensor require(Tensor t, String what) {
        if (t == null)
            throw new RevtafException("revtaf model: input '" + what + "' is missing (model.lre " + cfg.lre()
                    + ", model.fvtaf " + cfg.fvtaf() + ")");
        return t;
    }

    private static String shape(Tensor t) {
        return t == null ? "missing" : Arrays.toString(t.shape());
    }
}
