package org.revtaf.engine.ops;

import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.ReduceOp;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** Reductions over any set of axes (sum, mean, max, min, logsumexp, argmax, argmin) and softmax. */
public final class Reductions {
    private Reductions() {}

    /** Kernel layout of a reduction: x arranged as (outer, n, inner) and the output shapes. */
    private record Plan(Tensor x, int outer, int n, int inner, int[] keepShape, int[] outShape) {}

    private static Plan plan(String op, Tensor x, boolean keepDim, int[] axesIn) {
        int r = x.rank();
        int[] axes = Shapes.axes(op, axesIn, r);
        int[] sh = x.shapeRef();
        boolean[] red = new boolean[r];
        for (int a : axes) red[a] = true;
        int[] keep = new int[r];
        int kept = 0;
        for (int i = 0; i < r; i++) {
            keep[i] = red[i] ? 1 : sh[i];
            if (!red[i]) kept++;
        }
        int[] outShape = new int[keepDim ? r : kept];
        for (int i = 0, j = 0; i < r; i++) if (keepDim || !red[i]) outShape[j++] = keep[i];
        boolean adjacent = axes.length == 0 || axes[axes.length - 1] - axes[0] == axes.length - 1;
        if (adjacent) {
            int a0 = axes.length == 0 ? 0 : axes[0], a1 = axes.length == 0 ? 0 : axes[axes.length - 1] + 1;
            return new Plan(
                    Ops.dense(x),
                    Shapes.prod(sh, 0, a0),
                    Shapes.prod(sh, a0, a1),
                    Shapes.prod(sh, a1, r),
                    keep,
                    outShape);
        }
        int[] order = new int[r];
        int j = 0;
        for (int i = 0; i < r; i++) if (!red[i]) order[j++] = i;
        for (int a : axes) order[j++] = a;
        int[] psh = new int[r], pst = new int[r];
        for (int i = 0; i < r; i++) {
            psh[i] = sh[order[i]];
            pst[i] = x.stridesRef()[order[i]];
        }
        Tensor p = Ops.dense(x.asStrided(psh, pst, x.offset()));
        int n = 1;
        for (int a : axes) n *= sh[a];
        return new Plan(p, x.numel() / Math.max(n, 1), n, 1, keep, outShape);
    }

    private static Tensor run(String name, Tensor x, boolean keepDim, int[] axes, ReduceOp op, DType outType) {
        Backend be = Ops.backend(name, x);
        Plan p = plan(name, x, keepDim, axes);
        if (p.n == 0 && op != ReduceOp.SUM)
            throw new RevtafException(name + ": reduction over an empty axis of " + Shapes.str(x.shapeRef()));
        Tensor out = Tensor.empty(x.device(), outType, p.outShape);
        be.reduce().reduce(out, p.x, p.outer, p.n, p.inner, op);
        return out;
    }

    /** Sum over axes (all when none given). */
    public static Tensor sum(Tensor x, boolean keepDim, int... axes) {
        Tensor out = run("sum", x, keepDim, axes, ReduceOp.SUM, x.dtype());
        int[] keep = plan("sum", x, true, axes).keepShape;
        return Graph.record("sum", out, new Tensor[] {x}, g ->
                new Tensor[] {Views.contiguous(Views.expand(Views.reshape(g, keep), x.shapeRef()))});
    }

    public static Tensor mean(Tensor x, boolean keepDim, int... axes) {
        Tensor s = sum(x, keepDim, axes);
        int count = x.numel() / Math.max(s.numel(), 1);
        return Elementwise.unary("mean", s, UnaryOp.AFFINE, 1.0 / Math.max(count, 1), 0);
    }

    /** Max over axes; the gradient is shared equally among tied maxima. */
    public static Tensor max(Tensor x, boolean keepDim, int... axes) {
        return extreme("max", x, keepDim, axes, ReduceOp.MAX);
    }

    public static Tensor min(Tensor x, boolean keepDim, int... axes) {
        return extreme("min", x, keepDim, axes, ReduceOp.MIN);
    }

    private static Tensor extreme(String name, Tensor x, boolean keepDim, int[] axes, ReduceOp op) {
        Tensor out = run(name, x, keepDim, axes, op, x.dtype());
        int[] keep = plan(name, x, true, axes).keepShape;
        return Graph.record(name, out, new Tensor[] {x}, g -> {
            Tensor mask = Elementwise.binary("eq", x, Views.reshape(out, keep), BinaryOp.EQ);
            Tensor count = sum(mask, true, axes);
            Tensor share = Elementwise.binary("div", Views.reshape(g, keep), count, BinaryOp.DIV);
            return new Tensor[] {Elementwise.binary("mul", mask, share, BinaryOp.MUL)};
        });
    }

    /** log(sum(exp(x))) over axes, computed stably. */
    public static Tensor logsumexp(Tensor x, boolean keepDim, int... axes) {
        Tensor out = run("logsumexp", x, keepDim, axes, ReduceOp.LOGSUMEXP, x.dtype());
        int[] keep = plan("logsumexp", x, true, axes).keepShape;
        return Graph.record("logsumexp", out, new Tensor[] {x}, g -> {
            Tensor p = Elementwise.unary(
                    "exp", Elementwise.binary("sub", x, Views.reshape(out, keep), BinaryOp.SUB), UnaryOp.EXP, 0, 0);
            return new Tensor[] {Elementwise.binary("mul", p, Views.reshape(g, keep), BinaryOp.MUL)};
        });
    }

    /** Index (int64) of the first maximum along one axis. */
    public static Tensor argmax(Tensor x, int axis, boolean keepDim) {
        return run(
                "argmax", x, keepDim, new int[] {Shapes.axis("argmax", axis, x.rank())}, ReduceOp.ARGMAX, DType.INT64);
    }

    /** Index (int64) of the first minimum along one axis. */
    public static Tensor argmin(Tensor x, int axis, boolean keepDim) {
        return run(
                "argmin", x, keepDim, new int[] {Shapes.axis("argmin", axis, x.rank())}, ReduceOp.ARGMIN, DType.INT64);
    }

    public static Tensor softmax(Tensor x, int axis) {
        return softmax("softmax", x, axis, false);
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        return softmax("log_softmax", x, axis, true);
    }

    private static Tensor softmax(String name, Tensor x, int axis, boolean log) {
        Backend be = Ops.backend(name, x);
        int ax = Shapes.axis(name, axis, x.rank());
        int[] sh = x.shapeRef();
        int outer = Shapes.prod(sh, 0, ax), n = sh[ax], inner = Shapes.prod(sh, ax + 1, sh.length);
        Tensor y = Ops.emptyLike(x);
        be.reduce().softmax(y, Ops.dense(x), outer, n, inner, log);
        return Graph.record(name, y, new Tensor[] {x}, g -> {
            Tensor dx = Ops.emptyLike(x);
            be.reduce().softmaxBackward(dx, Ops.dense(g), y, outer, n, inner, log);
            return new Tensor[] {dx};
        });
    }
}
