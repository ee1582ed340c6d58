package org.revtaf.engine.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** Matrix products: matmul (2-D and batched, with broadcast batch axes) and linear. */
public final class MatMul {
    private MatMul() {}

    /**
     * a (..., m, k) @ b (..., k, n) -> (..., m, n). Batch axes broadcast; a 2-D b is shared by all
     * batches without a copy.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        Backend be = Ops.backend("matmul", a, b);
        if (a.rank() < 2 || b.rank() < 2)
            throw new RevtafException("matmul: both inputs need rank >= 2, got " + Shapes.str(a.shapeRef()) + " and "
                    + Shapes.str(b.shapeRef()));
        int m = a.shape(-2), k = a.shape(-1), k2 = b.shape(-2), n = b.shape(-1);
        if (k != k2)
            throw new RevtafException(
                    "matmul: inner sizes differ: " + Shapes.str(a.shapeRef()) + " @ " + Shapes.str(b.shapeRef()));
        int[] ab = Arrays.copyOf(a.shapeRef(), a.rank() - 2), bb = Arrays.copyOf(b.shapeRef(), b.rank() - 2);
        int[] batchShape = Shapes.broadcast("matmul", ab, bb);
        int batch = Shapes.numel(batchShape);
        boolean shareB = b.rank() == 2;
        Tensor ad = Ops.dense(Ops.broadcastView(a, concat(batchShape, m, k)));
        Tensor bd = shareB ? Ops.dense(b) : Ops.dense(Ops.broadcastView(b, concat(batchShape, k, n)));
        int strideB = shareB ? 0 : k * n;
        Tensor out = Tensor.empty(a.device(), a.dtype(), concat(batchShape, m, n));
        be.matmul().gemm(out, ad, bd, new GemmGeom(batch, m, n, k, false, false, m * k, strideB, 1, 0));
        return Graph.record("matmul", out, new Tensor[] {a, b}, g -> {
            Tensor gd = Ops.dense(g);
            Tensor da = Tensor.empty(a.device(), a.dtype(), concat(batchShape, m, k));
            be.matmul().gemm(da, gd, bd, new GemmGeom(batch, m, k, n, false, true, m * n, strideB, 1, 0));
            Tensor db;
            if (shareB) {
                db = Tensor.empty(b.device(), b.dtype(), k, n);
                be.matmul().gemm(db, ad, gd, new GemmGeom(1, k, n, batch * m, true, false, 0, 0, 1, 0));
            } else {
                db = Tensor.empty(b.device(), b.dtype(), concat(batchShape, k, n));
                be.matmul().gemm(db, ad, gd, new GemmGeom(batch, k, n, m, true, false, m * k, m * n, 1, 0));
            }
            return new Tensor[] {Ops.reduceTo(da, a.shapeRef()), Ops.reduceTo(db, b.shapeRef())};
        });
    }

    /** x (..., in) @ w^T + bias: w (out, in), bias (out) or null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        Backend be = Ops.backend("linear", x, w, bias);
        Ops.rank("linear", w, 2, "weight");
        int in = w.shape(1), outF = w.shape(0);
        if (x.rank() < 1 || x.shape(-1) != in)
            throw new RevtafException("linear: input " + Shapes.str(x.shapeRef()) + " does not end in " + in
                    + " (weight " + Shapes.str(w.shapeRef()) + ")");
        if (bias != null && (bias.rank() != 1 || bias.shape(0) != outF))
            throw new RevtafException(
                    "linear: bias " + Shapes.str(bias.shapeRef()) + " for weight " + Shapes.str(w.shapeRef()));
        int rows = x.numel() / Math.max(in, 1);
        Tensor xd = Ops.dense(x), wd = Ops.dense(w);
        Tensor out = Ops.emptyLastDim(x, outF); // (..., out)
        be.matmul().gemm(out, xd, wd, new GemmGeom(1, rows, outF, in, false, true, 0, 0, 1, 0));
        if (bias != null) be.elementwise().binary(out, out, Ops.broadcastView(bias, out.shapeRef()), BinaryOp.ADD);
        return Graph.record("linear", out, new Tensor[] {x, w, bias}, g -> {
            Tensor gd = Ops.dense(g);
            Tensor dx = null, dw = null, db = null;
            if (x.requiresGrad()) {
                dx = Ops.emptyLike(x);
                be.matmul().gemm(dx, gd, wd, new GemmGeom(1, rows, in, outF, false, false, 0, 0, 1, 0));
            }
            if (w.requiresGrad()) {
                dw = Ops.emptyLike(w);
                be.matmul().gemm(dw, gd, xd, new GemmGeom(1, outF, in, rows, true, false, 0, 0, 1, 0));
            }
            if (bias != null && bias.requiresGrad())
                db = Views.reshape(Reductions.sum(gd.viewAs(rows, outF), false, 0), outF);
            return new Tensor[] {dx, dw, db};
        });
    }

    static int[] concat(int[] batch, int... tail) {
        int[] s = Arrays.copyOf(batch, batch.length + tail.length);
        System.arraycopy(tail, 0, s, batch.length, tail.length);
        return s;
    }
}
