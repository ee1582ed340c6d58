package org.revtaf.domain.data;

/**
 * The {@code data} section: how studies become model inputs (METHOD.md section 5).
 *
 * @param resize shorter image side after resizing (paper 256)
 * @param crop side of the square crop fed to the image encoder (paper 224)
 * @param maxRotation training rotation range in degrees, uniform in [-r, r] (paper 5)
 * @param maxWords report words kept for the decoder (PromptMRG: 100 for MIMIC-CXR)
 * @param workers image decoding threads of the batch loader
 * @param onBadSample a missing or corrupt image stops the job (fail) or is skipped and counted (skip)
 */
public record DataConfig(
        int resize, int crop, double maxRotation, int maxWords, int workers, BadSamplePolicy onBadSample) {
    public DataConfig {
        if (crop < 1 || resize < crop)
            throw new IllegalArgumentException("need 1 <= crop <= resize, got crop " + crop + ", resize " + resize);
        if (!(maxRotation >= 0 && maxRotation <= 180))
            throw new IllegalArgumentException("max_rotation must be in [0, 180], got " + maxRotation);
        if (maxWords < 1) throw new IllegalArgumentException("max_words must be >= 1, got " + maxWords);
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        if (onBadSample == BadSamplePolicy.COLLECT)
            throw new IllegalArgumentException("on_bad_sample must be fail or skip, got collect");
    }

    /** The paper's values. */
    public static DataConfig defaults() {
        return new DataConfig(256, 224, 5, 100, 2, BadSamplePolicy.FAIL);
    }

    /** Random crop and rotation (training). */
    public ImagePipeline trainPipeline() {
        return new ImagePipeline(resize, crop, maxRotation, true);
    }

    /** Centre crop (evaluation, precompute). */
    public ImagePipeline evalPipeline() {
        return new ImagePipeline(resize, crop, 0, false);
    }
}
