package org.revtaf.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.autograd.Graph;
import org.revtaf.backend.Backend;
import org.revtaf.tensor.Shapes;
import org.revtaf.tensor.Tensor;

/** Gathering and joining: embedding, index_select, gather, concat, stack. */
public final class Indexing {
    private Indexing() {}

    /** Rows of table (v, d) picked by idx (any shape, int) -> (idx..., d). */
    public static Tensor embedding(Tensor table, Tensor idx) {
        Ops.rank("embedding", table, 2, "table");
        Tensor rows = indexSelect(table, 0, Views.reshape(Ops.dense(idx), idx.numel()));
        return Views.reshape(rows, MatMul.concat(idx.shapeRef(), table.shape(1)));
    }

    /** x with axis restricted to the entries idx (1-D) in order; repeats allowed. */
    public static Tensor indexSelect(Tensor x, int axis, Tensor idx) {
        Backend be = Ops.backend("index_select", x);
        Ops.indexTensor("index_select", x, idx);
        if (idx.rank() != 1)
            throw new RevtafException("index_select: indices must be 1-D, got " + Shapes.str(idx.shapeRef()));
        int ax = Shapes.axis("index_select", axis, x.rank());
        int[] sh = x.shapeRef();
        int outer = Shapes.prod(sh, 0, ax), size = sh[ax], inner = Shapes.prod(sh, ax + 1, sh.length), k = idx.shape(0);
        int[] os = x.shape();
        os[ax] = k;
        Tensor id = Ops.dense(idx);
        Tensor out = Tensor.empty(x.device(), x.dtype(), os);
        be.index().indexSelect(out, Ops.dense(x), id, outer, size, inner, k);
        return Graph.record("index_select", out, new Tensor[] {x}, g -> {
            Tensor dx = Ops.zerosLike(x);
            be.index().indexAdd(dx, Ops.dense(g), id, outer, size, inner, k);
            return new Tensor[] {dx};
        });
    }

    /** out[..., j, ...] = x[..., idx[..., j, ...], ...] along axis; idx has x's shape except on axis. */
    public static Tensor gather(Tensor x, int axis, Tensor idx) {
        Backend be = Ops.backend("gather", x);
        Ops.indexTensor("gather", x, idx);
        int ax = Shapes.axis("gather", axis, x.rank());
        int[] sh = x.shapeRef(), is = idx.shapeRef();
        boolean ok = is.length == sh.length;
        for (int i = 0; ok && i < sh.length; i++) ok = i == ax || is[i] == sh[i];
        if (!ok)
            throw new RevtafException("gather: indices " + Shapes.str(is) + " must match input " + Shapes.str(sh)
                    + " except on axis " + axis);
        int outer = Shapes.prod(sh, 0, ax), size = sh[ax], inner = Shapes.prod(sh, ax + 1, sh.length), k = is[ax];
        Tensor id = Ops.dense(idx);
        Tensor out = Tensor.empty(x.device(), x.dtype(), is);
        be.index().gather(out, Ops.dense(x), id, outer, size, inner, k);
        return Graph.record("gather", out, new Tensor[] {x}, g -> {
            Tensor dx = Ops.zerosLike(x);
            be.index().scatterAdd(dx, Ops.dense(g), id, outer, size, inner, k);
            return new Tensor[] {dx};
        });
    }

    /** Tensors joined along an existing axis; all other sizes must agree. */
    public static Tensor concat(int axis, Tensor... ts) {
        if (ts.length == 0) throw new RevtafException("concat: no tensors");
        Ops.backend("concat", ts);
        Tensor f = ts[0];
        int ax = Shapes.axis("concat", axis, f.rank());
        int[] os = f.shape();
        os[ax] = 0;
        int[] starts = new int[ts.length];
        for (int i = 0; i < ts.length; i++) {
            int[] s = ts[i].shapeRef();
            boolean ok = s.length == os.length;
            for (int d = 0; ok && d < s.length; d++) ok = d == ax || s[d] == os[d];
            if (!ok)
                throw new RevtafException("concat: shape " + Shapes.str(s) + " does not match "
                        + Shapes.str(f.shapeRef()) + " outside axis " + axis);
            starts[i] = os[ax];
            os[ax] += s[ax];
        }
        Tensor out = Tensor.empty(f.device(), f.dtype(), os);
        for (int i = 0; i < ts.length; i++) {
            int[] part = os.clone();
            part[ax] = ts[i].shapeRef()[ax];
            Tensor dst = out.asStrided(part, out.stridesRef(), starts[i] * out.stridesRef()[ax]);
            Ops.on(out).elementwise().copy(dst, ts[i]);
        }
        return Graph.record("concat", out, ts, g -> {
            Tensor[] gs = new Tensor[ts.length];
            for (int i = 0; i < ts.length; i++)
                gs[i] = Views.contiguous(Views.slice(g, ax, starts[i], starts[i] + ts[i].shapeRef()[ax]));
            return gs;
        });
    }

    /** Tensors of one shape joined along a new axis. */
    public static Tensor stack(int axis, Tensor... ts) {
        if (ts.length == 0) throw new RevtafException("stack: no tensors");
        int ax = Shapes.axis("stack", axis, ts[0].rank() + 1);
        Tensor[] u = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            if (!Arrays.equals(ts[i].shapeRef(), ts[0].shapeRef()))
                throw new RevtafException("stack: shapes " + Shapes.str(ts[0].shapeRef()) + " and "
                        + Shapes.str(ts[i].shapeRef()) + " differ");
            u[i] = Views.unsqueeze(ts[i], ax);
        }
        return concat(ax, u);
    }
}
