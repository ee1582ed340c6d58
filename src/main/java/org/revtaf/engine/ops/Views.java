package org.revtaf.engine.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** Layout ops: views sharing storage (reshape, permute, slice, expand) and copies, with autograd. */
public final class Views {
    private Views() {}

    /** Same elements, new shape (one axis may be -1); a view when x is contiguous, else a copy. */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] s = inferShape(x, shape);
        if (Arrays.equals(s, x.shapeRef())) return x;
        Tensor out = Ops.dense(x).viewAs(s);
        return Graph.record("reshape", out, new Tensor[] {x}, g -> new Tensor[] {reshape(g, x.shapeRef())});
    }

    private static int[] inferShape(Tensor x, int[] shape) {
        int[] s = shape.clone();
        int neg = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (neg >= 0) throw new RevtafException("reshape: more than one -1 in " + Shapes.str(shape));
                neg = i;
            } else known *= s[i];
        }
        if (neg >= 0) {
            if (known == 0 || x.numel() % known != 0)
                throw new RevtafException(
                        "reshape: cannot reshape " + Shapes.str(x.shapeRef()) + " to " + Shapes.str(shape));
            s[neg] = x.numel() / known;
        }
        if (Shapes.numel(s) != x.numel())
            throw new RevtafException("reshape: cannot reshape " + Shapes.str(x.shapeRef()) + " (" + x.numel()
                    + " elements) to " + Shapes.str(shape));
        return s;
    }

    /** Axes reordered: out axis i is x axis order[i] (a view). */
    public static Tensor permute(Tensor x, int... order) {
        if (order.length != x.rank())
            throw new RevtafException(
                    "permute: order " + Arrays.toString(order) + " for shape " + Shapes.str(x.shapeRef()));
        int[] sh = new int[order.length], st = new int[order.length], inv = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = Shapes.axis("permute", order[i], x.rank());
            if (seen[a]) throw new RevtafException("permute: repeated axis in " + Arrays.toString(order));
            seen[a] = true;
            sh[i] = x.shapeRef()[a];
            st[i] = x.stridesRef()[a];
            inv[a] = i;
        }
        Tensor out = x.asStrided(sh, st, x.offset());
        return Graph.record("permute", out, new Tensor[] {x}, g -> new Tensor[] {permute(g, inv)});
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        int[] order = new int[x.rank()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int aa = Shapes.axis("transpose", a, x.rank()), bb = Shapes.axis("transpose", b, x.rank());
        order[aa] = bb;
        order[bb] = aa;
        return permute(x, order);
    }

    /** Elements [start, end) along axis (a view). */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        int ax = Shapes.axis("slice", axis, x.rank());
        int size = x.shapeRef()[ax];
        if (start < 0 || end > size || start > end)
            throw new RevtafException("slice: range [" + start + ", " + end + ") out of bounds for axis " + axis
                    + " of " + Shapes.str(x.shapeRef()));
        int[] sh = x.shape();
        sh[ax] = end - start;
        Tensor out = x.asStrided(sh, x.stridesRef(), x.offset() + start * x.stridesRef()[ax]);
        return Graph.record("slice", out, new Tensor[] {x}, g -> {
            Tensor dx = Ops.zerosLike(x);
            int[] dsh = dx.shape();
            dsh[ax] = end - start;
            Tensor dst = dx.asStrided(dsh, dx.stridesRef(), start * dx.stridesRef()[ax]);
            Ops.on(dx).elementwise().copy(dst, g);
            return new Tensor[] {dx};
        });
    }

    /** x broadcast to shape (a stride-0 view). */
    public static Tensor expand(Tensor x, int... shape) {
        if (Arrays.equals(shape, x.shapeRef())) return x;
        Tensor out = Ops.broadcastView(x, shape);
        return Graph.record("expand", out, new Tensor[] {x}, g -> new Tensor[] {Ops.reduceTo(g, x.shapeRef())});
    }

    public static Tensor unsqueeze(Tensor x, int axis) {
        int ax = Shapes.axis("unsqueeze", axis, x.rank() + 1);
        int[] s = new int[x.rank() + 1];
        for (int i = 0, j = 0; i < s.length; i++) s[i] = i == ax ? 1 : x.shapeRef()[j++];
        return reshape(x, s);
    }

    public static Tensor squeeze(Tensor x, int axis) {
        int ax = Shapes.axis("squeeze", axis, x.rank());
        if (x.shapeRef()[ax] != 1)
            throw new RevtafException("squeeze: axis " + axis + " of " + Shapes.str(x.shapeRef()) + " is not 1");
        int[] s = new int[x.rank() - 1];
        for (int i = 0, j = 0; i < x.rank(); i++) if (i != ax) s[j++] = x.shapeRef()[i];
        return reshape(x, s);
    }

    /** x in C-order memory (x itself when it already is). */
    public static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) return x;
        return copyOf(x);
    }

    /** A fresh contiguous copy (gradient passes through). */
    public static Tensor copyOf(Tensor x) {
        Tensor out = Ops.emptyLike(x);
        Ops.on("copy", x).elementwise().copy(out, x);
        return Graph.record("copy", out, new Tensor[] {x}, g -> new Tensor[] {g});
    }

    /** A copy on another device (gradient copied back). */
    public static Tensor to(Tensor x, Device target) {
        if (x.device() == target) return x;
        Tensor out = x.copyTo(target);
        return Graph.record("to", out, new Tensor[] {x}, g -> new Tensor[] {to(g, x.device())});
    }

    /** dst += src in place (no autograd; used for gradient accumulation and optimizers). */
    public static void addInPlace(Tensor dst, Tensor src) {
        Backend be = Ops.backend("add_", dst, src);
        if (!Arrays.equals(dst.shapeRef(), src.shapeRef()))
            throw new RevtafException(
                    "add_: shapes " + Shapes.str(dst.shapeRef()) + " and " + Shapes.str(src.shapeRef()));
        be.elementwise().binary(dst, dst, src, BinaryOp.ADD);
    }

    /** dst = src elementwise in place (no autograd). */
    public static void copyInto(Tensor dst, Tensor src) {
        if (!Arrays.equals(dst.shapeRef(), src.shapeRef()))
            throw new RevtafException(
                    "copy_: shapes " + Shapes.str(dst.shapeRef()) + " and " + Shapes.str(src.shapeRef()));
        Ops.on("copy_", dst).elementwise().copy(dst, src);
    }
}
