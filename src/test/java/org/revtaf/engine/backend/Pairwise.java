package org.revtaf.engine.backend;

import org.revtaf.engine.backend.cpu.kernels.HyperbolicCpu;
import org.revtaf.engine.backend.reference.HyperbolicRef;

/**
 * A pairwise Poincare-ball kernel and its backward as one value, so a test runs Mobius matvec and
 * the distance through one scenario: out [n, m] from a and b of d columns each (matvec: a = w [m, d],
 * b = x [n, d]; distance: a = x [n, d], b = y [m, d]), then da and db from dout [n, m]; aName and bName are the kernel's names of a and b. B is
 * {@code Buf.F64} for the double references and {@code Buf.F32} for the cpu kernels.
 */
public record Pairwise<B>(String aName, String bName, Forward<B> forward, Backward<B> backward) {
    public static final Pairwise<Buf.F64> MATVEC_REF =
            new Pairwise<>("w", "x", HyperbolicRef::mobiusMatvec, HyperbolicRef::mobiusMatvecBackward);
    public static final Pairwise<Buf.F64> DIST_REF =
            new Pairwise<>("x", "y", HyperbolicRef::poincareDist, HyperbolicRef::poincareDistBackward);
    public static final Pairwise<Buf.F32> MATVEC_CPU =
            new Pairwise<>("w", "x", HyperbolicCpu::mobiusMatvec, HyperbolicCpu::mobiusMatvecBackward);
    public static final Pairwise<Buf.F32> DIST_CPU =
            new Pairwise<>("x", "y", HyperbolicCpu::poincareDist, HyperbolicCpu::poincareDistBackward);

    @FunctionalInterface
    public interface Forward<B> {
        void run(B out, B a, B b, int n, int m, int d, double c);
    }

    @FunctionalInterface
    public interface Backward<B> {
        void run(B da, B db, B dout, B a, B b, int n, int m, int d, double c);
    }

    /** The reference out [n, m], da and db (fresh arrays) for upstream g. */
    public static double[][] run(
            Pairwise<Buf.F64> k, double[] a, double[] b, int n, int m, int d, double c, double[] g) {
        double[] out = new double[n * m], da = new double[a.length], db = new double[b.length];
        k.forward().run(Buf.of(out), Buf.of(a), Buf.of(b), n, m, d, c);
        k.backward().run(Buf.of(da), Buf.of(db), Buf.of(g), Buf.of(a), Buf.of(b), n, m, d, c);
        return new double[][] {out, da, db};
    }

    /** The cpu kernels' out [n, m], da and db (fresh arrays) for upstream g. */
    public static float[][] run(Pairwise<Buf.F32> k, float[] a, float[] b, int n, int m, int d, double c, float[] g) {
        float[] out = new float[n * m], da = new float[a.length], db = new float[b.length];
        k.forward().run(Buf.of(out), Buf.of(a), Buf.of(b), n, m, d, c);
        k.backward().run(Buf.of(da), Buf.of(db), Buf.of(g), Buf.of(a), Buf.of(b), n, m, d, c);
        return new float[][] {out, da, db};
    }
}
