package org.revtaf.engine.backend.cpu;

import static org.revtaf.engine.backend.Buf.F32.of;

import java.util.Arrays;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.ConvKernels;
import org.revtaf.engine.backend.Lerp;
import org.revtaf.engine.backend.Pool2dGeom;
import org.revtaf.engine.backend.cpu.kernels.Conv2d;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.backend.cpu.kernels.Pool;
import org.revtaf.engine.tensor.Tensor;

/**
 * float32 convolution and pooling on the cpu kernels (im2col + packed GEMM, vectorized pools),
 * bilinear resize as a fork-join loop over planes.
 */
final class CpuConv implements ConvKernels {
    private static Buf.I32 ints(Tensor t) {
        return new Buf.I32(t.heap().i32(), t.offset());
    }

    private static void zero(Tensor t) {
        Arrays.fill(t.f32(), t.offset(), t.offset() + t.numel(), 0f);
    }

    @Override
    public void conv2d(Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dGeom g) {
        Conv2d.forward(g, of(x), of(w), of(bias), of(out));
    }

    @Override
    public void conv2dBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Conv2dGeom g) {
        if (dx != null) Conv2d.backwardData(g, of(dy), of(w), of(dx));
        if (dw != null || db != null) {
            Tensor dwt = dw != null ? dw : Tensor.empty(w.device(), w.dtype(), w.shapeRef());
            Conv2d.backwardWeight(g, of(x), of(dy), of(dwt), of(db));
        }
    }

    @Override
    public void maxPool2d(Tensor out, Tensor argmax, Tensor x, Pool2dGeom g) {
        Pool.maxForward(g, of(x), of(out), ints(argmax));
    }

    @Override
    public void maxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor x, Tensor out, Pool2dGeom g) {
        zero(dx);
        Pool.maxBackward(g, of(dy), ints(argmax), of(dx));
    }

    @Override
    public void avgPool2d(Tensor out, Tensor x, Pool2dGeom g, boolean countIncludePad) {
        Pool.avgForward(g, countIncludePad, of(x), of(out));
    }

    @Override
    public void avgPool2dBackward(Tensor dx, Tensor dy, Tensor x, Tensor out, Pool2dGeom g, boolean countIncludePad) {
        zero(dx);
        Pool.avgBackward(g, countIncludePad, of(dy), of(dx));
    }

    @Override
    public void adaptiveAvgPool2d(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow) {
        Pool.adaptiveAvgForward(n * c, h, w, oh, ow, of(x), of(out));
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow) {
        zero(dx);
        Pool.adaptiveAvgBackward(n * c, h, w, oh, ow, of(dy), of(dx));
    }

    // x: (n, c, h, w) -> out: (n, c, oh, ow); taps per output row/column computed once
    @Override
    public void bilinear(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
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
