package org.revtaf.learning.optim;

import java.util.Collection;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.HeapStorage;
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
     * clipping; a non-finite norm is an error (it would silently poison the weights).
     */
    public static double byNorm(Collection<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new RevtafException("gradient clipping: max norm must be > 0, got " + maxNorm);
        double sq = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (g.storage() instanceof HeapStorage
                    && g.isContiguous()
                    && g.heap().array() instanceof float[] a) {
                for (int i = g.offset(); i < g.offset() + g.numel(); i++) sq += (double) a[i] * a[i];
            } else for (double x : g.toDoubles()) sq += x * x;
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm))
            throw new RevtafException("gradient clipping: the gradient norm is " + norm + " (NaN or infinite loss?)");
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                if (g.storage() instanceof HeapStorage) apply(g, x -> x * coef);
                else unaryInPlace(g, UnaryOp.AFFINE, coef, 0);
            }
        }
        return norm;
    }
}
