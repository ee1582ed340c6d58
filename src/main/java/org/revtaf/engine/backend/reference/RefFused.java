package org.revtaf.engine.backend.reference;

import static org.revtaf.engine.backend.reference.Staging.mask;
import static org.revtaf.engine.backend.reference.Staging.run;

import org.revtaf.engine.backend.AttentionArgs;
import org.revtaf.engine.backend.FusedKernels;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.SinkhornArgs;
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
    public void sinkhorn(SinkhornArgs a) {
        run(s -> a.setHostIters(SinkhornRef.forward(
                s.out(a.plan()),
                s.out(a.uHist()).a(),
                s.out(a.vHist()).a(),
                s.in(a.cost()),
                mask(a.pixelMask()),
                mask(a.tokenMask()),
                a.geom())));
    }

    @Override
    public void sinkhornBackward(Tensor dcost, Tensor dplan, SinkhornArgs a) {
        int iters = a.hostIters();
        run(s -> SinkhornRef.backward(
                s.out(dcost),
                s.in(dplan),
                s.in(a.plan()),
                s.in(a.uHist()).a(),
                s.in(a.vHist()).a(),
                iters,
                s.in(a.cost()),
                mask(a.pixelMask()),
                mask(a.tokenMask()),
                a.geom()));
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
    public void attention(AttentionArgs a) {
        run(s -> AttentionRef.forward(
                s.out(a.out()), s.out(a.lse()), s.in(a.q()), s.in(a.k()), s.in(a.v()), mask(a.keyMask()), a.geom()));
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, AttentionArgs a) {
        run(s -> AttentionRef.backward(
                s.out(dq),
                s.out(dk),
                s.out(dv),
                s.in(dout),
                s.in(a.out()),
                s.in(a.lse()),
                s.in(a.q()),
                s.in(a.k()),
                s.in(a.v()),
                mask(a.keyMask()),
                a.geom()));
    }
}
