package org.revtaf.edges.config;

/**
 * The {@code train} section: REVTAF's training schedule (METHOD.md section 5; reference study
 * section 1.9). Defaults are the paper's: AdamW lr 5e-5 (no decay for biases and norms), linear
 * warm-up from 5e-7 over 2000 steps in the first epoch, then a per-epoch cosine down to 5e-6,
 * clipping by value 0.1, batch 18, 6 epochs.
 *
 * @param epochs passes over the training split
 * @param batchSize training images per step
 * @param lr peak learning rate
 * @param minLr learning rate of the last epoch
 * @param warmupLr learning rate of the first step
 * @param warmupSteps linear warm-up length in steps (cut at the end of the first epoch)
 * @param weightDecay AdamW decay of weight matrices (biases and norms get none)
 * @param gradClip clip every gradient element to [-v, v] (0: off)
 * @param grpSource where the training GRPs come from: the Hamming neighbour of the cache (the
 *     paper's code) or the LRE's nearest training study (ablation)
 * @param logEvery a step row in metrics.csv every this many steps (mean over the steps since the last)
 * @param checkpointEvery also a checkpoint every this many steps (0: only at the end of each epoch)
 * @param keepCheckpoints how many {@code checkpoints/step-N.safetensors} to keep, newest first (0: all)
 * @param valBatchSize studies per greedy-decoding batch in validation
 * @param valStudies validate on the first this many validation studies (0: all of them)
 */
public record TrainConfig(
        int epochs,
        int batchSize,
        double lr,
        double minLr,
        double warmupLr,
        int warmupSteps,
        double weightDecay,
        double gradClip,
        GrpSource grpSource,
        int logEvery,
        int checkpointEvery,
        int keepCheckpoints,
        int valBatchSize,
        int valStudies) {

    /** Where a training study's GRPs (global report prompts) come from. */
    public enum GrpSource {
        /** The cache's {@code hamming_nn}: the training report with the nearest 18x4 status vector. */
        HAMMING,
        /** The LRE's nearest other training study in the Poincare ball, with the current weights. */
        HYPERBOLIC
    }

    public TrainConfig {
        Checks.atLeast("epochs", epochs, 1);
        Checks.atLeast("batch_size", batchSize, 1);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(minLr >= 0 && minLr <= lr))
            throw new IllegalArgumentException("min_lr must be in [0, lr " + lr + "], got " + minLr);
        if (!(warmupLr >= 0 && warmupLr <= lr))
            throw new IllegalArgumentException("warmup_lr must be in [0, lr " + lr + "], got " + warmupLr);
        Checks.atLeast("warmup_steps", warmupSteps, 0);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        if (!(gradClip >= 0) || Double.isInfinite(gradClip))
            throw new IllegalArgumentException("grad_clip must be >= 0 (0: off), got " + gradClip);
        if (grpSource == null) throw new IllegalArgumentException("grp_source must be hamming or hyperbolic");
        Checks.atLeast("log_every", logEvery, 1);
        Checks.atLeast("checkpoint_every", checkpointEvery, 0, "(0: each epoch)");
        Checks.atLeast("keep_checkpoints", keepCheckpoints, 0, "(0: all)");
        Checks.atLeast("val_batch_size", valBatchSize, 1);
        Checks.atLeast("val_studies", valStudies, 0, "(0: all)");
    }

    /** The paper's schedule (MIMIC-CXR). */
    public static TrainConfig defaults() {
        return new TrainConfig(6, 18, 5e-5, 5e-6, 5e-7, 2000, 0.05, 0.1, GrpSource.HAMMING, 100, 0, 2, 16, 0);
    }
}
