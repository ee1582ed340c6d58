package org.revtaf.backend.reference;

import org.revtaf.backend.FusedKernels;
import org.revtaf.backend.fused.AttentionRef;
import org.revtaf.backend.fused.DropoutMask;
import org.revtaf.backend.fused.HyperbolicRef;
import org.revtaf.backend.fused.HyperbolicRef.RowMap;
import org.revtaf.backend.fused.SinkhornRef;
import org.revtaf.backend.fused.SoftIouRef;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Tensor;

/**
 * The fused ops on the double references of {@code org.revtaf.backend.fused}. float64 tensors are
 * passed straight through; float32 tensors are widened to double and the result rounded once.
 */
public final class RefFused implements FusedKernels {
    /** A double view of a tensor: its own array when float64, else a copy to write back. */
    private record D(double[] a, int off, Tensor t, boolean copy) {
        static D in(Tensor t) {
            if (t == null) return new D(null, 0, null, false);
            if (t.dtype() == DType.FLOAT64 && t.isContiguous()) return new D(t.f64(), t.offset(), t, false);
            return new D(t.toDoubles(), 0, t, false);
        }

        static D out(Tensor t) {
            if (t == null) return new D(null, 0, null, false);
            if (t.dtype() == DType.FLOAT64) return new D(t.f64(), t.offset(), t, false);
            return new D(new double[t.numel()], 0, t, true);
        }

        void flush() {
            if (copy) t.setDoubles(a);
        }
    }

    static float[] mask(Tensor m) {
        return m == null ? null : m.toFloats();
    }

    @Override
    public void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        D o = D.out(out), xa = D.in(x), ya = D.in(y);
        HyperbolicRef.mobiusAdd(o.a, o.off, xa.a, xa.off, ya.a, ya.off, yStride, n, d, c);
        o.flush();
    }

    @Override
    public void mobiusAddBackward(
            Tensor dx, Tensor dy, Tensor gOut, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        D gx = D.out(dx), gy = D.out(dy), g = D.in(gOut), xa = D.in(x), ya = D.in(y);
        HyperbolicRef.mobiusAddBackward(
                gx.a, gx.off, gy.a, gy.off, g.a, g.off, xa.a, xa.off, ya.a, ya.off, yStride, n, d, c);
        gx.flush();
        gy.flush();
    }

    @Override
    public void rowMap(Tensor out, Tensor x, int n, int d, RowMap map, double c) {
        D o = D.out(out), xa = D.in(x);
        HyperbolicRef.rowMap(map, o.a, o.off, xa.a, xa.off, n, d, c);
        o.flush();
    }

    @Override
    public void rowMapBackward(Tensor dx, Tensor gOut, Tensor x, int n, int d, RowMap map, double c) {
        D gx = D.out(dx), g = D.in(gOut), xa = D.in(x);
        HyperbolicRef.rowMapBackward(map, gx.a, gx.off, g.a, g.off, xa.a, xa.off, n, d, c);
        gx.flush();
    }

    @Override
    public void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c) {
        D o = D.out(out), wa = D.in(w), xa = D.in(x);
        HyperbolicRef.mobiusMatvec(o.a, o.off, wa.a, wa.off, xa.a, xa.off, n, m, d, c);
        o.flush();
    }

    @Override
    public void mobiusMatvecBackward(
            Tensor dw, Tensor dx, Tensor gOut, Tensor w, Tensor x, int n, int m, int d, double c) {
        D gw = D.out(dw), gx = D.out(dx), g = D.in(gOut), wa = D.in(w), xa = D.in(x);
        HyperbolicRef.mobiusMatvecBackward(
                gw.a, gw.off, gx.a, gx.off, g.a, g.off, wa.a, wa.off, xa.a, xa.off, n, m, d, c);
        gw.flush();
        gx.flush();
    }

    @Override
    public void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c) {
        D o = D.out(out), xa = D.in(x), ya = D.in(y);
        HyperbolicRef.poincareDist(o.a, o.off, xa.a, xa.off, ya.a, ya.off, n, m, d, c);
        o.flush();
    }

    @Override
    public void poincareDistBackward(
            Tensor dx, Tensor dy, Tensor gOut, Tensor x, Tensor y, int n, int m, int d, double c) {
        D gx = D.out(dx), gy = D.out(dy), g = D.in(gOut), xa = D.in(x), ya = D.in(y);
        HyperbolicRef.poincareDistBackward(
                gx.a, gx.off, gy.a, gy.off, g.a, g.off, xa.a, xa.off, ya.a, ya.off, n, m, d, c);
        gx.flush();
        gy.flush();
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
        D o = D.out(plan), u = D.out(uHist), v = D.out(vHist), ca = D.in(cost);
        int iters = SinkhornRef.forward(
                o.a, o.off, u.a, v.a, ca.a, ca.off, mask(pixelMask), 0, mask(tokenMask), 0, b, p, t, eps, maxIter, tol);
        o.flush();
        u.flush();
        v.flush();
        return iters;
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
        D dc = D.out(dCost), g = D.in(gPlan), pl = D.in(plan), u = D.in(uHist), v = D.in(vHist), ca = D.in(cost);
        SinkhornRef.backward(
                dc.a,
                dc.off,
                g.a,
                g.off,
                pl.a,
                pl.off,
                u.a,
                v.a,
                iters,
                ca.a,
                ca.off,
                mask(pixelMask),
                0,
                mask(tokenMask),
                0,
                b,
                p,
                t,
                eps);
        dc.flush();
    }

    @Override
    public void softIou(Tensor out, Tensor a, Tensor bm, int b, int n, int m, int p) {
        D o = D.out(out), aa = D.in(a), ba = D.in(bm);
        SoftIouRef.forward(o.a, o.off, aa.a, aa.off, ba.a, ba.off, b, n, m, p);
        o.flush();
    }

    @Override
    public void softIouBackward(Tensor da, Tensor db, Tensor gOut, Tensor a, Tensor bm, int b, int n, int m, int p) {
        D ga = D.out(da), gb = D.out(db), g = D.in(gOut), aa = D.in(a), ba = D.in(bm);
        SoftIouRef.backward(ga.a, ga.off, gb.a, gb.off, g.a, g.off, aa.a, aa.off, ba.a, ba.off, b, n, m, p);
        ga.flush();
        gb.flush();
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
        D o = D.out(out), l = D.out(lse), qa = D.in(q), ka = D.in(k), va = D.in(v);
        AttentionRef.forward(
                o.a,
                o.off,
                l.a,
                l.off,
                qa.a,
                qa.off,
                ka.a,
                ka.off,
                va.a,
                va.off,
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
        o.flush();
        l.flush();
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
        D gq = D.out(dq), gk = D.out(dk), gv = D.out(dv), g = D.in(gOut), o = D.in(out), l = D.in(lse);
        D qa = D.in(q), ka = D.in(k), va = D.in(v);
        AttentionRef.backward(
                gq.a,
                gq.off,
                gk.a,
                gk.off,
                gv.a,
                gv.off,
                g.a,
                g.off,
                o.a,
                o.off,
                l.a,
                l.off,
                qa.a,
                qa.off,
                ka.a,
                ka.off,
                va.a,
                va.off,
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
        gq.flush();
        gk.flush();
        gv.flush();
    }
}
