package org.revtaf.engine.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.AttentionArgs;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.SinkhornArgs;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * Fused REVTAF ops with hand-written backward kernels: log-domain Sinkhorn transport plan, soft
 * IoU between map sets, and scaled-dot-product attention (definitions in
 * org.revtaf.engine.backend.reference: SinkhornRef, SoftIouRef, AttentionRef).
 */
public final class FusedOps {
    private FusedOps() {}

    /**
     * Transport plan (b, p, t) for cost (b, p, t) with uniform marginals over valid pixels and
     * tokens; pixelMask (b, p) and tokenMask (b, t) are nonzero where valid, or null.
     */
    public static Tensor sinkhorn(
            Tensor cost, Tensor pixelMask, Tensor tokenMask, double eps, int maxIter, double tol) {
        Backend be = Ops.backend("sinkhorn", cost);
        Ops.rank("sinkhorn", cost, 3, "cost");
        int b = cost.shape(0), p = cost.shape(1), t = cost.shape(2);
        mask("sinkhorn", pixelMask, "pixel mask", b, p);
        mask("sinkhorn", tokenMask, "token mask", b, t);
        if (!(eps > 0)) throw new RevtafException("sinkhorn: eps must be > 0, got " + eps);
        if (maxIter < 1) throw new RevtafException("sinkhorn: iters must be >= 1, got " + maxIter);
        Tensor cd = Ops.dense(cost);
        Tensor plan = Ops.emptyLike(cost);
        Tensor uHist = Tensor.empty(cost.device(), cost.dtype(), (maxIter + 1) * b * p);
        Tensor vHist = Tensor.empty(cost.device(), cost.dtype(), (maxIter + 1) * b * t);
        Tensor iters = Tensor.empty(cost.device(), DType.INT32, 1); // written and read where the kernels run
        SinkhornGeom geom = new SinkhornGeom(b, p, t, eps, maxIter, tol);
        SinkhornArgs args = new SinkhornArgs(plan, uHist, vHist, iters, cd, pixelMask, tokenMask, geom);
        be.fused().sinkhorn(args);
        return Graph.record("sinkhorn", plan, new Tensor[] {cost}, g -> {
            Tensor dcost = Ops.emptyLike(cost);
            be.fused().sinkhornBackward(dcost, Ops.dense(g), args);
            return new Tensor[] {dcost};
        });
    }

    /**
     * The released REVTAF code's degenerate variant (METHOD.md ot.mode=released): each text-token
     * column is its own transport problem over the p pixels with a single column, so the plan is
     * about 1/P everywhere. Built from {@link #sinkhorn} on the transposed cost; same arguments.
     */
    public static Tensor sinkhornReleased(
            Tensor cost, Tensor pixelMask, Tensor tokenMask, double eps, int maxIter, double tol) {
        Ops.rank("sinkhorn", cost, 3, "cost");
        int b = cost.shape(0), p = cost.shape(1), t = cost.shape(2);
        mask("sinkhorn", pixelMask, "pixel mask", b, p);
        mask("sinkhorn", tokenMask, "token mask", b, t);
        // cost (b, p, t) -> (b*t, p, 1): one problem per (batch item, token)
        Tensor costT = Views.reshape(Views.permute(cost, 0, 2, 1), b * t, p, 1);
        Tensor pm = pixelMask == null
                ? null
                : Views.reshape(Views.contiguous(Views.expand(Views.unsqueeze(pixelMask, 1), b, t, p)), b * t, p);
        Tensor tm = tokenMask == null ? null : Views.reshape(tokenMask, b * t, 1);
        Tensor planT = sinkhorn(costT, pm, tm, eps, maxIter, tol);
        return Views.permute(Views.reshape(planT, b, t, p), 0, 2, 1);
    }

    /** Soft IoU (b, n, m) between maps a (b, n, p) and g (b, m, p). */
    public static Tensor softIou(Tensor a, Tensor g) {
        Backend be = Ops.backend("soft_iou", a, g);
        Ops.rank("soft_iou", a, 3, "a");
        Ops.rank("soft_iou", g, 3, "b");
        int b = a.shape(0), n = a.shape(1), p = a.shape(2), m = g.shape(1);
        if (g.shape(0) != b || g.shape(2) != p)
            throw new RevtafException("soft_iou: maps " + Shapes.str(a.shapeRef()) + " and " + Shapes.str(g.shapeRef())
                    + " differ in batch or map size");
        Tensor ad = Ops.dense(a), gd = Ops.dense(g);
        Tensor out = Tensor.empty(a.device(), a.dtype(), b, n, m);
        be.fused().softIou(out, ad, gd, b, n, m, p);
        return Graph.record("soft_iou", out, new Tensor[] {a, g}, dout -> {
            Tensor da = a.requiresGrad() ? Ops.emptyLike(a) : null, dg = g.requiresGrad() ? Ops.emptyLike(g) : null;
            be.fused().softIouBackward(da, dg, Ops.dense(dout), ad, gd, b, n, m, p);
            return new Tensor[] {da, dg};
        });
    }

    /**
     * softmax(scale q k^T + masks) v for q (b, h, n, d), k and v (b, h, s, d). keyMask (b, s) is
     * nonzero for keys to attend (padding elsewhere), or null; causal hides keys after each query
     * (aligned at the end when n < s). A NaN scale means 1/sqrt(d). Queries without a visible key
     * give zeros.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, boolean causal) {
        return attention(q, k, v, keyMask, scale, causal, 0, 0);
    }

    /**
     * {@link #attention(Tensor, Tensor, Tensor, Tensor, double, boolean)} with dropout p in [0, 1) on
     * the attention probabilities, kept ones scaled by 1/(1-p). The mask is a function of {@code
     * seed} ({@link DropoutMask}), regenerated in backward, never stored; p = 0 is exactly the op
     * without dropout.
     */
    public static Tensor attention(
            Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, boolean causal, double dropout, long seed) {
        DropoutMask drop = dropout == 0 ? DropoutMask.NONE : new DropoutMask(dropout, seed);
        Backend be = Ops.backend("attention", q, k, v);
        Ops.rank("attention", q, 4, "q");
        Ops.rank("attention", k, 4, "k");
        Ops.rank("attention", v, 4, "v");
        int b = q.shape(0), h = q.shape(1), n = q.shape(2), d = q.shape(3), s = k.shape(2);
        if (!Arrays.equals(k.shapeRef(), v.shapeRef()) || k.shape(0) != b || k.shape(1) != h || k.shape(3) != d)
            throw new RevtafException("attention: q " + Shapes.str(q.shapeRef()) + ", k " + Shapes.str(k.shapeRef())
                    + ", v " + Shapes.str(v.shapeRef()) + " do not match");
        mask("attention", keyMask, "key mask", b, s);
        double sc = Double.isNaN(scale) ? 1.0 / Math.sqrt(d) : scale;
        AttentionGeom geom = new AttentionGeom(b, h, n, s, d, sc, causal, drop);
        // the backend's input dtype (bf16 attention on cuda): converted once, kept for the backward
        DType in = be.fused().attentionInputType(geom, q.dtype());
        Tensor qd = as(Ops.dense(q), in), kd = as(Ops.dense(k), in), vd = as(Ops.dense(v), in);
        DType outType = q.dtype() == DType.BFLOAT16 ? DType.FLOAT32 : q.dtype(); // out, lse, gradients
        Tensor out = Tensor.empty(q.device(), outType, q.shapeRef());
        Tensor lse = Tensor.empty(q.device(), outType, b, h, n);
        AttentionArgs args = new AttentionArgs(out, lse, qd, kd, vd, keyMask, geom);
        be.fused().attention(args);
        return Graph.record("attention", out, new Tensor[] {q, k, v}, g -> {
            Tensor dq = q.requiresGrad() ? Tensor.empty(q.device(), outType, q.shapeRef()) : null;
            Tensor dk = k.requiresGrad() ? Tensor.empty(k.device(), outType, k.shapeRef()) : null;
            Tensor dv = v.requiresGrad() ? Tensor.empty(v.device(), outType, v.shapeRef()) : null;
            be.fused().attentionBackward(dq, dk, dv, Ops.dense(g), args);
            return new Tensor[] {as(dq, q.dtype()), as(dk, k.dtype()), as(dv, v.dtype())};
        });
    }

    /** x converted to dtype t on its device (x itself when it has that dtype or is null); no autograd. */
    private static Tensor as(Tensor x, DType t) {
        if (x == null || x.dtype() == t) return x;
        Tensor out = Tensor.empty(x.device(), t, x.shapeRef());
        Ops.on(x).elementwise().copy(out, x);
        return out;
    }

    private static void mask(String op, Tensor m, String what, int rows, int cols) {
        if (m == null) return;
        if (m.rank() != 2 || m.shape(0) != rows || m.shape(1) != cols)
            throw new RevtafException(
                    op + ": " + what + " " + Shapes.str(m.shapeRef()) + " should be " + Shapes.str(rows, cols));
    }
}
