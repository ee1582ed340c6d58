package org.revtaf.kernels;

import org.revtaf.backend.AttentionGeom;
import org.revtaf.backend.Buf;
import org.revtaf.backend.DropoutMask;
import org.revtaf.backend.RowMap;
import org.revtaf.backend.SinkhornGeom;
import org.revtaf.backend.reference.AttentionRef;
import org.revtaf.backend.reference.HyperbolicRef;
import org.revtaf.backend.reference.SinkhornRef;
import org.revtaf.backend.reference.SoftIouRef;

/**
 * The oracles of the kernel parity tests: the double references of org.revtaf.backend.reference (the
 * op contracts the CUDA kernels implement), wrapped to return fresh arrays. Masks are converted from
 * the kernels' uint8 to the references' float (nonzero = valid).
 */
final class KernelReferences {
    private KernelReferences() {}

    static float[] floatMask(byte[] m) {
        if (m == null) {
            return null;
        }
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = m[i];
        }
        return f;
    }

    /** Forward values and input gradients of one op. */
    record Result(double[] out, double[]... grads) {}

    static Result mobiusAdd(double[] x, double[] y, int yStride, int n, int d, double c, double[] g) {
        double[] out = new double[n * d];
        HyperbolicRef.mobiusAdd(Buf.of(out, 0), Buf.of(x, 0), Buf.of(y, 0), yStride, n, d, c);
        double[] dx = new double[n * d];
        double[] dy = new double[y.length];
        HyperbolicRef.mobiusAddBackward(
                Buf.of(dx, 0), Buf.of(dy, 0), Buf.of(g, 0), Buf.of(x, 0), Buf.of(y, 0), yStride, n, d, c);
        return new Result(out, dx, dy);
    }

    static Result rowMap(int op, double[] x, int n, int d, double c, double[] g) {
        RowMap map = RowMap.values()[op];
        double[] out = new double[n * d];
        HyperbolicRef.poincareMap(Buf.of(out, 0), Buf.of(x, 0), n, d, c, map);
        double[] dx = new double[n * d];
        HyperbolicRef.poincareMapBackward(Buf.of(dx, 0), Buf.of(g, 0), Buf.of(x, 0), n, d, c, map);
        return new Result(out, dx);
    }

    static Result matvec(double[] w, double[] x, int n, int r, int d, double c, double[] g) {
        double[] out = new double[n * r];
        HyperbolicRef.mobiusMatvec(Buf.of(out, 0), Buf.of(w, 0), Buf.of(x, 0), n, r, d, c);
        double[] dw = new double[r * d];
        double[] dx = new double[n * d];
        HyperbolicRef.mobiusMatvecBackward(
                Buf.of(dw, 0), Buf.of(dx, 0), Buf.of(g, 0), Buf.of(w, 0), Buf.of(x, 0), n, r, d, c);
        return new Result(out, dw, dx);
    }

    static Result dist(double[] x, double[] y, int n, int m, int d, double c, double[] g) {
        double[] out = new double[n * m];
        HyperbolicRef.poincareDist(Buf.of(out, 0), Buf.of(x, 0), Buf.of(y, 0), n, m, d, c);
        double[] dx = new double[n * d];
        double[] dy = new double[m * d];
        HyperbolicRef.poincareDistBackward(
                Buf.of(dx, 0), Buf.of(dy, 0), Buf.of(g, 0), Buf.of(x, 0), Buf.of(y, 0), n, m, d, c);
        return new Result(out, dx, dy);
    }

    static Result softIou(double[] a, double[] gm, int b, int n, int m, int p, double[] g) {
        double[] out = new double[b * n * m];
        SoftIouRef.forward(Buf.of(out, 0), Buf.of(a, 0), Buf.of(gm, 0), b, n, m, p);
        double[] da = new double[a.length];
        double[] dg = new double[gm.length];
        SoftIouRef.backward(Buf.of(da, 0), Buf.of(dg, 0), Buf.of(g, 0), Buf.of(a, 0), Buf.of(gm, 0), b, n, m, p);
        return new Result(out, da, dg);
    }

    /** Sinkhorn plan, iterations K, and dcost for upstream g (null: no backward). */
    record Sinkhorn(double[] plan, int iters, double[] dcost) {}

    static Sinkhorn sinkhorn(double[] cost, byte[] rowMask, byte[] colMask, SinkhornGeom geom, double[] g) {
        int b = geom.b(), p = geom.p(), t = geom.t(), maxIter = geom.maxIter();
        double[] plan = new double[b * p * t];
        double[] uh = new double[(maxIter + 1) * b * p];
        double[] vh = new double[(maxIter + 1) * b * t];
        float[] rm = floatMask(rowMask);
        float[] cm = floatMask(colMask);
        int k = SinkhornRef.forward(Buf.of(plan, 0), uh, vh, Buf.of(cost, 0), Buf.of(rm, 0), Buf.of(cm, 0), geom);
        double[] dc = null;
        if (g != null) {
            dc = new double[b * p * t];
            SinkhornRef.backward(
                    Buf.of(dc, 0),
                    Buf.of(g, 0),
                    Buf.of(plan, 0),
                    uh,
                    vh,
                    k,
                    Buf.of(cost, 0),
                    Buf.of(rm, 0),
                    Buf.of(cm, 0),
                    geom);
        }
        return new Sinkhorn(plan, k, dc);
    }

    /** Attention out, lse and (dq, dk, dv) for upstream g. */
    static Result attention(
            double[] q,
            double[] k,
            double[] v,
            byte[] keyMask,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal,
            double[] g) {
        double[] out = new double[b * h * n * d];
        double[] lse = new double[b * h * n];
        float[] km = floatMask(keyMask);
        AttentionRef.forward(
                Buf.of(out, 0),
                Buf.of(lse, 0),
                Buf.of(q, 0),
                Buf.of(k, 0),
                Buf.of(v, 0),
                Buf.of(km, 0),
                new AttentionGeom(b, h, n, s, d, scale, causal, DropoutMask.NONE));
        double[] dq = new double[q.length];
        double[] dk = new double[k.length];
        double[] dv = new double[v.length];
        AttentionRef.backward(
                Buf.of(dq, 0),
                Buf.of(dk, 0),
                Buf.of(dv, 0),
                Buf.of(g, 0),
                Buf.of(out, 0),
                Buf.of(lse, 0),
                Buf.of(q, 0),
                Buf.of(k, 0),
                Buf.of(v, 0),
                Buf.of(km, 0),
                new AttentionGeom(b, h, n, s, d, scale, causal, DropoutMask.NONE));
        return new Result(out, lse, dq, dk, dv);
    }
}
