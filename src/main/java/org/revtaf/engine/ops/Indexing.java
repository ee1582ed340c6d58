package org.revtaf.engine.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.IndexKernels;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** Gathering and joining: embedding, index_select, gather, concat, stack. */
public final class Indexing {
    private Indexing() {}

    /** Rows of table (v, d) picked by idx (any shape, int) -> (idx..., d). */
    public static Tensor embedding(Tensor table, Tensor idx) {
        return embedding(table, idx, -1);
    }

    /**
     * {@link #embedding(Tensor, Tensor)} where row {@code paddingIdx} gets no gradient from the
     * positions that look it up, as PyTorch's {@code nn.Embedding(padding_idx=...)} (BERT's word
     * embeddings); a negative paddingIdx means none.
     */
    public static Tensor embedding(Tensor table, Tensor idx, int paddingIdx) {
        Ops.rank("embedding", table, 2, "table");
        Tensor flat = Views.reshape(Ops.dense(idx), idx.numel());
        Tensor rows = paddingIdx >= 0 && Graph.needsGrad(table)
                ? rowsWithoutPaddingGrad(table, flat, paddingIdx)
                : indexSelect(table, 0, flat);
        return Views.reshape(rows, MatMul.concat(idx.shapeRef(), table.shape(1)));
    }

    /**
     * table[flat] (k, d); backward scatters every position's gradient and then zeroes row pad, which
     * only the positions that look pad up reach: the same as skipping them, without reading the ids.
     */
    private static Tensor rowsWithoutPaddingGrad(Tensor table, Tensor flat, int pad) {
        Backend be = Ops.backend("embedding", table);
        Ops.indexTensor("embedding", table, flat);
        int v = table.shape(0), d = table.shape(1), k = flat.numel();
        Tensor ids = Ops.dense(flat);
        Tensor out = Tensor.empty(table.device(), table.dtype(), k, d); // out: (k, d)
        be.index().indexSelect(out, Ops.dense(table), ids, 1, v, d, k);
        return Graph.record("embedding", out, new Tensor[] {table}, g -> {
            Tensor dx = Ops.zerosLike(table); // dx: (v, d)
            be.index().indexAdd(dx, Ops.dense(g), ids, 1, v, d, k);
            if (pad < v) be.elementwise().fill(dx.asStrided(new int[] {d}, new int[] {1}, dx.offset() + pad * d), 0);
            return new Tensor[] {dx};
        });
    }

    /** x with axis restricted to the entries idx (1-D) in order; repeats allowed. */
    public static Tensor indexSelect(Tensor x, int axis, Tensor idx) {
        Backend be = Ops.backend("index_select", x);
        Ops.indexTensor("index_select", x, idx);
        if (idx.rank() != 1)
            throw new RevtafException("index_select: indices must be 1-D, got " + Shapes.str(idx.shapeRef()));
        int ax = Shapes.axis("index_select", axis, x.rank());
        int[] os = x.shape();
        os[ax] = idx.shape(0);
        return picked("index_select", be, x, idx, ax, os, IndexKernels::indexSelect, IndexKernels::indexAdd);
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
        return picked("gather", be, x, idx, ax, is, IndexKernels::gather, IndexKernels::scatterAdd);
    }

    /** One IndexKernels method: (out or dx, x or dy, idx, outer, size, inner, nIdx). */
    @FunctionalInterface
    private interface IndexKernel {
        void run(IndexKernels kernels, Tensor a, Tensor b, Tensor idx, int outer, int size, int inner, int nIdx);
    }

    /**
     * out (outShape) = x picked by idx along axis ax (outShape[ax] entries) through the kernel pick; its
     * gradient adds g back into zeros of x's shape through addBack (the adjoint of pick).
     */
    private static Tensor picked(
            String op,
            Backend be,
            Tensor x,
            Tensor idx,
            int ax,
            int[] outShape,
            IndexKernel pick,
            IndexKernel addBack) {
        int[] sh = x.shapeRef();
        int outer = Shapes.prod(sh, 0, ax), size = sh[ax], inner = Shapes.prod(sh, ax + 1, sh.length), k = outShape[ax];
        Tensor id = Ops.dense(idx);
        Tensor out = Tensor.empty(x.device(), x.dtype(), outShape);
        pick.run(be.index(), out, Ops.dense(x), id, outer, size, inner, k);
        return Graph.record(op, out, new Tensor[] {x}, g -> {
            Tensor dx = Ops.zerosLike(x);
            addBack.run(be.index(), dx, Ops.dense(g), id, outer, size, inner, k);
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
