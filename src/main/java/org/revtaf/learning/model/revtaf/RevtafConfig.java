package org.revtaf.learning.model.revtaf;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The REVTAF model: the PromptMRG baseline (image encoder, retrieved-report memory, status
 * classifier, report decoder) with the two switchable additions of the paper, the Learnable
 * Retrieval Enhancer ({@code lre}) and the Fine-grained Visual-Text Alignment and Fusion
 * ({@code fvtaf}). Both off is the baseline: the decoder cross-attends the raw image tokens.
 * Defaults are the paper's values (METHOD.md sections 2-5); {@link #tiny()} is a model small enough
 * for two CPU cores. It is the {@code model} section of configs/*.yaml (keys in snake_case).
 *
 * <p>Sizes that come from the data rather than the config (vocabulary, text width dt of the cached
 * embeddings, width of the cached memory features) are given when the model is built ({@link
 * RevtafModel.Dims}).
 *
 * @param lre the hyperbolic retrieval enhancer and its rank loss
 * @param fvtaf the two Sinkhorn cross-attention branches, their fusion and the FCC loss
 */
public record RevtafConfig(
        boolean lre,
        boolean fvtaf,
        ImageEncoder imageEncoder,
        Memory memory,
        Classifier classifier,
        Decoder decoder,
        Hnn hnn,
        Fusion fusion,
        Ot ot,
        Fcc fcc,
        LossWeights loss) {
    public RevtafConfig {
        if (imageEncoder == null
                || memory == null
                || classifier == null
                || decoder == null
                || hnn == null
                || fusion == null
                || ot == null
                || fcc == null
                || loss == null) throw new IllegalArgumentException("every model section must be given");
    }

    /** The paper's model (ResNet-101, 768-wide 12-layer decoder, HNN 75-512-512, fusion width 1024). */
    public static RevtafConfig defaults() {
        return new RevtafConfig(
                true,
                true,
                ImageEncoder.defaults(),
                Memory.defaults(),
                Classifier.defaults(),
                Decoder.defaults(),
                Hnn.defaults(),
                Fusion.defaults(),
                Ot.defaults(),
                Fcc.defaults(),
                LossWeights.defaults());
    }

    /** A model for two CPU cores: ResNet-18 of base width 8, 64-wide 2-layer decoder, small heads. */
    public static RevtafConfig tiny() {
        return new RevtafConfig(
                true,
                true,
                new ImageEncoder(18, 8, 4),
                new Memory(4, 1, 1, 128, 0.1),
                Classifier.defaults(),
                new Decoder(64, 2, 2, 128, 256, 0.1, 0.1, Optional.empty()),
                new Hnn(64, 2, 0.01),
                new Fusion(64, false, 0.1),
                Ot.defaults(),
                Fcc.defaults(),
                LossWeights.defaults());
    }

    /** This config with the two switches set (both false = the PromptMRG baseline). */
    public RevtafConfig withSwitches(boolean lre, boolean fvtaf) {
        return new RevtafConfig(lre, fvtaf, imageEncoder, memory, classifier, decoder, hnn, fusion, ot, fcc, loss);
    }

    /**
     * The visual backbone: a torchvision-layout ResNet up to {@code lastStage}; its feature map
     * (B, C, h, w) becomes P = h*w tokens (7 x 7 = 49 of width 2048 for ResNet-101 on 224 pixels).
     *
     * @param depth 18, 34, 50 or 101
     * @param width base width (64)
     * @param lastStage the stage whose output gives the tokens (4)
     * @param init converted torchvision ImageNet weights of this ResNet (safetensors) loaded when
     *     {@code train} starts a run ({@code fc} and unused stages ignored); empty: the seeded
     *     initialisation. A relative path is relative to the config file's folder.
     */
    public record ImageEncoder(int depth, int width, int lastStage, Optional<Path> init) {
        /** Without a checkpoint. */
        public ImageEncoder(int depth, int width, int lastStage) {
            this(depth, width, lastStage, Optional.empty());
        }

        public ImageEncoder {
            if (depth != 18 && depth != 34 && depth != 50 && depth != 101)
                throw new IllegalArgumentException("image_encoder.depth must be 18, 34, 50 or 101, got " + depth);
            if (width < 1) throw new IllegalArgumentException("image_encoder.width must be >= 1, got " + width);
            if (lastStage < 1 || lastStage > 4)
                throw new IllegalArgumentException("image_encoder.last_stage must be 1..4, got " + lastStage);
        }

        public static ImageEncoder defaults() {
            return new ImageEncoder(101, 64, 4);
        }
    }

    /**
     * PromptMRG's DETR-style memory over the retrieved report features (its width is the cache's
     * memory_dim, 512).
     */
    public record Memory(int heads, int encoderLayers, int decoderLayers, int ffn, double dropout) {
        public Memory {
            if (heads < 1) throw new IllegalArgumentException("memory.heads must be >= 1, got " + heads);
            if (encoderLayers < 0 || decoderLayers < 1)
                throw new IllegalArgumentException("memory needs encoder_layers >= 0 and decoder_layers >= 1, got "
                        + encoderLayers + " and " + decoderLayers);
            if (ffn < 1) throw new IllegalArgumentException("memory.ffn must be >= 1, got " + ffn);
            probability("memory.dropout", dropout);
        }

        public static Memory defaults() {
            return new Memory(8, 2, 2, 2048, 0.1);
        }
    }

    /**
     * The 18-class x 4-state status classifier.
     *
     * @param initStd standard deviation of its weight (0.001; bias 0)
     * @param logitAdjustment add log(base_probs) to the POS logit in training
     */
    public record Classifier(double initStd, boolean logitAdjustment) {
        public Classifier {
            if (!(initStd > 0)) throw new IllegalArgumentException("classifier.init_std must be > 0, got " + initStd);
        }

        public static Classifier defaults() {
            return new Classifier(0.001, true);
        }
    }

    /**
     * The BERT-style report decoder (vocabulary from the cache's tokenizer).
     *
     * @param labelSmoothing of the next-token loss (0.1)
     * @param init a converted Hugging Face BERT (bert-base-uncased: cross-attention keeps its
     *     initialisation, as PromptMRG) or BLIP checkpoint ({@code text_decoder.*}) loaded when
     *     {@code train} starts a run; it needs {@code text.vocab} = the checkpoint's vocab.txt. Empty:
     *     the seeded initialisation.
     */
    public record Decoder(
            int hidden,
            int layers,
            int heads,
            int intermediate,
            int maxPositions,
            double dropout,
            double labelSmoothing,
            Optional<Path> init) {
        public Decoder {
            if (hidden < 1 || layers < 1 || heads < 1 || intermediate < 1)
                throw new IllegalArgumentException("decoder sizes must be >= 1 (hidden " + hidden + ", layers " + layers
                        + ", heads " + heads + ", intermediate " + intermediate + ")");
            if (hidden % heads != 0)
                throw new IllegalArgumentException(
                        "decoder.hidden " + hidden + " is not divisible by decoder.heads " + heads);
            if (maxPositions < ReportPrompt.LENGTH + 2)
                throw new IllegalArgumentException("decoder.max_positions must leave room for the "
                        + ReportPrompt.LENGTH + "-token prompt and a report, got " + maxPositions);
            probability("decoder.dropout", dropout);
            if (!(labelSmoothing >= 0 && labelSmoothing < 1))
                throw new IllegalArgumentException("decoder.label_smoothing must be in [0, 1), got " + labelSmoothing);
        }

        public static Decoder defaults() {
            return new Decoder(768, 12, 12, 3072, 512, 0.1, 0.1, Optional.empty());
        }
    }

    /**
     * The hyperbolic network of the LRE: {@code layers} HypLinear + HypAct layers 75 -> hidden ->
     * ... -> hidden on the Poincare ball of curvature c.
     */
    public record Hnn(int hidden, int layers, double curvature) {
        public Hnn {
            if (hidden < 1 || layers < 1)
                throw new IllegalArgumentException(
                        "hnn.hidden and hnn.layers must be >= 1, got " + hidden + " and " + layers);
            if (!(curvature > 0) || Double.isInfinite(curvature))
                throw new IllegalArgumentException("hnn.curvature must be > 0, got " + curvature);
        }

        public static Hnn defaults() {
            return new Hnn(512, 2, 0.01);
        }
    }

    /**
     * The FVTAF fusion.
     *
     * @param width common width d of visual tokens and text prompts (1024); the decoder memory is 2d
     * @param sharedAttention one Sinkhorn attention (phi_q/k/v, projection, norm, f_proj) for both
     *     branches, as the released code does; false (METHOD.md, the paper): two branches
     * @param dropout on the attention output before the residual
     */
    public record Fusion(int width, boolean sharedAttention, double dropout) {
        public Fusion {
            if (width < 1) throw new IllegalArgumentException("fusion.width must be >= 1, got " + width);
            probability("fusion.dropout", dropout);
        }

        public static Fusion defaults() {
            return new Fusion(1024, false, 0.1);
        }
    }

    /** The Sinkhorn transport of the cross-attention. */
    public enum OtMode {
        /** The pixel x text-token transport (METHOD.md, OTSeg). */
        REAL,
        /** The released code's degenerate per-token problem: plan = 1/P, maps = similarity. */
        RELEASED
    }

    /**
     * @param maxIter at most this many Sinkhorn iterations (100)
     * @param tol stop when the mean |u - u_prev| is below this (1e-6)
     */
    public record Ot(OtMode mode, double eps, int maxIter, double tol) {
        public Ot {
            if (mode == null) throw new IllegalArgumentException("ot.mode must be real or released");
            if (!(eps > 0)) throw new IllegalArgumentException("ot.eps must be > 0, got " + eps);
            if (maxIter < 1) throw new IllegalArgumentException("ot.max_iter must be >= 1, got " + maxIter);
            if (!(tol >= 0)) throw new IllegalArgumentException("ot.tol must be >= 0, got " + tol);
        }

        public static Ot defaults() {
            return new Ot(OtMode.REAL, 0.05, 100, 1e-6);
        }
    }

    /** The FCC overlap. */
    public enum FccMode {
        /** The paper: per-map min-max normalisation, soft IoU (element-wise min / max). */
        SOFT,
        /** The released code: global min-max, threshold, binary IoU (no gradient through the maps). */
        HARD
    }

    /**
     * @param resolution 0: maps at token resolution (h x w); otherwise bilinear upsampling to
     *     resolution x resolution first (the released code: 224)
     * @param threshold binarisation threshold of the hard mode (0.5)
     */
    public record Fcc(FccMode mode, int resolution, double threshold) {
        public Fcc {
            if (mode == null) throw new IllegalArgumentException("fcc.mode must be soft or hard");
            if (resolution < 0) throw new IllegalArgumentException("fcc.resolution must be >= 0, got " + resolution);
            if (!(threshold >= 0 && threshold <= 1))
                throw new IllegalArgumentException("fcc.threshold must be in [0, 1], got " + threshold);
        }

        public static Fcc defaults() {
            return new Fcc(FccMode.SOFT, 0, 0.5);
        }
    }

    /** L = lm L_lm + cls L_cls + rank L_rank + fcc L_fcc (paper: 1, 4, 2, 0.5). */
    public record LossWeights(double lm, double cls, double rank, double fcc) {
        public LossWeights {
            for (double w : new double[] {lm, cls, rank, fcc})
                if (!(w >= 0) || Double.isInfinite(w))
                    throw new IllegalArgumentException("loss weights must be finite and >= 0, got lm " + lm + ", cls "
                            + cls + ", rank " + rank + ", fcc " + fcc);
        }

        public static LossWeights defaults() {
            return new LossWeights(1, 4, 2, 0.5);
        }
    }

    private static void probability(String key, double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(key + " must be in [0, 1), got " + p);
    }
}
