package org.revtaf.learning.nn;

import org.revtaf.engine.tensor.Shapes;

/**
 * Weight initialisation schemes of the reference implementations, drawn from a seeded {@link Rng}.
 * Fans follow PyTorch: for a weight (out, in, k...) fan_in = in * prod(k), fan_out = out * prod(k).
 */
@FunctionalInterface
public interface Init {
    /** Values for a tensor of this shape, in C order. */
    double[] sample(int[] shape, Rng rng);

    static Init constant(double v) {
        return (shape, rng) -> {
            double[] out = new double[Shapes.numel(shape)];
            java.util.Arrays.fill(out, v);
            return out;
        };
    }

    static Init zeros() {
        return constant(0);
    }

    static Init ones() {
        return constant(1);
    }

    /** N(0, std^2) (BERT, BLIP, MedKLIP linear and embedding weights: std 0.02). */
    static Init normal(double std) {
        return (shape, rng) -> {
            double[] out = new double[Shapes.numel(shape)];
            for (int i = 0; i < out.length; i++) out[i] = std * rng.nextGaussian();
            return out;
        };
    }

    /** U(-bound, bound). */
    static Init uniform(double bound) {
        return (shape, rng) -> {
            double[] out = new double[Shapes.numel(shape)];
            for (int i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
            return out;
        };
    }

    /** Xavier/Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)) (DETR: every matrix). */
    static Init xavierUniform(double gain) {
        return (shape, rng) ->
                uniform(gain * Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)))).sample(shape, rng);
    }

    /** Kaiming normal for ReLU, fan_out mode: N(0, 2 / fan_out) (torchvision ResNet convolutions). */
    static Init kaimingNormalFanOut() {
        return (shape, rng) -> normal(Math.sqrt(2.0 / fanOut(shape))).sample(shape, rng);
    }

    /**
     * PyTorch's default for Linear and Conv weights, kaiming_uniform(a = sqrt 5): U(-1/sqrt(fan_in),
     * 1/sqrt(fan_in)).
     */
    static Init torchDefaultWeight() {
        return (shape, rng) ->
                uniform(1.0 / Math.sqrt(Math.max(1, fanIn(shape)))).sample(shape, rng);
    }

    /** PyTorch's default bias for a layer whose weight has this fan_in: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    static Init torchDefaultBias(int fanIn) {
        return uniform(1.0 / Math.sqrt(Math.max(1, fanIn)));
    }

    static int fanIn(int[] shape) {
        if (shape.length < 2) return shape.length == 1 ? shape[0] : 1;
        return Shapes.numel(shape) / shape[0];
    }

    static int fanOut(int[] shape) {
        if (shape.length < 2) return shape.length == 1 ? shape[0] : 1;
        return Shapes.numel(shape) / shape[1];
    }
}
