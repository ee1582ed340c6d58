package org.revtaf.engine.ops;

import java.util.Arrays;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.Graph;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.Pool2dGeom;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/** NCHW convolution, pooling and bilinear resizing. */
public final class Conv {
    private Conv() {}

    /**
     * x (n, c, h, w) conv w (oc, c/groups, kh, kw) + bias (oc, or null) -> (n, oc, oh, ow). Sizes
     * are {stride, padding, dilation} per spatial axis (h, w).
     */
    public static Tensor conv2d(
            Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        Backend be = Ops.backend("conv2d", x, w, bias);
        Ops.rank("conv2d", x, 4, "input");
        Ops.rank("conv2d", w, 4, "weight");
        atLeast("conv2d", "stride", stride, 1);
        atLeast("conv2d", "padding", padding, 0);
        atLeast("conv2d", "dilation", dilation, 1);
        int n = x.shape(0), c = x.shape(1), h = x.shape(2), wd = x.shape(3);
        int oc = w.shape(0), kh = w.shape(2), kw = w.shape(3);
        if (groups < 1 || c % groups != 0 || oc % groups != 0 || w.shape(1) * groups != c)
            throw new RevtafException("conv2d: input " + Shapes.str(x.shapeRef()) + " and weight "
                    + Shapes.str(w.shapeRef()) + " do not match for groups=" + groups);
        if (bias != null && (bias.rank() != 1 || bias.shape(0) != oc))
            throw new RevtafException(
                    "conv2d: bias " + Shapes.str(bias.shapeRef()) + " for " + oc + " output channels");
        int oh = Conv2dGeom.outSize(h, kh, stride[0], padding[0], dilation[0]);
        int ow = Conv2dGeom.outSize(wd, kw, stride[1], padding[1], dilation[1]);
        if (oh <= 0 || ow <= 0)
            throw new RevtafException(
                    "conv2d: input " + Shapes.str(x.shapeRef()) + " too small for kernel " + kh + "x" + kw);
        Conv2dGeom g = new Conv2dGeom(
                n,
                c,
                h,
                wd,
                oc,
                kh,
                kw,
                stride[0],
                stride[1],
                padding[0],
                padding[1],
                dilation[0],
                dilation[1],
                groups);
        Tensor xd = Ops.dense(x), wdn = Ops.dense(w);
        Tensor out = Tensor.empty(x.device(), x.dtype(), n, oc, oh, ow);
        be.conv().conv2d(out, xd, wdn, bias == null ? null : Ops.dense(bias), g);
        return Graph.record("conv2d", out, new Tensor[] {x, w, bias}, gr -> {
            Tensor dx = x.requiresGrad() ? Ops.emptyLike(x) : null;
            Tensor dw = w.requiresGrad() ? Ops.emptyLike(w) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Ops.emptyLike(bias) : null;
            be.conv().conv2dBackward(dx, dw, db, Ops.dense(gr), xd, wdn, g);
            return new Tensor[] {dx, dw, db};
        });
    }

    /** Each size (one per spatial axis, h then w) must be at least {@code min}. */
    private static void atLeast(String op, String what, int[] sizes, int min) {
        if (sizes.length != 2)
            throw new RevtafException(op + ": " + what + " needs 2 sizes (h, w), got " + Arrays.toString(sizes));
        for (int v : sizes)
            if (v < min)
                throw new RevtafException(op + ": " + what + " must be at least " + min + ", got "
                        + (sizes[0] == sizes[1] ? String.valueOf(v) : Arrays.toString(sizes)));
    }

    private static Pool2dGeom poolGeom(String op, Tensor x, int[] k, int[] s, int[] p) {
        Ops.rank(op, x, 4, "input");
        atLeast(op, "kernel", k, 1);
        atLeast(op, "stride", s, 1);
        atLeast(op, "padding", p, 0);
        if (p[0] * 2 > k[0] || p[1] * 2 > k[1])
            throw new RevtafException(
                    op + ": padding " + p[0] + "x" + p[1] + " must be at most half the kernel " + k[0] + "x" + k[1]);
        int oh = (x.shape(2) + 2 * p[0] - k[0]) / s[0] + 1, ow = (x.shape(3) + 2 * p[1] - k[1]) / s[1] + 1;
        if (oh <= 0 || ow <= 0)
            throw new RevtafException(
                    op + ": input " + Shapes.str(x.shapeRef()) + " too small for kernel " + k[0] + "x" + k[1]);
        return new Pool2dGeom(x.shape(0), x.shape(1), x.shape(2), x.shape(3), k[0], k[1], s[0], s[1], p[0], p[1]);
    }

    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        Backend be = Ops.backend("max_pool2d", x);
        Pool2dGeom g = poolGeom("max_pool2d", x, kernel, stride, padding);
        Tensor out = Tensor.empty(x.device(), x.dtype(), g.n(), g.c(), g.oh(), g.ow());
        Tensor arg = Tensor.empty(x.device(), DType.INT32, g.n(), g.c(), g.oh(), g.ow());
        Tensor xd = Ops.dense(x);
        be.conv().maxPool2d(out, arg, xd, g);
        return Graph.record("max_pool2d", out, new Tensor[] {x}, gr -> {
            Tensor dx = Ops.emptyLike(x);
            be.conv().maxPool2dBackward(dx, Ops.dense(gr), arg, xd, out, g);
            return new Tensor[] {dx};
        });
    }

    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        Backend be = Ops.backend("avg_pool2d", x);
        Pool2dGeom g = poolGeom("avg_pool2d", x, kernel, stride, padding);
        Tensor out = Tensor.empty(x.device(), x.dtype(), g.n(), g.c(), g.oh(), g.ow());
        Tensor xd = Ops.dense(x);
        be.conv().avgPool2d(out, xd, g, countIncludePad);
        return Graph.record("avg_pool2d", out, new Tensor[] {x}, gr -> {
            Tensor dx = Ops.emptyLike(x);
            be.conv().avgPool2dBackward(dx, Ops.dense(gr), xd, out, g, countIncludePad);
            return new Tensor[] {dx};
        });
    }

    public static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        Backend be = Ops.backend("adaptive_avg_pool2d", x);
        Ops.rank("adaptive_avg_pool2d", x, 4, "input");
        int n = x.shape(0), c = x.shape(1), h = x.shape(2), w = x.shape(3);
        if (oh < 1 || ow < 1) throw new RevtafException("adaptive_avg_pool2d: output size " + oh + "x" + ow);
        Tensor out = Tensor.empty(x.device(), x.dtype(), n, c, oh, ow);
        be.conv().adaptiveAvgPool2d(out, Ops.dense(x), n, c, h, w, oh, ow);
        return Graph.record("adaptive_avg_pool2d", out, new Tensor[] {x}, gr -> {
            Tensor dx = Ops.emptyLike(x);
            be.conv().adaptiveAvgPool2dBackward(dx, Ops.dense(gr), n, c, h, w, oh, ow);
            return new Tensor[] {dx};
        });
    }

    /** Bilinear resize of x (n, c, h, w) to (n, c, oh, ow), PyTorch interpolate semantics. */
    public static Tensor bilinear(Tensor x, int oh, int ow, boolean alignCorners) {
        Backend be = Ops.backend("bilinear", x);
        Ops.rank("bilinear", x, 4, "input");
        int n = x.shape(0), c = x.shape(1), h = x.shape(2), w = x.shape(3);
        if (oh < 1 || ow < 1 || h < 1 || w < 1)
            throw new RevtafException("bilinear: cannot resize " + Shapes.str(x.shapeRef()) + " to " + oh + "x" + ow);
        Tensor out = Tensor.empty(x.device(), x.dtype(), n, c, oh, ow);
        be.conv().bilinear(out, Ops.dense(x), n, c, h, w, oh, ow, alignCorners);
        return Graph.record("bilinear", out, new Tensor[] {x}, gr -> {
            Tensor dx = Ops.emptyLike(x);
            be.conv().bilinearBackward(dx, Ops.dense(gr), n, c, h, w, oh, ow, alignCorners);
            return new Tensor[] {dx};
        });
    }
}
