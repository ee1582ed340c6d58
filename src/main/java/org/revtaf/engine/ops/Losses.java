package org.revtaf.engine.ops;

import java.util.Arrays;
import java.util.Random;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.CrossEntropyArgs;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** Composite ops: cross-entropy, cosine similarity, dropout (gradients come from their parts). */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of logits (..., C) against integer targets (...). Targets equal to
     * ignoreIndex contribute nothing and are not counted; labelSmoothing e mixes in the uniform
     * distribution as PyTorch does: (1-e) * nll + e * mean_c(-log p_c). With no counted target
     * the loss is 0 (PyTorch gives NaN). One fused kernel each way ({@code ReduceKernels.crossEntropy}),
     * the targets never read by the host: a target outside [0, C) is an error naming it and its row, on
     * a device at the next host read (e.g. of the loss).
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, int ignoreIndex, double labelSmoothing) {
        Backend be = Ops.backend("cross_entropy", logits);
        Ops.indexTensor("cross_entropy", logits, target);
        int c = logits.shape(-1);
        int[] lead = Arrays.copyOf(logits.shapeRef(), logits.rank() - 1);
        if (!Arrays.equals(lead, target.shapeRef()))
            throw new RevtafException("cross_entropy: targets " + Shapes.str(target.shapeRef()) + " for logits "
                    + Shapes.str(logits.shapeRef()));
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new RevtafException("cross_entropy: label_smoothing " + labelSmoothing + " outside [0, 1]");
        int rows = target.numel();
        Tensor x = Ops.dense(Views.reshape(logits, rows, c)); // x: (rows, c)
        Tensor t = Ops.dense(target); // t: (rows)
        Tensor loss = Tensor.empty(logits.device(), logits.dtype(), 2); // [mean, count]
        Tensor lse = Tensor.empty(logits.device(), logits.dtype(), rows);
        Tensor rowLoss = Tensor.empty(logits.device(), logits.dtype(), rows);
        CrossEntropyArgs args = new CrossEntropyArgs(loss, lse, rowLoss, x, t, rows, c, ignoreIndex, labelSmoothing);
        be.reduce().crossEntropy(args);
        Tensor mean = loss.asStrided(new int[0], new int[0], loss.offset()); // (): loss[0]
        return Graph.record("cross_entropy", mean, new Tensor[] {logits}, g -> {
            Tensor dx = Tensor.empty(logits.device(), logits.dtype(), rows, c);
            be.reduce().crossEntropyBackward(dx, Ops.dense(g), args);
            return new Tensor[] {dx.viewAs(logits.shapeRef())};
        });
    }

    /** Cosine similarity along axis: a.b / sqrt(max(|a|^2 |b|^2, eps^2)) (broadcasting). */
    public static Tensor cosineSimilarity(Tensor a, Tensor b, int axis, double eps) {
        Tensor dot = Reductions.sum(Elementwise.binary("mul", a, b, BinaryOp.MUL), false, axis);
        Tensor na = Reductions.sum(Elementwise.binary("mul", a, a, BinaryOp.MUL), false, axis);
        Tensor nb = Reductions.sum(Elementwise.binary("mul", b, b, BinaryOp.MUL), false, axis);
        Tensor den = Elementwise.unary(
                "clamp",
                Elementwise.binary("mul", na, nb, BinaryOp.MUL),
                UnaryOp.CLAMP,
                eps * eps,
                Double.POSITIVE_INFINITY);
        return Elementwise.binary("div", dot, Elementwise.unary("sqrt", den, UnaryOp.SQRT, 0, 0), BinaryOp.DIV);
    }

    /**
     * Inverted dropout: zero each element with probability p, scale the rest by 1/(1-p). The mask is
     * {@link DropoutMask}'s counter-based one (the same on every backend, element = flat index of x),
     * keyed by one {@code rng.nextLong()} per call, so a saved Random resumes the same masks; backward
     * regenerates it.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Random rng) {
        if (p < 0 || p >= 1) {
            if (p == 1 && training) return Elementwise.unary("dropout", x, UnaryOp.AFFINE, 0, 0);
            if (p < 0 || p > 1) throw new RevtafException("dropout: p=" + p + " outside [0, 1]");
        }
        if (!training || p == 0) return x;
        DropoutMask mask = new DropoutMask(p, rng.nextLong());
        Backend be = Ops.backend("dropout", x);
        int n = x.numel();
        Tensor out = Ops.emptyLike(x); // x, out: (n) contiguous
        be.elementwise().dropout(out, Ops.dense(x), n, mask);
        return Graph.record("dropout", out, new Tensor[] {x}, g -> {
            Tensor dx = Ops.emptyLike(x);
            be.elementwise().dropout(dx, Ops.dense(g), n, mask);
            return new Tensor[] {dx};
        });
    }
}
