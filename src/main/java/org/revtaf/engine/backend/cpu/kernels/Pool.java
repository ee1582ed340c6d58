package org.revtaf.engine.backend.cpu.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Pool2dGeom;

/**
 * 2-D pooling over NCHW planes, in parallel over the (n, c) planes, windows clipped once per
 * output row/column instead of per element: max pool with argmax indices (index within the
 * input plane, iy*w + ix; first max wins, NaN propagates), avg pool (PyTorch divisor rules,
 * count_include_pad switch), adaptive avg pool (1x1 output = vectorized global average).
 * Outputs and input gradients are overwritten. Oracle: {@code reference/RefConv}.
 */
public final class Pool {
    private Pool() {}

    private static int grain(int perPlane) {
        return Math.max(1, 16384 / Math.max(1, perPlane));
    }

    // x: (n, c, h, w) -> y, idx: (n, c, oh, ow)
    public static void maxForward(Pool2dGeom s, Buf.F32 x, Buf.F32 y, Buf.I32 idx) {
        float[] xA = Buf.arr(x), yA = Buf.arr(y);
        int[] idxA = Buf.arr(idx);
        int xOff = Buf.off(x), yOff = Buf.off(y), iOff = Buf.off(idx);
        int oh = s.oh(), ow = s.ow(), h = s.h(), w = s.w(), sw = s.sw();
        // output columns whose window lies inside the row: ox*sw - pw >= 0, ox*sw - pw + kw <= w
        int in0 = Math.min(ow, (s.pw() + sw - 1) / sw);
        int in1 = Math.max(in0, Math.min(ow, Math.floorDiv(w - s.kw() + s.pw(), sw) + 1));
        boolean vec = sw <= 2; // unit or stride-2 taps as whole-vector loads
        Parallel.range(s.planes(), grain(oh * ow * s.kh() * s.kw()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xp = xOff + p * h * w, op = p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = Math.max(0, oy * s.sh() - s.ph()), y1 = Math.min(h, oy * s.sh() - s.ph() + s.kh());
                    int o = op + oy * ow, ox = 0;
                    for (; ox < in0; ox++) maxWindow(s, xA, xp, y0, y1, ox, yA, yOff + o, idxA, iOff + o);
                    // whole vectors while the last tap's two loads stay inside x
                    int lastRow = xp + (y1 - 1) * w - s.pw() + s.kw() - 1 + 2 * L;
                    if (vec)
                        for (; ox + L <= in1 && lastRow + ox * sw <= xA.length; ox += L)
                            maxVector(s, xA, xp, y0, y1, ox, yA, yOff + o, idxA, iOff + o);
                    for (; ox < ow; ox++) maxWindow(s, xA, xp, y0, y1, ox, yA, yOff + o, idxA, iOff + o);
                }
            }
        });
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = S.length();

    /**
     * Outputs ox .. ox+L of one output row, every window inside the row (rows y0 .. y1): taps in
     * window order, a tap replacing the running max when larger, or NaN while the max is not (the
     * scalar {@link #maxWindow} rule, lane-wise). A tap is the lanes sw apart of two whole vectors
     * (sw 1 or 2; x has 2L floats from every tap on).
     */
    private static void maxVector(
            Pool2dGeom s, float[] x, int xp, int y0, int y1, int ox, float[] y, int yo, int[] idx, int io) {
        int w = s.w(), sw = s.sw(), ix0 = ox * sw - s.pw();
        VectorShuffle<Float> pick = S.iotaShuffle(0, sw, false); // lanes 0, sw, 2sw, ... of the pair
        IntVector lanes = IntVector.zero(I).addIndex(sw);
        int at = y0 * w + ix0;
        FloatVector best =
                FloatVector.fromArray(S, x, xp + at).rearrange(pick, FloatVector.fromArray(S, x, xp + at + L));
        IntVector arg = lanes.add(at);
        for (int iy = y0; iy < y1; iy++)
            for (int kx = iy == y0 ? 1 : 0; kx < s.kw(); kx++) {
                at = iy * w + ix0 + kx;
                FloatVector v =
                        FloatVector.fromArray(S, x, xp + at).rearrange(pick, FloatVector.fromArray(S, x, xp + at + L));
                VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                        .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                best = best.blend(v, take);
                arg = arg.blend(lanes.add(at), take.cast(I));
            }
        best.intoArray(y, yo + ox);
        arg.intoArray(idx, io + ox);
    }

    /** One output (oy's window rows y0 .. y1, column ox), window clipped to the input. */
    private static void maxWindow(
            Pool2dGeom s, float[] x, int xp, int y0, int y1, int ox, float[] y, int yo, int[] idx, int io) {
        int w = s.w();
        int x0 = Math.max(0, ox * s.sw() - s.pw()), x1 = Math.min(w, ox * s.sw() - s.pw() + s.kw());
        int arg = y0 * w + x0;
        float best = x[xp + arg];
        // a larger value or the first NaN takes over, nothing replaces a NaN
        for (int iy = y0; iy < y1; iy++)
            for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                float v = x[xp + iy * w + ix];
                boolean take = v > best | (v != v & best == best);
                best = take ? v : best;
                arg = take ? iy * w + ix : arg;
            }
        y[yo + ox] = best;
        idx[io + ox] = arg;
    }

    // dy, idx: (n, c, oh, ow) -> dx: (n, c, h, w)
    public static void maxBackward(Pool2dGeom s, Buf.F32 dy, Buf.I32 idx, Buf.F32 dx) {
        float[] dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int[] idxA = Buf.arr(idx);
        int dyOff = Buf.off(dy), iOff = Buf.off(idx), dxOff = Buf.off(dx);
        int hw = s.h() * s.w(), ohw = s.oh() * s.ow();
        Parallel.range(s.planes(), grain(hw + ohw), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xp = dxOff + p * hw, op = p * ohw;
                Arrays.fill(dxA, xp, xp + hw, 0f);
                for (int o = 0; o < ohw; o++) dxA[xp + idxA[iOff + op + o]] += dyA[dyOff + op + o];
            }
        });
    }

    // x: (n, c, h, w) -> y: (n, c, oh, ow)
    public static void avgForward(Pool2dGeom s, boolean countIncludePad, Buf.F32 x, Buf.F32 y) {
        float[] xA = Buf.arr(x), yA = Buf.arr(y);
        int xOff = Buf.off(x), yOff = Buf.off(y);
        int oh = s.oh(), ow = s.ow(), h = s.h(), w = s.w();
        Parallel.range(s.planes(), grain(oh * ow * s.kh() * s.kw()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xp = xOff + p * h * w, op = yOff + p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = Math.max(0, oy * s.sh() - s.ph()), y1 = Math.min(h, oy * s.sh() - s.ph() + s.kh());
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = Math.max(0, ox * s.sw() - s.pw()), x1 = Math.min(w, ox * s.sw() - s.pw() + s.kw());
                        float acc = 0;
                        for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) acc += xA[xp + iy * w + ix];
                        yA[op + oy * ow + ox] = acc / s.divisor(oy, ox, countIncludePad);
                    }
                }
            }
        });
    }

    // dy: (n, c, oh, ow) -> dx: (n, c, h, w)
    public static void avgBackward(Pool2dGeom s, boolean countIncludePad, Buf.F32 dy, Buf.F32 dx) {
        float[] dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int dyOff = Buf.off(dy), dxOff = Buf.off(dx);
        int oh = s.oh(), ow = s.ow(), h = s.h(), w = s.w();
        Parallel.range(s.planes(), grain(oh * ow * s.kh() * s.kw()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xp = dxOff + p * h * w, op = dyOff + p * oh * ow;
                Arrays.fill(dxA, xp, xp + h * w, 0f);
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = Math.max(0, oy * s.sh() - s.ph()), y1 = Math.min(h, oy * s.sh() - s.ph() + s.kh());
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = Math.max(0, ox * s.sw() - s.pw()), x1 = Math.min(w, ox * s.sw() - s.pw() + s.kw());
                        float g = dyA[op + oy * ow + ox] / s.divisor(oy, ox, countIncludePad);
                        for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) dxA[xp + iy * w + ix] += g;
                    }
                }
            }
        });
    }

    // x: (planes, h, w) -> y: (planes, oh, ow); bin [floor(o*h/oh), ceil((o+1)*h/oh))
    public static void adaptiveAvgForward(int planes, int h, int w, int oh, int ow, Buf.F32 x, Buf.F32 y) {
        float[] xA = Buf.arr(x), yA = Buf.arr(y);
        int xOff = Buf.off(x), yOff = Buf.off(y);
        checkAdaptive(planes, h, w, oh, ow);
        Parallel.range(planes, grain(h * w), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xp = xOff + p * h * w;
                if (oh == 1 && ow == 1) {
                    yA[yOff + p] = (float) (Norm.sum(xA, xp, h * w) / (h * w));
                    continue;
                }
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                        float acc = 0;
                        for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) acc += xA[xp + iy * w + ix];
                        yA[yOff + (p * oh + oy) * ow + ox] = acc / ((y1 - y0) * (x1 - x0));
                    }
                }
            }
        });
    }

    public static void adaptiveAvgBackward(int planes, int h, int w, int oh, int ow, Buf.F32 dy, Buf.F32 dx) {
        float[] dyA = Buf.arr(dy), dxA = Buf.arr(dx);
        int dyOff = Buf.off(dy), dxOff = Buf.off(dx);
        checkAdaptive(planes, h, w, oh, ow);
        Parallel.range(planes, grain(h * w), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xp = dxOff + p * h * w;
                if (oh == 1 && ow == 1) {
                    Arrays.fill(dxA, xp, xp + h * w, dyA[dyOff + p] / (h * w));
                    continue;
                }
                Arrays.fill(dxA, xp, xp + h * w, 0f);
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                        float g = dyA[dyOff + (p * oh + oy) * ow + ox] / ((y1 - y0) * (x1 - x0));
                        for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) dxA[xp + iy * w + ix] += g;
                    }
                }
            }
        });
    }

    private static void checkAdaptive(int planes, int h, int w, int oh, int ow) {
        if (planes < 0 || h < 1 || w < 1 || oh < 1 || ow < 1)
            throw new IllegalArgumentException("adaptive_avg_pool2d: bad sizes planes=" + planes + " h=" + h + " w=" + w
                    + " oh=" + oh + " ow=" + ow);
    }
}
