package org.revtaf.engine.backend.reference;

import static org.revtaf.engine.backend.reference.Staging.mask;
import static org.revtaf.engine.backend.reference.Staging.run;

import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.FusedKernels;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.tensor.Tensor;

/** The fused ops on the double oracles of this package (through {@link Staging}). */
final class RefFused implements FusedKernels {
    @Override
    public void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        run(s -> HyperbolicRef.mobiusAdd(s.out(out), s.in(x), s.in(y), yStride, n, d, c));
    }

    @Override
    public void mobiusAddBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        run(s -> HyperbolicRef.mobiusAddBackward(s.out(dx), s.out(dy), s.in(dout), s.in(x), s.in(y), yStride, n, d, c));
    }

    @Override
    public void poincareMap(Tensor out, Tensor x, int n, int d, double c, RowMap map) {
        run(s -> HyperbolicRef.poincareMap(s.out(out), s.in(x), n, d, c, map));
    }

    @Override
    public void poincareMapBackward(Tensor dx, Tensor dout, Tensor x, int n, int d, double c, RowMap map) {
        run(s -> HyperbolicRef.poincareMapBackward(s.out(dx), s.in(dout), s.in(x), n, d, c, map));
    }

    @Override
    public void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c) {
        run(s -> HyperbolicRef.mobiusMatvec(s.out(out), s.in(w), s.in(x), n, m, d, c));
    }

    @Override
    public void mobiusMatvecBackward(
            Tensor dw, Tensor dx, Tensor dout, Tensor w, Tensor x, int n, int m, int d, double c) {
        run(s -> HyperbolicRef.mobiusMatvecBackward(s.out(dw), s.out(dx), s.in(dout), s.in(w), s.in(x), n, m, d, c));
    }

    @Override
    public void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c) {
        run(s -> HyperbolicRef.poincareDist(s.out(out), s.in(x), s.in(y), n, m, d, c));
    }

    @Override
    public void poincareDistBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int n, int m, int d, double c) {
        run(s -> HyperbolicRef.poincareDistBackward(s.out(dx), s.out(dy), s.in(dout), s.in(x), s.in(y), n, m, d, c));
    }

    @Override
    public int sinkhorn(
            Tensor plan,
            Tensor uHist,
            Tensor vHist,
            Tensor cost,
            Tensor pixelMask,
            Tensor tokenMask,
            SinkhornGeom geom) {
        int[] iters = new int[1];
        run(s -> iters[0] = SinkhornRef.forward(
                s.out(plan), s.out(uHist).a(), s.out(vHist).a(), s.in(cost), mask(pixelMask), mask(tokenMask), geom));
        return iters[0];
    }

    @Override
    public void sinkhornBackward(
            Tensor dcost,
            Tensor dplan,
            Tensor plan,
            Tensor uHist,
            Tensor vHist,
            int iters,
            Tensor cost,
            Tensor pixelMask,
            Tensor tokenMask,
            SinkhornGeom geom) {
        run(s -> SinkhornRef.backward(
                s.out(dcost),
                s.in(dplan),
                s.in(plan),
                s.in(uHist).a(),
                s.in(vHist).a(),
                iters,
                s.in(cost),
                mask(pixelMask),
                mask(tokenMask),
                geom));
    }

    @Override
    public void softIou(Tensor out, Tensor a, Tensor g, int b, int n, int m, int p) {
        run(s -> SoftIouRef.forward(s.out(out), s.in(a), s.in(g), b, n, m, p));
    }

    @Override
    public void softIouBackward(Tensor da, Tensor dg, Tensor dout, Tensor a, Tensor g, int b, int n, int m, int p) {
        run(s -> SoftIouRef.backward(s.out(da), s.out(dg), s.in(dout), s.in(a), s.in(g), b, n, m, p));
    }

    @Override
    public void attention(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor keyMask, AttentionGeom geom) {
        run(st -> AttentionRef.forward(st.out(out), st.out(lse), st.in(q), st.in(k), st.in(v), mask(keyMask), geom));
    }

    @Override
    public void attentionBackward(
            Tensor dq,
            Tensor dk,
            Tensor dv,
            Tensor dout,
            Tensor out,
            Tensor lse,
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor keyMask,
            AttentionGeom geom) {
        run(st -> AttentionRef.backward(
                st.out(dq),
                st.out(dk),
                st.out(dv),
                st.in(dout),
                st.in(out),
                st.in(lse),
                st.in(q),
                st.in(k),
                st.in(v),
                mask(keyMask),
                geom));
    }
}
