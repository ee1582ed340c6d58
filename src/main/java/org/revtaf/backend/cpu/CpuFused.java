package org.revtaf.backend.cpu;

import org.revtaf.backend.FusedKernels;
import org.revtaf.backend.fused.AttentionCpu;
import org.revtaf.backend.fused.DropoutMask;
import org.revtaf.backend.fused.HyperbolicCpu;
import org.revtaf.backend.fused.HyperbolicRef.RowMap;
import org.revtaf.backend.fused.SinkhornCpu;
import org.revtaf.backend.fused.SoftIouCpu;
import org.revtaf.backend.reference.ReferenceBackend;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Tensor;

/**
 * The fused ops on the float32 Vector API kernels of {@code org.revtaf.backend.fused}; float64
 * tensors run the double references (the cpu backend is a float32 backend).
 */
final class CpuFused implements FusedKernels {
    private final FusedKernels ref = ReferenceBackend.INSTANCE.fused();

    private static boolean f32(Tensor t) {
        return t.dtype() == DType.FLOAT32;
    }

    private static float[] a(Tensor t) {
        return t == null ? null : t.f32();
    }

    private static int o(Tensor t) {
        return t == null ? 0 : t.offset();
    }

    private static float[] mask(Tensor m) {
        return m == null ? null : m.toFloats();
    }

    @Override
    public void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        if (!f32(x)) ref.mobiusAdd(out, x, y, yStride, n, d, c);
        else HyperbolicCpu.mobiusAdd(a(out), o(out), a(x), o(x), a(y), o(y), yStride, n, d, c);
    }

    @Override
    public void mobiusAddBackward(
            Tensor dx, Tensor dy, Tensor gOut, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        if (!f32(x)) ref.mobiusAddBackward(dx, dy, gOut, x, y, yStride, n, d, c);
        else
            HyperbolicCpu.mobiusAddBackward(
                    a(dx), o(dx), a(dy), o(dy), a(gOut), o(gOut), a(x), o(x), a(y), o(y), yStride, n, d, c);
    }

    @Override
    public void rowMap(Tensor out, Tensor x, int n, int d, RowMap map, double c) {
        if (!f32(x)) ref.rowMap(out, x, n, d, map, c);
        else HyperbolicCpu.rowMap(map, a(out), o(out), a(x), o(x), n, d, c);
    }

    @Override
    public void rowMapBackward(Tensor dx, Tensor gOut, Tensor x, int n, int d, RowMap map, double c) {
        if (!f32(x)) ref.rowMapBackward(dx, gOut, x, n, d, map, c);
        else HyperbolicCpu.rowMapBackward(map, a(dx), o(dx), a(gOut), o(gOut), a(x), o(x), n, d, c);
    }

    @Override
    public void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c) {
        if (!f32(x)) ref.mobiusMatvec(out, w, x, n, m, d, c);
        else HyperbolicCpu.mobiusMatvec(a(out), o(out), a(w), o(w), a(x), o(x), n, m, d, c);
    }

    @Override
    public void mobiusMatvecBackward(
            Tensor dw, Tensor dx, Tensor gOut, Tensor w, Tensor x, int n, int m, int d, double c) {
        if (!f32(x)) ref.mobiusMatvecBackward(dw, dx, gOut, w, x, n, m, d, c);
        else
            HyperbolicCpu.mobiusMatvecBackward(
                    a(dw), o(dw), a(dx), o(dx), a(gOut), o(gOut), a(w), o(w), a(x), o(x), n, m, d, c);
    }

    @Override
    public void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c) {
        if (!f32(x)) ref.poincareDist(out, x, y, n, m, d, c);
        else HyperbolicCpu.poincareDist(a(out), o(out), a(x), o(x), a(y), o(y), n, m, d, c);
    }

    @Override
    public void poincareDistBackward(
            Tensor dx, Tensor dy, Tensor gOut, Tensor x, Tensor y, int n, int m, int d, double c) {
        if (!f32(x)) ref.poincareDistBackward(dx, dy, gOut, x, y, n, m, d, c);
        else
            HyperbolicCpu.poincareDistBackward(
                    a(dx), o(dx), a(dy), o(dy), a(gOut), o(gOut), a(x), o(x), a(y), o(y), n, m, d, c);
    }

    @Override
    public int sinkhorn(
            Tensor plan,
            Tensor uHist,
            Tensor vHist,
            Tensor cost,
            Tensor pixelMask,
            Tensor tokenMask,
            int b,
            int p,
            int t,
            double eps,
            int maxIter,
            double tol) {
        if (!f32(cost)) return ref.sinkhorn(plan, uHist, vHist, cost, pixelMask, tokenMask, b, p, t, eps, maxIter, tol);
        return SinkhornCpu.forward(
                a(plan),
                o(plan),
                a(uHist),
                a(vHist),
                a(cost),
                o(cost),
                mask(pixelMask),
                0,
                mask(tokenMask),
                0,
                b,
                p,
                t,
                eps,
                maxIter,
                tol);
    }

    @Override
    public void sinkhornBackward(
            Tensor dCost,
            Tensor gPlan,
            Tensor plan,
            Tensor uHist,
            Tensor vHist,
            Tensor cost,
            Tensor pixelMask,
            Tensor tokenMask,
            int b,
            int p,
            int t,
            int iters,
            double eps) {
        if (!f32(cost))
            ref.sinkhornBackward(dCost, gPlan, plan, uHist, vHist, cost, pixelMask, tokenMask, b, p, t, iters, eps);
        else
            SinkhornCpu.backward(
                    a(dCost),
                    o(dCost),
                    a(gPlan),
                    o(gPlan),
                    a(plan),
                    o(plan),
                    a(uHist),
                    a(vHist),
                    iters,
                    a(cost),
                    o(cost),
                    mask(pixelMask),
                    0,
                    mask(tokenMask),
                    0,
                    b,
                    p,
                    t,
                    eps);
    }

    @Override
    public void softIou(Tensor out, Tensor a, Tensor bm, int b, int n, int m, int p) {
        if (!f32(a)) ref.softIou(out, a, bm, b, n, m, p);
        else SoftIouCpu.forward(a(out), o(out), a(a), o(a), a(bm), o(bm), b, n, m, p);
    }

    @Override
    public void softIouBackward(Tensor da, Tensor db, Tensor gOut, Tensor a, Tensor bm, int b, int n, int m, int p) {
        if (!f32(a)) ref.softIouBackward(da, db, gOut, a, bm, b, n, m, p);
        else SoftIouCpu.backward(a(da), o(da), a(db), o(db), a(gOut), o(gOut), a(a), o(a), a(bm), o(bm), b, n, m, p);
    }

    @Override
    public void attention(
            Tensor out,
            Tensor lse,
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor keyMask,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal,
            DropoutMask drop) {
        if (!f32(q)) ref.attention(out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, drop);
        else
            AttentionCpu.forward(
                    a(out),
                    o(out),
                    a(lse),
                    o(lse),
                    a(q),
                    o(q),
                    a(k),
                    o(k),
                    a(v),
                    o(v),
                    mask(keyMask),
                    0,
                    b,
                    h,
                    n,
                    s,
                    d,
                    scale,
                    causal,
                    drop);
    }

    @Override
    public void attentionBackward(
            Tensor dq,
            Tensor dk,
            Tensor dv,
            Tensor gOut,
            Tensor out,
            Tensor lse,
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor keyMask,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal,
            DropoutMask drop) {
        if (!f32(q))
            ref.attentionBackward(dq, dk, dv, gOut, out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, drop);
        else
            AttentionCpu.backward(
                    a(dq),
                    o(dq),
                    a(dk),
                    o(dk),
                    a(dv),
                    o(dv),
                    a(gOut),
                    o(gOut),
                    a(out),
                    o(out),
                    a(lse),
                    o(lse),
                    a(q),
                    o(q),
                    a(k),
                    o(k),
                    a(v),
                    o(v),
                    mask(keyMask),
                    0,
                    b,
                    h,
                    n,
                    s,
                    d,
                    scale,
                    causal,
                    drop);
    }
}
