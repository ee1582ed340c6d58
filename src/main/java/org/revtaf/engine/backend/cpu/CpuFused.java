package org.revtaf.engine.backend.cpu;

import org.revtaf.engine.backend.AttentionArgs;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.FusedKernels;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.SinkhornArgs;
import org.revtaf.engine.backend.cpu.kernels.AttentionCpu;
import org.revtaf.engine.backend.cpu.kernels.HyperbolicCpu;
import org.revtaf.engine.backend.cpu.kernels.SinkhornCpu;
import org.revtaf.engine.backend.cpu.kernels.SoftIouCpu;
import org.revtaf.engine.tensor.Tensor;

/** The fused ops on the float32 Vector API kernels of {@code backend/cpu/kernels}. */
final class CpuFused implements FusedKernels {
    private static Buf.F32 f(Tensor t) {
        return Buf.F32.of(t);
    }

    private static Buf.F32 mask(Tensor m) {
        return m == null ? null : Buf.F32.of(m.toFloats());
    }

    @Override
    public void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        HyperbolicCpu.mobiusAdd(f(out), f(x), f(y), yStride, n, d, c);
    }

    @Override
    public void mobiusAddBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        HyperbolicCpu.mobiusAddBackward(f(dx), f(dy), f(dout), f(x), f(y), yStride, n, d, c);
    }

    @Override
    public void poincareMap(Tensor out, Tensor x, int n, int d, double c, RowMap map) {
        HyperbolicCpu.poincareMap(f(out), f(x), n, d, c, map);
    }

    @Override
    public void poincareMapBackward(Tensor dx, Tensor dout, Tensor x, int n, int d, double c, RowMap map) {
        HyperbolicCpu.poincareMapBackward(f(dx), f(dout), f(x), n, d, c, map);
    }

    @Override
    public void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c) {
        HyperbolicCpu.mobiusMatvec(f(out), f(w), f(x), n, m, d, c);
    }

    @Override
    public void mobiusMatvecBackward(
            Tensor dw, Tensor dx, Tensor dout, Tensor w, Tensor x, int n, int m, int d, double c) {
        HyperbolicCpu.mobiusMatvecBackward(f(dw), f(dx), f(dout), f(w), f(x), n, m, d, c);
    }

    @Override
    public void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c) {
        HyperbolicCpu.poincareDist(f(out), f(x), f(y), n, m, d, c);
    }

    @Override
    public void poincareDistBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int n, int m, int d, double c) {
        HyperbolicCpu.poincareDistBackward(f(dx), f(dy), f(dout), f(x), f(y), n, m, d, c);
    }

    @Override
    public void sinkhorn(SinkhornArgs a) {
        a.setHostIters(SinkhornCpu.forward(
                f(a.plan()),
                a.uHist().f32(),
                a.vHist().f32(),
                f(a.cost()),
                mask(a.pixelMask()),
                mask(a.tokenMask()),
                a.geom()));
    }

    @Override
    public void sinkhornBackward(Tensor dcost, Tensor dplan, SinkhornArgs a) {
        SinkhornCpu.backward(
                f(dcost),
                f(dplan),
                f(a.plan()),
                a.uHist().f32(),
                a.vHist().f32(),
                a.hostIters(),
                f(a.cost()),
                mask(a.pixelMask()),
                mask(a.tokenMask()),
                a.geom());
    }

    @Override
    public void softIou(Tensor out, Tensor a, Tensor g, int b, int n, int m, int p) {
        SoftIouCpu.forward(f(out), f(a), f(g), b, n, m, p);
    }

    @Override
    public void softIouBackward(Tensor da, Tensor dg, Tensor dout, Tensor a, Tensor g, int b, int n, int m, int p) {
        SoftIouCpu.backward(f(da), f(dg), f(dout), f(a), f(g), b, n, m, p);
    }

    @Override
    public void attention(AttentionArgs a) {
        AttentionCpu.forward(f(a.out()), f(a.lse()), f(a.q()), f(a.k()), f(a.v()), mask(a.keyMask()), a.geom());
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, AttentionArgs a) {
        AttentionCpu.backward(
                f(dq),
                f(dk),
                f(dv),
                f(dout),
                f(a.out()),
                f(a.lse()),
                f(a.q()),
                f(a.k()),
                f(a.v()),
                mask(a.keyMask()),
                a.geom());
    }
}
