package org.revtaf.engine.kernels;

import static org.revtaf.engine.backend.Buf.of;

import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.Pairwise;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.backend.reference.AttentionRef;
import org.revtaf.engine.backend.reference.HyperbolicRef;
import org.revtaf.engine.backend.reference.SinkhornRef;
import org.revtaf.engine.backend.reference.SoftIouRef;

/**
 * The oracles of the kernel parity tests: the double references of org.revtaf.engine.backend.reference (the
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
        HyperbolicRef.mobiusAdd(of(out), of(x), of(y), yStride, n, d, c);
        double[] dx = new double[n * d];
        double[] dy = new double[y.length];
        HyperbolicRef.mobiusAddBackward(of(dx), of(dy), of(g), of(x), of(y), yStride, n, d, c);
        return new Result(out, dx, dy);
    }

    static Result rowMap(int op, double[] x, int n, int d, double c, double[] g) {
        RowMap map = RowMap.values()[op];
        double[] out = new double[n * d];
        HyperbolicRef.poincareMap(of(out), of(x), n, d, c, map);
        double[] dx = new double[n * d];
        HyperbolicRef.poincareMapBackward(of(dx), of(g), of(x), n, d, c, map);
        return new Result(out, dx);
    }

    static Result matvec(double[] w, double[] x, int n, int r, int d, double c, double[] g) {
        return pairwise(Pairwise.MATVEC_REF, w, x, n, r, d, c, g);
    }

    static Result dist(double[] x, double[] y, int n, int m, int d, double c, double[] g) {
        return pairwise(Pairwise.DIST_REF, x, y, n, m, d, c, g);
    }

    /** out [n, m] and the gradients of a and b. */
    static Result pairwise(Pairwise<Buf.F64> k, double[] a, double[] b, int n, int m, int d, double c, double[] g) {
        double[][] r = Pairwise.run(k, a, b, n, m, d, c, g);
        return new Result(r[0], r[1], r[2]);
    }

    static Result softIou(double[] a, double[] gm, int b, int n, int m, int p, double[] g) {
        double[] out = new double[b * n * m];
        SoftIouRef.forward(of(out), of(a), of(gm), b, n, m, p);
        double[] da = new double[a.length];
        double[] dg = new double[gm.length];
        SoftIouRef.backward(of(da), of(dg), of(g), of(a), of(gm), b, n, m, p);
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
        int k = SinkhornRef.forward(of(plan), uh, vh, of(cost), of(rm), of(cm), geom);
        double[] dc = null;
        if (g != null) {
            dc = new double[b * p * t];
            SinkhornRef.backward(of(dc), of(g), of(plan), uh, vh, k, of(cost), of(rm), of(cm), geom);
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
        AttentionGeom geom = new AttentionGeom(b, h, n, s, d, scale, causal, DropoutMask.NONE);
        AttentionRef.forward(of(out), of(lse), of(q), of(k), of(v), of(km), geom);
        double[] dq = new double[q.length];
        double[] dk = new double[k.length];
        double[] dv = new double[v.length];
        AttentionRef.backward(of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), of(km), geom);
        return new Result(out, lse, dq, dk, dv);
    }
}
