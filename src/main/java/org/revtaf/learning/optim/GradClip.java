package org.revtaf.learning.optim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.ReduceOp;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;

/**
 * Gradient clipping in place, as PyTorch's {@code clip_grad_value_} (the paper: 0.1) and
 * {@code clip_grad_norm_}. Parameters without a gradient are skipped.
 *
 * <p>Gradient accumulation needs no helper: gradients add up across {@code backward} calls until
 * {@code zeroGrad}; scale each micro-batch loss by 1/k and step once every k micro-batches.
 */
public final class GradClip {
    private GradClip() {}

    /** Clamps every gradient element to [-clip, clip]. */
    public static void byValue(Collection<Tensor> params, double clip) {
        if (!(clip > 0)) throw new RevtafException("gradient clipping: value must be > 0, got " + clip);
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) clamp(g, clip);
        }
    }

    /** Clamps every gradient element to [-clip, clip]; device gradients in place on the device. */
    private static void clamp(Tensor g, double clip) {
        if (!(g.storage() instanceof HeapStorage)) unaryInPlace(g, UnaryOp.CLAMP, -clip, clip);
        else apply(g, x -> Math.max(-clip, Math.min(clip, x)));
    }

    /** g = op(g; a, b) in place by the backend's elementwise kernel (device memory stays on the device). */
    private static void unaryInPlace(Tensor g, UnaryOp op, double a, double b) {
        Tensor c = g.isContiguous() ? g : g.contiguous();
        Backends.of(c.device(), c.dtype()).elementwise().unary(c, c, c.numel(), op, a, b);
        if (c != g) Backends.of(g.device(), g.dtype()).elementwise().copy(g, c);
    }

    /** g[i] = f(g[i]) in place (direct array loops for contiguous host tensors). */
    private static void apply(Tensor g, java.util.function.DoubleUnaryOperator f) {
        int n = g.numel(), o = g.offset();
        if (g.isContiguous() && g.heap().array() instanceof float[] a) {
            for (int i = o; i < o + n; i++) a[i] = (float) f.applyAsDouble(a[i]);
        } else if (g.isContiguous() && g.heap().array() instanceof double[] a) {
            for (int i = o; i < o + n; i++) a[i] = f.applyAsDouble(a[i]);
        } else {
            double[] v = g.toDoubles();
            for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(v[i]);
            g.setDoubles(v);
        }
    }

    /**
     * Scales all gradients together so their global L2 norm is at most {@code maxNorm}
     * (coefficient maxNorm / (norm + 1e-6), applied only when below 1). Returns the norm before
     * clipping; a non-finite norm is an error (it would silently poison the weights: call this before
     * the optimizer step). Heap gradients are summed on the host in double; device gradients take
     * {@link #byNormOnDevice} and this reads its norm once.
     */
    public static double byNorm(Collection<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new RevtafException("gradient clipping: max norm must be > 0, got " + maxNorm);
        boolean host = true;
        for (Tensor p : params) if (p.grad() != null && !(p.grad().storage() instanceof HeapStorage)) host = false;
        double norm;
        if (host) { // heap gradients: squares summed in double in one pass, no temporaries (as ever)
            double sq = 0;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                if (g.isContiguous() && g.heap().array() instanceof float[] a) {
                    for (int i = g.offset(); i < g.offset() + g.numel(); i++) sq += (double) a[i] * a[i];
                } else for (double x : g.toDoubles()) sq += x * x;
            }
            norm = Math.sqrt(sq);
        } else {
            Tensor n = byNormOnDevice(params, maxNorm);
            norm = n == null ? 0 : n.item(); // the one read, after the scaling: non-finite gradients stay so
        }
        if (!Double.isFinite(norm))
            throw new RevtafException("gradient clipping: the gradient norm is " + norm + " (NaN or infinite loss?)");
        double coef = maxNorm / (norm + 1e-6);
        if (host && coef < 1) for (Tensor p : params) if (p.grad() != null) apply(p.grad(), x -> x * coef);
        return norm;
    }

    /**
     * {@link #byNorm} without a host read: the squared gradients reduced into one slot each of a
     * (params) vector and that summed (one reduction of all squares), the coefficient min(1, maxNorm /
     * (norm + 1e-6)) computed and applied on the gradients' device. Returns the norm before clipping as
     * a scalar tensor there, to read only where it is logged (a non-finite value is then the caller's
     * error to raise); null when no parameter has a gradient.
     */
    public static Tensor byNormOnDevice(Collection<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new RevtafException("gradient clipping: max norm must be > 0, got " + maxNorm);
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : params) if (p.grad() != null) grads.add(p.grad());
        if (grads.isEmpty()) return null;
        Tensor first = grads.getFirst();
        Backend be = Backends.of(first.device(), first.dtype());
        try (var ng = GradMode.noGrad()) {
            Tensor sq = Tensor.empty(first.device(), first.dtype(), grads.size()); // sq: (params)
            for (int i = 0; i < grads.size(); i++) {
                Tensor g = grads.get(i);
                try (Scope s = Scope.open()) {
                    Tensor g2 = F.mul(g, g); // g2: (n) contiguous
                    be.reduce()
                            .reduce(
                                    sq.asStrided(new int[0], new int[0], sq.offset() + i),
                                    g2,
                                    1,
                                    g.numel(),
                                    1,
                                    ReduceOp.SUM);
                }
            }
            Tensor norm = F.sqrt(F.sum(sq, false));
            Tensor limit = Tensor.scalar(first.device(), first.dtype(), maxNorm); // filled on the device: no upload
            Tensor coef = F.div(limit, F.addScalar(norm, 1e-6));
            be.elementwise().unary(coef, coef, 1, UnaryOp.CLAMP, 0, 1); // x * 1 == x: "only when below 1"
            for (Tensor g : grads) {
                Tensor c = g.isContiguous() ? g : g.contiguous();
                be.elementwise()
                        .binary(c, c, coef.asStrided(c.shapeRef(), new int[c.rank()], coef.offset()), BinaryOp.MUL);
                if (c != g) be.elementwise().copy(g, c);
            }
            return norm;
        }
    }
}
