package org.revtaf.engine.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * Poincare-ball ops of curvature c > 0 as fused autograd ops with hand-written backward kernels
 * (definitions and clamps: org.revtaf.engine.backend.reference.HyperbolicRef). Points are rows (..., d).
 */
public final class Hyperbolic {
    private Hyperbolic() {}

    private static void curvature(String op, double c) {
        if (!(c > 0) || Double.isInfinite(c)) throw new RevtafException(op + ": curvature c must be > 0, got " + c);
    }

    /** x (+)_c y for rows x (..., d); y has x's shape or is one point (d) added to every row. */
    public static Tensor mobiusAdd(Tensor x, Tensor y, double c) {
        Backend be = Ops.backend("mobius_add", x, y);
        curvature("mobius_add", c);
        int d = x.shape(-1), n = x.numel() / Math.max(d, 1);
        boolean shared = y.rank() == 1 && y.shape(0) == d && x.rank() > 1;
        if (!shared && !Arrays.equals(x.shapeRef(), y.shapeRef()))
            throw new RevtafException("mobius_add: shapes " + Shapes.str(x.shapeRef()) + " and "
                    + Shapes.str(y.shapeRef()) + " (y must match x or be one point of size " + d + ")");
        int yStride = shared ? 0 : d;
        Tensor xd = Ops.dense(x), yd = Ops.dense(y);
        Tensor out = Ops.emptyLike(x);
        be.fused().mobiusAdd(out, xd, yd, yStride, n, d, c);
        return Graph.record("mobius_add", out, new Tensor[] {x, y}, g -> {
            Tensor dx = x.requiresGrad() ? Ops.emptyLike(x) : null, dy = y.requiresGrad() ? Ops.emptyLike(y) : null;
            be.fused().mobiusAddBackward(dx, dy, Ops.dense(g), xd, yd, yStride, n, d, c);
            return new Tensor[] {dx, dy};
        });
    }

    public static Tensor expmap0(Tensor x, double c) {
        return rowMap("expmap0", x, RowMap.EXPMAP0, c);
    }

    public static Tensor logmap0(Tensor x, double c) {
        return rowMap("logmap0", x, RowMap.LOGMAP0, c);
    }

    /** Clips rows to norm (1 - 4e-3)/sqrt(c). */
    public static Tensor proj(Tensor x, double c) {
        return rowMap("proj", x, RowMap.PROJ, c);
    }

    private static Tensor rowMap(String name, Tensor x, RowMap map, double c) {
        Backend be = Ops.backend(name, x);
        curvature(name, c);
        int d = x.shape(-1), n = x.numel() / Math.max(d, 1);
        Tensor xd = Ops.dense(x);
        Tensor out = Ops.emptyLike(x);
        be.fused().poincareMap(out, xd, n, d, c, map);
        return Graph.record(name, out, new Tensor[] {x}, g -> {
            Tensor dx = Ops.emptyLike(x);
            be.fused().poincareMapBackward(dx, Ops.dense(g), xd, n, d, c, map);
            return new Tensor[] {dx};
        });
    }

    /** mobius_matvec(w, x): w (m, d) in torch Linear layout, x (..., d) -> (..., m). */
    public static Tensor mobiusMatvec(Tensor w, Tensor x, double c) {
        Backend be = Ops.backend("mobius_matvec", w, x);
        curvature("mobius_matvec", c);
        Ops.rank("mobius_matvec", w, 2, "weight");
        int m = w.shape(0), d = w.shape(1);
        if (x.shape(-1) != d)
            throw new RevtafException(
                    "mobius_matvec: input " + Shapes.str(x.shapeRef()) + " for weight " + Shapes.str(w.shapeRef()));
        int n = x.numel() / Math.max(d, 1);
        Tensor wd = Ops.dense(w), xd = Ops.dense(x);
        Tensor out = Ops.emptyLastDim(x, m); // (..., m)
        be.fused().mobiusMatvec(out, wd, xd, n, m, d, c);
        return Graph.record("mobius_matvec", out, new Tensor[] {w, x}, g -> {
            Tensor dw = w.requiresGrad() ? Ops.emptyLike(w) : null, dx = x.requiresGrad() ? Ops.emptyLike(x) : null;
            be.fused().mobiusMatvecBackward(dw, dx, Ops.dense(g), wd, xd, n, m, d, c);
            return new Tensor[] {dw, dx};
        });
    }

    /** Pairwise Poincare distances of rows x (n, d) and y (m, d) -> (n, m), no (n, m, d) intermediate. */
    public static Tensor poincareDist(Tensor x, Tensor y, double c) {
        Backend be = Ops.backend("poincare_dist", x, y);
        curvature("poincare_dist", c);
        Ops.rank("poincare_dist", x, 2, "x");
        Ops.rank("poincare_dist", y, 2, "y");
        int n = x.shape(0), m = y.shape(0), d = x.shape(1);
        if (y.shape(1) != d)
            throw new RevtafException("poincare_dist: x " + Shapes.str(x.shapeRef()) + " and y "
                    + Shapes.str(y.shapeRef()) + " differ in width");
        Tensor xd = Ops.dense(x), yd = Ops.dense(y);
        Tensor out = Tensor.empty(x.device(), x.dtype(), n, m);
        be.fused().poincareDist(out, xd, yd, n, m, d, c);
        return Graph.record("poincare_dist", out, new Tensor[] {x, y}, g -> {
            Tensor dx = x.requiresGrad() ? Ops.emptyLike(x) : null, dy = y.requiresGrad() ? Ops.emptyLike(y) : null;
            be.fused().poincareDistBackward(dx, dy, Ops.dense(g), xd, yd, n, m, d, c);
            return new Tensor[] {dx, dy};
        });
    }
}
