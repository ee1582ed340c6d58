package org.revtaf.backend.cpu;

import java.util.Arrays;
import org.revtaf.backend.Conv2dGeom;
import org.revtaf.backend.ConvKernels;
import org.revtaf.backend.Pool2dGeom;
import org.revtaf.backend.cpu.kernels.Conv2d;
import org.revtaf.backend.cpu.kernels.ConvShape;
import org.revtaf.backend.cpu.kernels.Parallel;
import org.revtaf.backend.cpu.kernels.Pool;
import org.revtaf.backend.cpu.kernels.PoolShape;
import org.revtaf.backend.reference.RefConv.Lerp;
import org.revtaf.backend.reference.ReferenceBackend;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Tensor;

/**
 * float32 convolution and pooling on cpukern's kernels (im2col + packed GEMM, vectorized pools),
 * bilinear resize as a fork-join loop over planes. float64 runs the reference.
 */
final class CpuConv implements ConvKernels {
    private final ConvKernels ref = ReferenceBackend.INSTANCE.conv();

    private static boolean f32(Tensor t) {
        return t.dtype() == DType.FLOAT32;
    }

    private static ConvShape shape(Conv2dGeom g) {
        return new ConvShape(
                g.n(),
                g.c(),
                g.h(),
                g.w(),
                g.oc(),
                g.kh(),
                g.kw(),
                g.sh(),
                g.sw(),
                g.ph(),
                g.pw(),
                g.dh(),
                g.dw(),
                g.groups());
    }

    private static PoolShape shape(Pool2dGeom g) {
        return new PoolShape(g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw());
    }

    @Override
    public void conv2d(Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dGeom g) {
        if (!f32(x)) {
            ref.conv2d(out, x, w, bias, g);
            return;
        }
        Conv2d.forward(
                shape(g),
                x.f32(),
                x.offset(),
                w.f32(),
                w.offset(),
                bias == null ? null : bias.f32(),
                bias == null ? 0 : bias.offset(),
                out.f32(),
                out.offset());
    }

    @Override
    public void conv2dBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Conv2dGeom g) {
        if (!f32(x)) {
            ref.conv2dBackward(dx, dw, db, dy, x, w, g);
            return;
        }
        ConvShape s = shape(g);
        if (dx != null) Conv2d.backwardData(s, dy.f32(), dy.offset(), w.f32(), w.offset(), dx.f32(), dx.offset());
        if (dw != null || db != null) {
            Tensor dwt = dw != null ? dw : Tensor.empty(w.device(), w.dtype(), w.shapeRef());
            Conv2d.backwardWeight(
                    s,
                    x.f32(),
                    x.offset(),
                    dy.f32(),
                    dy.offset(),
                    dwt.f32(),
                    dwt.offset(),
                    db == null ? null : db.f32(),
                    db == null ? 0 : db.offset());
        }
    }

    @Override
    public void maxPool2d(Tensor out, Tensor argmax, Tensor x, Pool2dGeom g) {
        if (!f32(x) || argmax.dtype() != DType.INT32) {
            ref.maxPool2d(out, argmax, x, g);
            return;
        }
        Pool.maxForward(
                shape(g),
                x.f32(),
                x.offset(),
                out.f32(),
                out.offset(),
                argmax.heap().i32(),
                argmax.offset());
    }

    @Override
    public void maxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax, Pool2dGeom g) {
        if (!f32(dx) || argmax.dtype() != DType.INT32) {
            ref.maxPool2dBackward(dx, dy, argmax, g);
            return;
        }
        Arrays.fill(dx.f32(), dx.offset(), dx.offset() + dx.numel(), 0f);
        Pool.maxBackward(shape(g), dy.f32(), dy.offset(), argmax.heap().i32(), argmax.offset(), dx.f32(), dx.offset());
    }

    @Override
    public void avgPool2d(Tensor out, Tensor x, Pool2dGeom g) {
        if (!f32(x)) ref.avgPool2d(out, x, g);
        else Pool.avgForward(shape(g), g.countIncludePad(), x.f32(), x.offset(), out.f32(), out.offset());
    }

    @Override
    public void avgPool2dBackward(Tensor dx, Tensor dy, Pool2dGeom g) {
        if (!f32(dx)) ref.avgPool2dBackward(dx, dy, g);
        else {
            Arrays.fill(dx.f32(), dx.offset(), dx.offset() + dx.numel(), 0f);
            Pool.avgBackward(shape(g), g.countIncludePad(), dy.f32(), dy.offset(), dx.f32(), dx.offset());
        }
    }

    @Override
    public void adaptiveAvgPool2d(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow) {
        if (!f32(x)) ref.adaptiveAvgPool2d(out, x, n, c, h, w, oh, ow);
        else Pool.adaptiveAvgForward(n * c, h, w, oh, ow, x.f32(), x.offset(), out.f32(), out.offset());
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow) {
        if (!f32(dx)) ref.adaptiveAvgPool2dBackward(dx, dy, n, c, h, w, oh, ow);
        else {
            Arrays.fill(dx.f32(), dx.offset(), dx.offset() + dx.numel(), 0f);
            Pool.adaptiveAvgBackward(n * c, h, w, oh, ow, dy.f32(), dy.offset(), dx.f32(), dx.offset());
        }
    }

    // x: (n, c, h, w) -> out: (n, c, oh, ow); taps per output row/column computed once
    @Override
    public void bilinear(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        if (!f32(x)) {
            ref.bilinear(out, x, n, c, h, w, oh, ow, alignCorners);
            return;
        }
        Lerp[] ly = taps(h, oh, alignCorners), lx = taps(w, ow, alignCorners);
        float[] xa = x.f32(), oa = out.f32();
        int xo = x.offset(), oo = out.offset();
        Parallel.range(n * c, Math.max(1, 4096 / Math.max(oh * ow, 1)), (s, e) -> {
            for (int p = s; p < e; p++) {
                int b = xo + p * h * w, ob = oo + p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    Lerp y = ly[oy];
                    int r0 = b + y.i0() * w, r1 = b + y.i1() * w;
                    for (int ox = 0; ox < ow; ox++) {
                        Lerp t = lx[ox];
                        oa[ob + oy * ow + ox] = (float) (y.w0() * (t.w0() * xa[r0 + t.i0()] + t.w1() * xa[r0 + t.i1()])
                                + y.w1() * (t.w0() * xa[r1 + t.i0()] + t.w1() * xa[r1 + t.i1()]));
                    }
                }
            }
        });
    }

    @Override
    public void bilinearBackward(
            Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        if (!f32(dx)) {
            ref.bilinearBackward(dx, dy, n, c, h, w, oh, ow, alignCorners);
            return;
        }
        Lerp[] ly = taps(h, oh, alignCorners), lx = taps(w, ow, alignCorners);
        float[] ga = dy.f32(), da = dx.f32();
        int go = dy.offset(), dO = dx.offset();
        Arrays.fill(da, dO, dO + dx.numel(), 0f);
        Parallel.range(n * c, Math.max(1, 4096 / Math.max(oh * ow, 1)), (s, e) -> {
            for (int p = s; p < e; p++) {
                int b = dO + p * h * w, gb = go + p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    Lerp y = ly[oy];
                    int r0 = b + y.i0() * w, r1 = b + y.i1() * w;
                    for (int ox = 0; ox < ow; ox++) {
                        Lerp t = lx[ox];
                        double v = ga[gb + oy * ow + ox];
                        da[r0 + t.i0()] += (float) (v * y.w0() * t.w0());
                        da[r0 + t.i1()] += (float) (v * y.w0() * t.w1());
                        da[r1 + t.i0()] += (float) (v * y.w1() * t.w0());
                        da[r1 + t.i1()] += (float) (v * y.w1() * t.w1());
                    }
                }
            }
        });
    }

    private static Lerp[] taps(int in, int out, boolean alignCorners) {
        Lerp[] t = new Lerp[out];
        for (int i = 0; i < out; i++) t[i] = Lerp.of(i, in, out, alignCorners);
        return t;
    }
}
