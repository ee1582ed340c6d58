package org.revtaf.domain.data;

/**
 * The image preprocessing of PromptMRG/REVTAF (METHOD.md section 5): resize the shorter side to
 * {@code resize}, then for training a random crop of {@code crop} and a rotation uniform in
 * [-maxRotation, +maxRotation] degrees, for evaluation a centre crop; then ImageNet normalisation with
 * gray replicated to 3 channels. Output (3, crop, crop) floats. Deterministic given the random
 * stream.
 *
 * @param resize shorter side after resizing (paper: 256)
 * @param crop side of the square crop (paper: 224)
 * @param maxRotation maximum absolute rotation in degrees for training (paper: 5)
 * @param train random crop + rotation when true, centre crop when false
 */
public record ImagePipeline(int resize, int crop, double maxRotation, boolean train) {
    public ImagePipeline {
        if (crop < 1 || resize < crop)
            throw new IllegalArgumentException("need 1 <= crop <= resize, got crop " + crop + ", resize " + resize);
        if (maxRotation < 0 || maxRotation > 180) throw new IllegalArgumentException("maxRotation " + maxRotation);
    }

    /** Training transform of the paper: Resize(256), RandomCrop(224), RandomRotation(5). */
    public static ImagePipeline paperTrain() {
        return new ImagePipeline(256, 224, 5, true);
    }

    /** Evaluation transform of the paper: Resize(256), CenterCrop(224). */
    public static ImagePipeline paperEval() {
        return new ImagePipeline(256, 224, 0, false);
    }

    /** The same sizes, for evaluation. */
    public ImagePipeline forEval() {
        return new ImagePipeline(resize, crop, 0, false);
    }

    /** Floats per output image: 3 * crop * crop. */
    public int outputSize() {
        return 3 * crop * crop;
    }

    /** (3, crop, crop) normalised floats. */
    public float[] apply(Image img, SplitMix64 rng) {
        float[] out = new float[outputSize()];
        applyInto(img, rng, out, 0);
        return out;
    }

    /** As {@link #apply}, writing into dst at offset. */
    public void applyInto(Image img, SplitMix64 rng, float[] dst, int offset) {
        Image r = ImageTransforms.resizeShorter(img, resize);
        if (train) {
            r = ImageTransforms.randomCrop(r, crop, rng);
            if (maxRotation > 0) r = ImageTransforms.rotate(r, rng.uniform(-maxRotation, maxRotation));
        } else {
            r = ImageTransforms.centerCrop(r, crop);
        }
        ImageTransforms.normalizeInto(r, dst, offset);
    }
}
