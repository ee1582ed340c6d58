package org.revtaf.engine.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.LayerNormArgs;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** Layer norm over the last axis and batch norm over channels (axis 1). */
public final class Norms {
    private Norms() {}

    /** x (..., d) normalised per row, times weight (d) plus bias (d); either may be null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        Backend be = Ops.backend("layer_norm", x, weight, bias);
        int d = x.shape(-1), rows = x.numel() / Math.max(d, 1);
        for (Tensor p : new Tensor[] {weight, bias})
            if (p != null && (p.rank() != 1 || p.shape(0) != d))
                throw new RevtafException(
                        "layer_norm: parameter " + Shapes.str(p.shapeRef()) + " for input " + Shapes.str(x.shapeRef()));
        Tensor xd = Ops.dense(x), wd = weight == null ? null : Ops.dense(weight);
        Tensor out = Ops.emptyLike(x);
        Tensor mean = Tensor.empty(x.device(), x.dtype(), rows), rstd = Tensor.empty(x.device(), x.dtype(), rows);
        LayerNormArgs<Tensor> args =
                new LayerNormArgs<>(out, mean, rstd, xd, wd, bias == null ? null : Ops.dense(bias));
        be.norm().layerNorm(args, rows, d, eps);
        return Graph.record("layer_norm", out, new Tensor[] {x, weight, bias}, g -> {
            Tensor dx = Ops.emptyLike(x);
            Tensor dw = weight != null && weight.requiresGrad() ? Ops.emptyLike(weight) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Ops.emptyLike(bias) : null;
            be.norm().layerNormBackward(dx, dw, db, Ops.dense(g), args, rows, d);
            return new Tensor[] {dx, dw, db};
        });
    }

    /**
     * Batch norm of x (n, c, ...) per channel, then + residual (same shape as x, or null) and
     * max(0, .) with {@code relu}, in the same pass over memory where the backend fuses them (the
     * tails of a ResNet block's convs as one op). Training uses batch statistics and updates the
     * running buffers (c) in place when given; eval uses the running buffers (required then). The
     * gradient goes through the ReLU's mask to the residual and the norm.
     */
    public static Tensor batchNorm(
            Tensor x,
            Tensor weight,
            Tensor bias,
            Tensor runMean,
            Tensor runVar,
            boolean training,
            double momentum,
            double eps,
            Tensor residual,
            boolean relu) {
        String op = "batch_norm" + (residual != null ? "_add" : "") + (relu ? "_relu" : "");
        Backend be = Ops.backend(op, x, weight, bias, runMean, runVar, residual);
        if (x.rank() < 2)
            throw new RevtafException("batch_norm: input needs rank >= 2, got " + Shapes.str(x.shapeRef()));
        int n = x.shape(0), c = x.shape(1), hw = x.numel() / Math.max(n * c, 1);
        for (Tensor p : new Tensor[] {weight, bias, runMean, runVar})
            if (p != null && (p.rank() != 1 || p.shape(0) != c))
                throw new RevtafException(
                        "batch_norm: parameter " + Shapes.str(p.shapeRef()) + " for input " + Shapes.str(x.shapeRef()));
        if (residual != null && !Arrays.equals(residual.shapeRef(), x.shapeRef()))
            throw new RevtafException("batch_norm: residual " + Shapes.str(residual.shapeRef()) + " for input "
                    + Shapes.str(x.shapeRef()));
        if (!training && (runMean == null || runVar == null))
            throw new RevtafException("batch_norm: eval mode needs running mean and variance");
        if (training && n * hw < 2)
            throw new RevtafException(
                    "batch_norm: training needs more than one value per channel, got " + Shapes.str(x.shapeRef()));
        Tensor xd = Ops.dense(x), wd = weight == null ? null : Ops.dense(weight);
        Tensor out = Ops.emptyLike(x);
        Tensor mean = Tensor.empty(x.device(), x.dtype(), c), inv = Tensor.empty(x.device(), x.dtype(), c);
        BatchNormGeom geom = new BatchNormGeom(n, c, hw, training, momentum, eps, relu);
        BatchNormGeom plain = new BatchNormGeom(n, c, hw, training, momentum, eps);
        Tensor bd = bias == null ? null : Ops.dense(bias), rd = residual == null ? null : Ops.dense(residual);
        BatchNormArgs<Tensor> args = new BatchNormArgs<>(out, mean, inv, runMean, runVar, xd, wd, bd, rd);
        if (!be.norm().batchNorm(args, geom)) {
            be.norm().batchNorm(args.withoutResidual(), plain); // unfused: three passes
            be.elementwise().binary(out, out, rd, BinaryOp.ADD);
            if (relu) be.elementwise().unary(out, out, out.numel(), UnaryOp.RELU, 0, 0);
        }
        return Graph.record(op, out, new Tensor[] {x, weight, bias, residual}, g -> {
            Tensor gy = Ops.dense(g);
            if (relu) { // through the ReLU first: out > 0 exactly where its input was
                Tensor masked = Ops.emptyLike(out);
                be.elementwise().unaryBackward(masked, gy, out, out, out.numel(), UnaryOp.RELU, 0, 0);
                gy = masked;
            }
            Tensor dx = Ops.emptyLike(x);
            Tensor dw = weight != null && weight.requiresGrad() ? Ops.emptyLike(weight) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Ops.emptyLike(bias) : null;
            be.norm().batchNormBackward(dx, dw, db, gy, args, plain);
            return new Tensor[] {dx, dw, db, residual != null && residual.requiresGrad() ? gy : null};
        });
    }
}
