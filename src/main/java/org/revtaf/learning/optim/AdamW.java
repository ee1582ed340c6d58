package org.revtaf.learning.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Parameter;

/**
 * AdamW with decoupled weight decay, as PyTorch's {@code torch.optim.AdamW} (non-amsgrad): per
 * parameter with a gradient,
 *
 * <pre>
 * p <- p * (1 - lr * wd)          (wd = 0 for parameters marked no-decay: biases, norms, 1-D)
 * m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  t <- t + 1
 * p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * Parameters without a gradient are skipped (their step count does not advance); a gradient that
 * was zeroed in place still counts, as in PyTorch with {@code zero_grad(set_to_none=False)}. The
 * update is the backend's AdamW kernel ({@code F.adamwStep}), in place, with the moments kept in the
 * parameter's dtype and device, so the tensors held by the model stay the same objects.
 */
public final class AdamW {
    private final List<Slot> slots = new ArrayList<>();
    private final double beta1, beta2, eps, weightDecay;
    private double lr;

    /** One parameter with its moments, kept in the parameter's dtype (as PyTorch does). */
    private static final class Slot {
        final String name;
        final Tensor p, m, v;
        final boolean decay;
        long step;

        Slot(String name, Tensor p, boolean decay) {
            this.name = name;
            this.p = p;
            this.decay = decay;
            m = Tensor.zeros(p.device(), p.dtype(), p.shapeRef());
            v = Tensor.zeros(p.device(), p.dtype(), p.shapeRef());
        }
    }

    /**
     * @param params parameters by name (their {@code decay} flag selects the group)
     * @param lr learning rate (set per step by the schedule with {@link #setLr})
     * @param weightDecay decay of the decayed group (0.05 in the paper)
     */
    public AdamW(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (!(lr >= 0)) throw new RevtafException("adamw: lr must be >= 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new RevtafException("adamw: betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        if (!(eps > 0)) throw new RevtafException("adamw: eps must be > 0, got " + eps);
        if (!(weightDecay >= 0)) throw new RevtafException("adamw: weight decay must be >= 0, got " + weightDecay);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        params.forEach((n, p) -> {
            if (!p.tensor().isContiguous())
                throw new IllegalArgumentException("adamw: parameter " + n + " must be contiguous");
            slots.add(new Slot(n, p.tensor(), p.decay()));
        });
    }

    /** The paper's optimizer: betas (0.9, 0.999), eps 1e-8, weight decay 0.05. */
    public static AdamW paper(Map<String, Parameter> params, double lr) {
        return new AdamW(params, lr, 0.9, 0.999, 1e-8, 0.05);
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    public double lr() {
        return lr;
    }

    /** One update of every parameter that has a gradient (the backend's fused AdamW kernel). */
    public void step() {
        try (var ng = GradMode.noGrad()) {
            for (Slot s : slots) {
                Tensor g = s.p.grad();
                if (g == null) continue;
                s.step++;
                F.adamwStep(
                        s.p,
                        s.m,
                        s.v,
                        g.isContiguous() ? g : g.contiguous(),
                        lr,
                        beta1,
                        beta2,
                        eps,
                        s.decay ? weightDecay : 0.0,
                        Math.toIntExact(s.step));
            }
        }
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Slot s : slots) s.p.zeroGrad();
    }

    /**
     * Moments and step counts for a checkpoint: {@code m.NAME}, {@code v.NAME} (the parameter's
     * dtype), {@code step.NAME} (int64 [1]).
     */
    public Map<String, NdArray> state() {
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (Slot s : slots) {
            out.put("m." + s.name, s.m.toNdArray());
            out.put("v." + s.name, s.v.toNdArray());
            out.put("step." + s.name, NdArray.ofLongs(new long[] {1}, s.step));
        }
        return out;
    }

    /** Restores {@link #state()}; every parameter's entries must be present with matching shapes. */
    public void loadState(Map<String, NdArray> state) {
        for (Slot s : slots) {
            NdArray m = need(state, "m." + s.name, shape(s.p)), v = need(state, "v." + s.name, shape(s.p));
            NdArray st = need(state, "step." + s.name, new long[] {1});
            s.m.setDoubles(m.toDoubles());
            s.v.setDoubles(v.toDoubles());
            s.step = st.toLongs()[0];
        }
        if (state.size() != 3 * slots.size())
            throw new RevtafException("adamw state: " + state.size() + " entries for " + slots.size()
                    + " parameters (expected " + 3 * slots.size() + "); the checkpoint belongs to another model");
    }

    private static NdArray need(Map<String, NdArray> state, String key, long[] shape) {
        NdArray a = state.get(key);
        if (a == null) throw new RevtafException("adamw state: missing '" + key + "'");
        if (!java.util.Arrays.equals(a.shape(), shape))
            throw new RevtafException("adamw state: '" + key + "' has shape " + java.util.Arrays.toString(a.shape())
                    + ", parameter has " + java.util.Arrays.toString(shape));
        return a;
    }

    private static long[] shape(Tensor t) {
        long[] s = new long[t.rank()];
        for (int i = 0; i < s.length; i++) s[i] = t.shape(i);
        return s;
    }
}
