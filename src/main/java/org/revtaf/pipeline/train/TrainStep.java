package org.revtaf.pipeline.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.backend.profile.Profiler;
import org.revtaf.config.TrainConfig;
import org.revtaf.model.revtaf.RevtafModel;
import org.revtaf.nn.Parameter;
import org.revtaf.ops.F;
import org.revtaf.optim.AdamW;
import org.revtaf.optim.GradClip;
import org.revtaf.tensor.HeapStorage;
import org.revtaf.tensor.Tensor;

/**
 * One REVTAF optimizer step (METHOD.md section 5), the same for {@code train} and {@code bench
 * train-step}: forward with every loss, the losses checked finite, backward, the gradient norm
 * checked finite, clipping by value, AdamW (betas 0.9/0.999, eps 1e-8, no decay for biases and
 * norms). The caller opens the step's {@link org.revtaf.tensor.Scope} around building the batch and
 * this call, so the activations are released every step.
 */
public final class TrainStep {
    /**
     * @param losses total, lm, cls, rank, fcc ({@link RevtafModel.Losses#values})
     * @param gradNorm global L2 norm of the gradients before clipping
     */
    public record Result(Map<String, Double> losses, double gradNorm) {}

    private final RevtafModel model;
    private final Map<String, Parameter> params;
    private final List<Tensor> tensors = new ArrayList<>();
    private final AdamW optimizer;
    private final double clip;

    public TrainStep(RevtafModel model, TrainConfig t) {
        this.model = model;
        this.params = model.trainableParameters();
        params.values().forEach(p -> tensors.add(p.tensor()));
        this.optimizer = new AdamW(params, t.lr(), 0.9, 0.999, 1e-8, t.weightDecay());
        this.clip = t.gradClip();
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /**
     * Trains on one batch at learning rate {@code lr}; {@code where} names the step in errors
     * ("step 12 (epoch 1)"). A non-finite loss or gradient is an error naming the loss terms or the
     * first parameter whose gradient went non-finite; the weights are then left untouched.
     */
    public Result run(RevtafModel.Batch batch, double lr, String where) {
        model.train(true);
        optimizer.setLr(lr);
        optimizer.zeroGrad();
        RevtafModel.Losses l;
        Map<String, Double> values;
        try (var st = Profiler.stage("forward")) {
            l = model.forward(batch).losses();
            l.requireFinite(where);
            values = l.values();
        }
        double norm;
        try (var st = Profiler.stage("backward")) {
            l.total().backward();
            norm = gradientNorm(where);
        }
        try (var st = Profiler.stage("optimizer step")) {
            if (clip > 0) GradClip.byValue(tensors, clip);
            optimizer.step();
        }
        return new Result(values, norm);
    }

    /**
     * The global gradient norm; an error naming the first parameter with a NaN or infinite gradient.
     * Gradients in device memory are squared and summed on the device and read back together: one
     * host synchronisation per step, not one per parameter.
     */
    private double gradientNorm(String where) {
        List<String> names = new ArrayList<>();
        List<Tensor> onDevice = new ArrayList<>();
        double[] host = new double[params.size()];
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor g = e.getValue().tensor().grad();
            if (g == null) continue;
            if (g.storage() instanceof HeapStorage) host[names.size()] = squares(g);
            else onDevice.add(F.sum(F.mul(g, g), false));
            names.add(e.getKey());
        }
        double[] dev = onDevice.isEmpty()
                ? new double[0]
                : F.stack(0, onDevice.toArray(Tensor[]::new)).toDoubles();
        double sq = 0;
        for (int i = 0, d = 0; i < names.size(); i++) {
            Tensor g = params.get(names.get(i)).tensor().grad();
            double s = g.storage() instanceof HeapStorage ? host[i] : dev[d++];
            if (!Double.isFinite(s))
                throw new RevtafException("non-finite gradient at " + where + ": the gradient of "
                        + names.get(i) + " holds " + (Double.isNaN(s) ? "NaN" : "infinite")
                        + " values (the loss was finite)");
            sq += s;
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm))
            throw new RevtafException(
                    "non-finite gradient at " + where + ": the gradient norm overflows (" + norm + ")");
        return norm;
    }

    private static double squares(Tensor g) {
        double s = 0;
        if (g.isContiguous() && g.storage() instanceof HeapStorage h && h.array() instanceof float[] a) {
            for (int i = g.offset(), end = g.offset() + g.numel(); i < end; i++) s += (double) a[i] * a[i];
        } else {
            for (double x : g.toDoubles()) s += x * x;
        }
        return s;
    }
}
