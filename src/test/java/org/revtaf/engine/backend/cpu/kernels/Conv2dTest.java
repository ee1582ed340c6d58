package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.reference.RefConv;

class Conv2dTest {
    static final Conv2dGeom[] SHAPES = {
        Conv2dGeom.of(1, 1, 1, 1, 1, 1, 1, 0),
        Conv2dGeom.of(2, 3, 7, 5, 4, 3, 1, 1),
        Conv2dGeom.of(3, 5, 11, 13, 7, 3, 2, 1), // stride 2, odd sizes
        new Conv2dGeom(2, 4, 9, 10, 6, 3, 2, 1, 2, 2, 0, 2, 1, 2), // rect kernel, dilation, groups 2
        new Conv2dGeom(1, 6, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6), // depthwise
        Conv2dGeom.of(2, 17, 6, 5, 19, 1, 1, 0), // 1x1 fast path
        Conv2dGeom.of(1, 8, 9, 9, 5, 1, 2, 0), // 1x1 stride 2 (im2col)
        Conv2dGeom.of(1, 3, 23, 23, 16, 7, 2, 3), // stem-like
        Conv2dGeom.of(3, 300, 7, 7, 20, 1, 1, 0), // pointwise: depth over KC, strips across images
        Conv2dGeom.of(2, 30, 9, 9, 33, 3, 1, 1), // 3x3: depth over KC, runs across output rows
        new Conv2dGeom(2, 6, 5, 7, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2), // pointwise, groups 2
        Conv2dGeom.of(2, 4, 40, 3, 5, 3, 2, 1), // narrow: many short runs per strip
        Conv2dGeom.of(2, 3, 33, 32, 5, 1, 1, 0), // pointwise, one image per chunk: GEMM straight into dx
        // stride 1: backward-data as the forward conv of dy with the flipped weights
        Conv2dGeom.of(2, 5, 9, 8, 7, 3, 1, 0), // no padding: dy padded by 2
        new Conv2dGeom(2, 4, 9, 11, 6, 3, 2, 1, 1, 2, 1, 2, 1, 2), // dilation, rect kernel, groups 2
        Conv2dGeom.of(1, 3, 6, 6, 4, 3, 1, 3), // padding above dilation*(k-1): the column path
        Conv2dGeom.of(3, 70, 7, 7, 260, 1, 1, 0), // pointwise, more output rows than a tile: wide dx rows
        // backward-weight as dot products along long runs of pixels (ConvWeightGrad.suits)
        Conv2dGeom.of(2, 5, 12, 60, 6, 3, 1, 1), // rows of 60: two chunks, 4x4 blocks and single edges
        Conv2dGeom.of(1, 3, 7, 120, 4, 3, 2, 1), // stride 2, rows of 60
        Conv2dGeom.of(1, 70, 8, 8, 70, 1, 1, 0), // pointwise, images of 64 pixels: two tiles each way
        Conv2dGeom.of(2, 130, 5, 5, 14, 3, 1, 1), // K = 1170: three depth blocks of the forward GEMM
    };

    @Test
    void matchesReferenceForwardAndBackward() {
        Checks.bothThreadCounts(() -> {
            SplittableRandom r = new SplittableRandom(11);
            for (Conv2dGeom s : SHAPES) {
                float[] x = Checks.rand(r, s.xSize()), w = Checks.rand(r, s.wSize()), b = Checks.rand(r, s.oc());
                float[] dy = Checks.rand(r, s.ySize());
                for (boolean withBias : new boolean[] {true, false}) {
                    float[] bias = withBias ? b : null;
                    float[] want = new float[(int) s.ySize() + 3], got = want.clone();
                    Checks.ref(
                            bufs -> RefConv.forward(s, bufs[0], bufs[1], bufs[2], Checks.at(bufs[3], 3)),
                            x,
                            w,
                            bias,
                            want);
                    Conv2d.forward(s, of(x), of(w), of(bias), of(got, 3));
                    Checks.close("forward " + s, want, got, 1e-5, 1e-4);
                }
                float[] dxWant = new float[(int) s.xSize()], dxGot = Checks.rand(r, s.xSize()); // garbage overwritten
                Checks.ref(bufs -> RefConv.backwardData(s, bufs[0], bufs[1], bufs[2]), dy, w, dxWant);
                Conv2d.backwardData(s, of(dy), of(w), of(dxGot));
                Checks.close("backwardData " + s, dxWant, dxGot, 1e-5, 1e-4);
                float[] dwWant = new float[(int) s.wSize()], dwGot = Checks.rand(r, s.wSize());
                float[] dbWant = new float[s.oc()], dbGot = Checks.rand(r, s.oc());
                Checks.ref(
                        bufs -> RefConv.backwardWeight(s, bufs[0], bufs[1], bufs[2], bufs[3]), x, dy, dwWant, dbWant);
                Conv2d.backwardWeight(s, of(x), of(dy), of(dwGot), of(dbGot));
                Checks.close("backwardWeight " + s, dwWant, dwGot, 1e-5, 1e-4);
                Checks.close("backwardBias " + s, dbWant, dbGot, 1e-5, 1e-4);
            }
        });
    }

    @Test
    void gradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(12);
        Conv2dGeom[] small = {
            new Conv2dGeom(2, 4, 5, 6, 4, 3, 2, 2, 1, 1, 1, 1, 2, 2),
            new Conv2dGeom(1, 2, 5, 5, 3, 2, 2, 1, 2, 0, 1, 2, 1, 1)
        };
        for (Conv2dGeom s : small) {
            float[] x = Checks.rand(r, s.xSize()), w = Checks.rand(r, s.wSize()), b = Checks.rand(r, s.oc());
            float[] dy = Checks.rand(r, s.ySize());
            double[] xd = Checks.toDouble(x),
                    wd = Checks.toDouble(w),
                    bd = Checks.toDouble(b),
                    dyd = Checks.toDouble(dy);
            float[] dx = new float[x.length], dw = new float[w.length], db = new float[b.length];
            Conv2d.backwardData(s, of(dy), of(w), of(dx));
            Conv2d.backwardWeight(s, of(x), of(dy), of(dw), of(db));
            Checks.close(
                    "dx " + s, Checks.numericGrad(v -> DoubleRef.conv2d(s, v, wd, bd), xd, dyd, 1e-4), dx, 1e-4, 1e-3);
            Checks.close(
                    "dw " + s, Checks.numericGrad(v -> DoubleRef.conv2d(s, xd, v, bd), wd, dyd, 1e-4), dw, 1e-4, 1e-3);
            Checks.close(
                    "db " + s, Checks.numericGrad(v -> DoubleRef.conv2d(s, xd, wd, v), bd, dyd, 1e-4), db, 1e-4, 1e-3);
        }
    }

    @Test
    void rejectsBadGeometry() {
        assertThrows(IllegalArgumentException.class, () -> new Conv2dGeom(1, 3, 8, 8, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Conv2dGeom.of(1, 3, 2, 2, 4, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2dGeom.of(1, 3, 8, 8, 4, 3, 0, 0));
    }
}
