package org.revtaf.engine.kernels;

import static org.revtaf.engine.kernels.KernelTestSupport.STREAM;
import static org.revtaf.engine.kernels.KernelTestSupport.VERSIONS;
import static org.revtaf.engine.kernels.KernelTestSupport.assertGrad;
import static org.revtaf.engine.kernels.KernelTestSupport.gaussian;
import static org.revtaf.engine.kernels.KernelTestSupport.toDouble;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.Pairwise;
import org.revtaf.engine.bindings.DeviceBuffer;
import org.revtaf.engine.bindings.RevtafKernels;

/**
 * Parity checks of the Poincare-ball kernels (mobius_add with full and broadcast y,
 * expmap0/logmap0/proj, mobius_matvec, pairwise distance) against the double references of
 * org.revtaf.engine.backend.reference: forward values and backward gradients, every version, odd shapes. Plain
 * methods (no JUnit), shared by {@link KernelParityTest} and {@link KernelParityCudaTest}.
 */
final class HyperbolicParity {
    private HyperbolicParity() {}

    /** mobius_matvec and the distance backward have a GEMM-shaped version 3. */
    static final int[] GEMM_VERSIONS = {0, 1, 2, 3};

    /** n rows of dimension d, each scaled to a norm drawn from [lo, hi). */
    static float[] ballPoints(Random r, int n, int d, double lo, double hi) {
        float[] x = gaussian(r, n * d, 1.0);
        for (int i = 0; i < n; i++) {
            double nrm = 0;
            for (int k = 0; k < d; k++) {
                nrm += x[i * d + k] * x[i * d + k];
            }
            double target = lo + (hi - lo) * r.nextDouble();
            for (int k = 0; k < d; k++) {
                x[i * d + k] = (float) (x[i * d + k] * target / Math.sqrt(nrm));
            }
        }
        return x;
    }

    static void mobiusAddForwardAndBackward(RevtafKernels kk) {
        Random r = new Random(11);
        for (int[] shape : new int[][] {{7, 19, 1}, {33, 64, 1}, {9, 21, 0}}) {
            int n = shape[0];
            int d = shape[1];
            int yStride = shape[2] * d; // 0: one y row broadcast to every x row (the HypLinear bias)
            double c = 0.5;
            float[] x = ballPoints(r, n, d, 0.05, 1.3);
            float[] y = ballPoints(r, yStride == 0 ? 1 : n, d, 0.05, 1.3);
            float[] g = gaussian(r, n * d, 1.0);
            KernelReferences.Result ref =
                    KernelReferences.mobiusAdd(toDouble(x), toDouble(y), yStride, n, d, c, toDouble(g));
            try (KernelTestSupport s = new KernelTestSupport(kk)) {
                DeviceBuffer dx = s.in(x);
                DeviceBuffer dy = s.in(y);
                DeviceBuffer dg = s.in(g);
                for (int v : VERSIONS) {
                    String tag = "mobius_add v" + v + " " + n + "x" + d + " y_stride " + yStride;
                    DeviceBuffer out = s.out(n * d);
                    s.k.mobiusAddFwd(STREAM, out.ptr(), dx.ptr(), dy.ptr(), yStride, n, d, (float) c, v);
                    assertClose(tag, out.toFloats(), ref.out(), 1e-5, 1e-4);
                    DeviceBuffer gxo = s.out(n * d);
                    DeviceBuffer gyo = s.out(y.length);
                    s.k.mobiusAddBwd(
                            STREAM, gxo.ptr(), gyo.ptr(), dg.ptr(), dx.ptr(), dy.ptr(), yStride, n, d, (float) c, v);
                    assertGrad(tag + " dx", gxo, ref.grads()[0]);
                    assertGrad(tag + " dy", gyo, ref.grads()[1]);
                }
            }
        }
    }

    static void expmapLogmapProjForwardAndBackward(RevtafKernels kk) {
        Random r = new Random(12);
        int n = 13;
        int d = 37;
        double c = 1.0;
        double[][] normRanges = {{0.1, 4.0}, {0.05, 0.95}, {0.5, 1.2}
        }; // expmap0 any; logmap0 inside; proj across the edge
        String[] names = {"expmap0", "logmap0", "proj"};
        for (int op = 0; op < 3; op++) {
            float[] x = ballPoints(r, n, d, normRanges[op][0], normRanges[op][1]);
            float[] g = gaussian(r, n * d, 1.0);
            KernelReferences.Result ref = KernelReferences.rowMap(op, toDouble(x), n, d, c, toDouble(g));
            try (KernelTestSupport s = new KernelTestSupport(kk)) {
                DeviceBuffer dx = s.in(x);
                DeviceBuffer dg = s.in(g);
                for (int v : VERSIONS) {
                    String tag = names[op] + " v" + v;
                    DeviceBuffer out = s.out(n * d);
                    s.k.poincareMapFwd(STREAM, out.ptr(), dx.ptr(), n, d, (float) c, op, v);
                    assertClose(tag, out.toFloats(), ref.out(), 1e-5, 1e-4);
                    DeviceBuffer gout = s.out(n * d);
                    s.k.poincareMapBwd(STREAM, gout.ptr(), dg.ptr(), dx.ptr(), n, d, (float) c, op, v);
                    assertGrad(tag + " dx", gout, ref.grads()[0]);
                }
            }
        }
    }

    static void mobiusMatvecForwardAndBackward(RevtafKernels kk) {
        Random r = new Random(13);
        int n = 6, rows = 5, d = 41;
        float[] m = gaussian(r, rows * d, 0.3);
        float[] x = ballPoints(r, n, d, 0.05, 1.1);
        checkPairwise(kk, PairOp.MOBIUS_MATVEC, m, x, gaussian(r, n * rows, 1.0), n, rows, d, 0.7);
    }

    static void pairwiseDistanceForwardAndBackward(RevtafKernels kk) {
        Random r = new Random(14);
        for (int[] shape : new int[][] {{5, 7, 13}, {17, 33, 40}}) {
            int n = shape[0], m = shape[1], d = shape[2];
            float[] x = ballPoints(r, n, d, 0.05, 0.9);
            float[] y = ballPoints(r, m, d, 0.05, 0.9);
            checkPairwise(kk, PairOp.POINCARE_DIST, x, y, gaussian(r, n * m, 1.0), n, m, d, 1.0);
        }
    }

    /** The two pairwise kernels (out [n, m] from a and b; one argument list) and their references. */
    enum PairOp {
        MOBIUS_MATVEC(Pairwise.MATVEC_REF),
        POINCARE_DIST(Pairwise.DIST_REF);

        final Pairwise<Buf.F64> reference;

        PairOp(Pairwise<Buf.F64> reference) {
            this.reference = reference;
        }

        /** The tail both kernels share: inputs a and b on the device, sizes, curvature, version. */
        record Args(MemorySegment a, MemorySegment b, int n, int m, int d, float c, int v) {}

        void forward(RevtafKernels k, MemorySegment out, Args p) {
            switch (this) {
                case MOBIUS_MATVEC -> k.mobiusMatvecFwd(STREAM, out, p.a, p.b, p.n, p.m, p.d, p.c, p.v);
                case POINCARE_DIST -> k.poincareDistFwd(STREAM, out, p.a, p.b, p.n, p.m, p.d, p.c, p.v);
            }
        }

        void backward(RevtafKernels k, MemorySegment da, MemorySegment db, MemorySegment dout, Args p) {
            switch (this) {
                case MOBIUS_MATVEC -> k.mobiusMatvecBwd(STREAM, da, db, dout, p.a, p.b, p.n, p.m, p.d, p.c, p.v);
                case POINCARE_DIST -> k.poincareDistBwd(STREAM, da, db, dout, p.a, p.b, p.n, p.m, p.d, p.c, p.v);
            }
        }
    }

    /** A pairwise op's device kernels against its reference, every GEMM version, forward and backward. */
    private static void checkPairwise(
            RevtafKernels kk, PairOp op, float[] a, float[] b, float[] g, int n, int m, int d, double c) {
        Pairwise<Buf.F64> k = op.reference;
        KernelReferences.Result ref = KernelReferences.pairwise(k, toDouble(a), toDouble(b), n, m, d, c, toDouble(g));
        try (KernelTestSupport s = new KernelTestSupport(kk)) {
            DeviceBuffer da = s.in(a), db = s.in(b), dg = s.in(g);
            for (int v : GEMM_VERSIONS) {
                String tag = op.name().toLowerCase(java.util.Locale.ROOT) + " v" + v + " " + n + "x" + m + "x" + d;
                PairOp.Args p = new PairOp.Args(da.ptr(), db.ptr(), n, m, d, (float) c, v);
                DeviceBuffer out = s.out(n * m);
                op.forward(kk, out.ptr(), p);
                assertClose(tag, out.toFloats(), ref.out(), 1e-5, 1e-4);
                DeviceBuffer gao = s.out(a.length), gbo = s.out(b.length);
                op.backward(kk, gao.ptr(), gbo.ptr(), dg.ptr(), p);
                assertGrad(tag + " d" + k.aName(), gao, ref.grads()[0]);
                assertGrad(tag + " d" + k.bName(), gbo, ref.grads()[1]);
            }
        }
    }
}
