package org.revtaf.edges.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code foundation} section: sizes and schedules of the MedKLIP-style foundation model
 * (METHOD.md section 1.1). Defaults are MedKLIP's (reference study section 6) with a bert-base text
 * encoder.
 *
 * @param textEncoder the BERT text encoder, pretrained by masked-language modelling
 * @param mlm the text encoder's pretraining
 * @param imageEncoder the ResNet up to layer3
 * @param decoder the entity query decoder
 * @param train the image side's training on the report triplets
 * @param init a converted MedKLIP checkpoint (safetensors) loaded into the image side (backbone,
 *     projections, entity decoder, classifier) before pretraining; empty: the seeded initialisation.
 *     A relative path is relative to the config file's folder.
 */
public record FoundationConfig(
        TextEncoder textEncoder,
        Mlm mlm,
        ImageEncoder imageEncoder,
        Decoder decoder,
        Train train,
        Optional<Path> init) {

    /** Without a MedKLIP checkpoint. */
    public FoundationConfig(TextEncoder textEncoder, Mlm mlm, ImageEncoder imageEncoder, Decoder decoder, Train train) {
        this(textEncoder, mlm, imageEncoder, decoder, train, Optional.empty());
    }

    public static FoundationConfig defaults() {
        return new FoundationConfig(
                TextEncoder.defaults(), Mlm.defaults(), ImageEncoder.defaults(), Decoder.defaults(), Train.defaults());
    }

    /**
     * BERT text encoder sizes (bert-base / Bio_ClinicalBERT: 768, 12 layers, 12 heads, 3072).
     *
     * @param maxPositions learned positions; at least {@code text.max_tokens}
     * @param init a converted Hugging Face BERT checkpoint (bert-base-uncased, Bio_ClinicalBERT) loaded
     *     before pretraining; it needs {@code text.vocab} = the checkpoint's vocab.txt. Empty: seeded.
     */
    public record TextEncoder(
            int hidden,
            int layers,
            int heads,
            int intermediate,
            int maxPositions,
            double dropout,
            Optional<Path> init) {
        /** Without a checkpoint. */
        public TextEncoder(int hidden, int layers, int heads, int intermediate, int maxPositions, double dropout) {
            this(hidden, layers, heads, intermediate, maxPositions, dropout, Optional.empty());
        }

        public TextEncoder {
            if (hidden < 1 || layers < 1 || heads < 1 || intermediate < 1 || maxPositions < 3)
                throw new IllegalArgumentException("sizes must be positive (max_positions >= 3)");
            if (hidden % heads != 0)
                throw new IllegalArgumentException("hidden " + hidden + " is not divisible by heads " + heads);
            checkDropout(dropout);
        }

        public static TextEncoder defaults() {
            return new TextEncoder(768, 12, 12, 3072, 512, 0.1);
        }
    }

    /**
     * Masked-language-model pretraining of the text encoder on the training reports (BERT's recipe:
     * {@code maskProb} of the tokens chosen, of those 80% [MASK], 10% a random token, 10% kept).
     *
     * @param epochs passes over the training reports (0: keep the seeded initialisation)
     * @param warmupSteps linear warm-up from {@code minLr} during the first epoch, then the per-epoch
     *     cosine of {@link org.revtaf.learning.optim.LrSchedule} down to {@code minLr} in the last epoch
     */
    public record Mlm(
            int epochs,
            int batchSize,
            double lr,
            double minLr,
            double weightDecay,
            int warmupSteps,
            double maskProb,
            double gradClip) {
        public Mlm {
            checkSchedule(epochs, batchSize, lr, minLr, weightDecay, warmupSteps, gradClip);
            if (!(maskProb > 0 && maskProb < 1))
                throw new IllegalArgumentException("mask_prob must be in (0, 1), got " + maskProb);
        }

        public static Mlm defaults() {
            return new Mlm(10, 32, 1e-4, 1e-5, 0.01, 500, 0.15, 1.0);
        }
    }

    /**
     * The ResNet feature extractor up to layer3 (MedKLIP: ResNet-50, torchvision widths).
     *
     * @param depth 18, 34, 50 or 101
     * @param width base width (64 = torchvision; layer3 has 4 x width channels, x 4 for 50/101)
     * @param init converted torchvision ImageNet weights of this ResNet loaded into the backbone before
     *     pretraining ({@code fc} and layer4 unused); empty: seeded
     */
    public record ImageEncoder(int depth, int width, Optional<Path> init) {
        /** Without a checkpoint. */
        public ImageEncoder(int depth, int width) {
            this(depth, width, Optional.empty());
        }

        public ImageEncoder {
            if (depth != 18 && depth != 34 && depth != 50 && depth != 101)
                throw new IllegalArgumentException("depth must be 18, 34, 50 or 101, got " + depth);
            Checks.atLeast("width", width, 1);
        }

        public static ImageEncoder defaults() {
            return new ImageEncoder(50, 64);
        }
    }

    /** What is done to the entity and position books before they become queries and candidates. */
    public enum Books {
        /** used as the text encoder gives them (MedKLIP) */
        RAW,
        /** centred, one scale for all entries ({@code standardize_books}) */
        STANDARDIZE,
        /** centred and whitened ({@code whiten_books}) */
        WHITEN
    }

    /**
     * The pre-norm entity query decoder (MedKLIP: d 256, 4 layers, 4 heads, FFN 1024, dropout 0.1).
     *
     * @param standardizeBooks centre the entity and position books (the text encoder's embeddings of
     *     the 75 descriptions and 51 position phrases) on their means and scale them to unit variance
     *     before use. A small text encoder pretrained only by MLM gives nearly parallel embeddings
     *     (tiny: mean cosine 0.90 between entity descriptions), which leaves the queries almost
     *     alike; MedKLIP uses Bio_ClinicalBERT's [CLS] vectors as they are (false).
     * @param whitenBooks whiten the books instead: centre them, then multiply by C^-1/2 (C the
     *     book's covariance), so every direction the text encoder separates entities in gets unit
     *     variance. Standardising keeps the tiny encoder's few dominant directions (after centring,
     *     effusion/pneumothorax, nodule/pacemaker and thicken/enlarge still have cosines above 0.9);
     *     whitening spreads them. Exclusive with standardizeBooks.
     * @param pooledHead add to each entity's existence logit a linear function of the average-pooled
     *     layer3 map ({@code pooled_head}, one row per entity; not in MedKLIP, whose only existence
     *     head is the shared {@code classifier} over the query outputs). With a narrow decoder the
     *     shared classifier under-fits focal findings: every entity's evidence must reach one common
     *     direction through the decoder's shared FFNs (benchmarks/README.md, "Foundation stage",
     *     fourth look). A MedKLIP checkpoint has no such head: it keeps its initialisation.
     */
    public record Decoder(
            int d,
            int layers,
            int heads,
            int ffn,
            double dropout,
            boolean standardizeBooks,
            boolean whitenBooks,
            boolean pooledHead) {
        public Decoder {
            if (standardizeBooks && whitenBooks)
                throw new IllegalArgumentException(
                        "standardize_books and whiten_books are exclusive (whitening centres and scales too)");
            if (d < 1 || layers < 1 || heads < 1 || ffn < 1)
                throw new IllegalArgumentException("sizes must be positive");
            if (d % heads != 0) throw new IllegalArgumentException("d " + d + " is not divisible by heads " + heads);
            checkDropout(dropout);
        }

        /** How the books are transformed before use. */
        public Books books() {
            return whitenBooks ? Books.WHITEN : standardizeBooks ? Books.STANDARDIZE : Books.RAW;
        }

        public static Decoder defaults() {
            return new Decoder(256, 4, 4, 1024, 0.1, false, false, false);
        }
    }

    /**
     * Training of the image side on the report triplets (existence cross-entropy + position
     * contrastive loss); the text encoder is frozen.
     *
     * @param warmupSteps as in {@link Mlm}
     * @param gradClip gradient norm clipping (0: off)
     * @param positionNegatives non-positive positions drawn per present entity (MedKLIP: 7)
     * @param positionWeight weight of the position contrastive loss (MedKLIP: 1)
     * @param unmentionedAsAbsent an entity the report does not mention is a negative (true), or no
     *     target at all (false, MedKLIP's masking of -1)
     * @param positiveWeightPower the existence loss weighs entity e's positive targets by
     *     (negatives_e / positives_e)^power over the training targets, clamped to [1, {@link
     *     #MAX_POSITIVE_WEIGHT}] (0: unweighted, MedKLIP)
     * @param logEvery a metrics row every this many steps
     */
    public record Train(
            int epochs,
            int batchSize,
            double lr,
            double minLr,
            double weightDecay,
            int warmupSteps,
            double gradClip,
            int positionNegatives,
            double positionWeight,
            boolean unmentionedAsAbsent,
            double positiveWeightPower,
            int logEvery) {
        /** The largest weight of a positive existence target. */
        public static final double MAX_POSITIVE_WEIGHT = 20;

        public Train {
            checkSchedule(epochs, batchSize, lr, minLr, weightDecay, warmupSteps, gradClip);
            Checks.atLeast("epochs", epochs, 1);
            if (positionNegatives < 1 || positionNegatives > 50)
                throw new IllegalArgumentException("position_negatives must be in [1, 50], got " + positionNegatives);
            if (!(positionWeight >= 0))
                throw new IllegalArgumentException("position_weight must be >= 0, got " + positionWeight);
            if (!(positiveWeightPower >= 0 && positiveWeightPower <= 1))
                throw new IllegalArgumentException(
                        "positive_weight_power must be in [0, 1], got " + positiveWeightPower);
            Checks.atLeast("log_every", logEvery, 1);
        }

        public static Train defaults() {
            return new Train(100, 48, 1e-4, 1e-5, 0.02, 500, 0, 7, 1.0, true, 0, 50);
        }
    }

    private static void checkDropout(double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
    }

    private static void checkSchedule(
            int epochs, int batch, double lr, double minLr, double wd, int warmup, double clip) {
        Checks.atLeast("epochs", epochs, 0);
        Checks.atLeast("batch_size", batch, 1);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(minLr >= 0 && minLr <= lr)) throw new IllegalArgumentException("min_lr must be in [0, lr], got " + minLr);
        if (!(wd >= 0)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + wd);
        Checks.atLeast("warmup_steps", warmup, 0);
        if (!(clip >= 0)) throw new IllegalArgumentException("grad_clip must be >= 0 (0: off), got " + clip);
    }
}
