package org.revtaf.edges.pipeline.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.edges.config.TrainConfig;
import org.revtaf.edges.pipeline.NonFinite;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.nn.Parameter;
import org.revtaf.learning.optim.AdamW;
import org.revtaf.learning.optim.GradClip;

/**
 * One REVTAF optimizer step (METHOD.md section 5), the same for {@code train} and {@code bench
 * train-step}: forward with every loss, the losses checked finite, backward, the gradient norm
 * checked finite, clipping by value, AdamW (betas 0.9/0.999, eps 1e-8, no decay for biases and
 * norms). The caller opens the step's {@link org.revtaf.engine.tensor.Scope} around building the batch and
 * this call, so the activations are released every step.
 *
 * <p>A non-finite loss or gradient throws {@link NonFinite.Fault} before the optimizer runs, naming
 * the module and tensor where the values went non-finite ({@link NonFinite#trace}); with {@code
 * detectAnomaly} every tensor of the forward graph is checked for NaN as well ({@link NonFinite#scan}).
 * The buffers (batch-norm running statistics) that the failed forward updated are restored, so a
 * caller that skips the step continues from exactly the state before it.
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
    private final boolean detectAnomaly;
    private final Map<String, Tensor> buffers;

    public TrainStep(RevtafModel model, TrainConfig t) {
        this(model, t, false);
    }

    /** @param detectAnomaly check every tensor of the forward graph for NaN ({@code --detect-anomaly}) */
    public TrainStep(RevtafModel model, TrainConfig t, boolean detectAnomaly) {
        this.model = model;
        this.params = model.trainableParameters();
        params.values().forEach(p -> tensors.add(p.tensor()));
        this.optimizer = new AdamW(params, t.lr(), 0.9, 0.999, 1e-8, t.weightDecay());
        this.clip = t.gradClip();
        this.detectAnomaly = detectAnomaly;
        this.buffers = model.namedBuffers();
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
        Map<String, Tensor> before = snapshot();
        try {
            RevtafModel.Losses l;
            Map<String, Double> values;
            try (var st = Profiler.stage("forward")) {
                l = model.forward(batch).losses();
                values = l.values();
                NonFinite.Names names = null;
                if (detectAnomaly) {
                    names = names(batch);
                    var nan = NonFinite.scan(List.of(l.total(), l.lm(), l.cls(), l.rank(), l.fcc()), names);
                    if (nan.isPresent())
                        throw new NonFinite.Fault("non-finite value at " + where + " (--detect-anomaly): " + nan.get());
                }
                if (!values.values().stream().allMatch(Double::isFinite)) {
                    StringBuilder b = new StringBuilder();
                    values.forEach((k, x) -> b.append(b.isEmpty() ? "" : ", ")
                            .append(k)
                            .append(' ')
                            .append(x));
                    Tensor bad = l.total();
                    for (Tensor t : List.of(l.lm(), l.cls(), l.rank(), l.fcc()))
                        if (!Double.isFinite(t.item())) bad = t; // trace a term, the total only sums them
                    throw new NonFinite.Fault("non-finite loss at " + where + ": " + b + "; first non-finite: "
                            + NonFinite.trace(bad, names == null ? names(batch) : names)
                                    .orElse("?"));
                }
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
        } catch (NonFinite.Fault e) {
            restore(before);
            throw e;
        }
    }

    private NonFinite.Names names(RevtafModel.Batch b) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        RevtafModel.Inputs x = b.inputs();
        in.put("images", x.images());
        in.put("f_logit", x.fLogit());
        in.put("lrp", x.lrp());
        in.put("grp", x.grp());
        in.put("grp_mask", x.grpMask());
        in.put("memory", x.memory());
        in.put("keep", b.keep());
        Map<String, Tensor> p = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> p.put(k, v.tensor()));
        return NonFinite.Names.of(p, in);
    }

    /** Copies of the float buffers, which a forward in training mode updates. */
    private Map<String, Tensor> snapshot() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var g = GradMode.noGrad()) {
            buffers.forEach((k, t) -> {
                // a copy where the buffer lives (in the step's scope): no host round trip on a device
                if (t.dtype().isFloating()) out.put(k, F.copyOf(t));
            });
        }
        return out;
    }

    private void restore(Map<String, Tensor> before) {
        before.forEach((k, v) -> F.copyInto(buffers.get(k), v));
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
                throw new NonFinite.Fault("non-finite gradient at " + where + ": module "
                        + NonFinite.module(names.get(i)) + ", the gradient of " + names.get(i) + " holds "
                        + (Double.isNaN(s) ? "NaN" : "infinite") + " values (the loss was finite)");
            sq += s;
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm))
            throw new NonFinite.Fault(
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
