package org.revtaf.engine.kernels;

import static org.revtaf.engine.kernels.KernelTestSupport.STREAM;
import static org.revtaf.engine.kernels.KernelTestSupport.VERSIONS;
import static org.revtaf.engine.kernels.KernelTestSupport.gaussian;
import static org.revtaf.engine.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.engine.kernels.KernelTestSupport.toDouble;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.util.Random;
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
                    assertClose(tag + " dx", gxo.toFloats(), ref.grads()[0], 1e-5 * maxAbs(ref.grads()[0]), 1e-4);
                    assertClose(tag + " dy", gyo.toFloats(), ref.grads()[1], 1e-5 * maxAbs(ref.grads()[1]), 1e-4);
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
                    assertClose(tag + " dx", gout.toFloats(), ref.grads()[0], 1e-5 * maxAbs(ref.grads()[0]), 1e-4);
                }
            }
        }
    }

    static void mobiusMatvecForwardAndBackward(RevtafKernels kk) {
        Random r = new Random(13);
        int n = 6;
        int rows = 5;
        int d = 41;
        double c = 0.7;
        float[] m = gaussian(r, rows * d, 0.3);
        float[] x = ballPoints(r, n, d, 0.05, 1.1);
        float[] g = gaussian(r, n * rows, 1.0);
        KernelReferences.Result ref = KernelReferences.matvec(toDouble(m), toDouble(x), n, rows, d, c, toDouble(g));
        try (KernelTestSupport s = new KernelTestSupport(kk)) {
            DeviceBuffer dm = s.in(m);
            DeviceBuffer dx = s.in(x);
            DeviceBuffer dg = s.in(g);
            for (int v : GEMM_VERSIONS) {
                String tag = "mobius_matvec v" + v;
                DeviceBuffer out = s.out(n * rows);
                s.k.mobiusMatvecFwd(STREAM, out.ptr(), dm.ptr(), dx.ptr(), n, rows, d, (float) c, v);
                assertClose(tag, out.toFloats(), ref.out(), 1e-5, 1e-4);
                DeviceBuffer gmo = s.out(rows * d);
                DeviceBuffer gxo = s.out(n * d);
                s.k.mobiusMatvecBwd(
                        STREAM, gmo.ptr(), gxo.ptr(), dg.ptr(), dm.ptr(), dx.ptr(), n, rows, d, (float) c, v);
                assertClose(tag + " dm", gmo.toFloats(), ref.grads()[0], 1e-5 * maxAbs(ref.grads()[0]), 1e-4);
                assertClose(tag + " dx", gxo.toFloats(), ref.grads()[1], 1e-5 * maxAbs(ref.grads()[1]), 1e-4);
            }
        }
    }

    static void pairwiseDistanceForwardAndBackward(RevtafKernels kk) {
        Random r = new Random(14);
        for (int[] shape : new int[][] {{5, 7, 13}, {17, 33, 40}}) {
            int n = shape[0];
            int m = shape[1];
            int d = shape[2];
            double c = 1.0;
            float[] x = ballPoints(r, n, d, 0.05, 0.9);
            float[] y = ballPoints(r, m, d, 0.05, 0.9);
            float[] g = gaussian(r, n * m, 1.0);
            KernelReferences.Result ref = KernelReferences.dist(toDouble(x), toDouble(y), n, m, d, c, toDouble(g));
            try (KernelTestSupport s = new KernelTestSupport(kk)) {
                DeviceBuffer dx = s.in(x);
                DeviceBuffer dy = s.in(y);
                DeviceBuffer dg = s.in(g);
                for (int v : GEMM_VERSIONS) {
                    String tag = "poincare_dist v" + v + " " + n + "x" + m + "x" + d;
                    DeviceBuffer out = s.out(n * m);
                    s.k.poincareDistFwd(STREAM, out.ptr(), dx.ptr(), dy.ptr(), n, m, d, (float) c, v);
                    assertClose(tag, out.toFloats(), ref.out(), 1e-5, 1e-4);
                    DeviceBuffer gxo = s.out(n * d);
                    DeviceBuffer gyo = s.out(m * d);
                    s.k.poincareDistBwd(
                            STREAM, gxo.ptr(), gyo.ptr(), dg.ptr(), dx.ptr(), dy.ptr(), n, m, d, (float) c, v);
                    assertClose(tag + " dx", gxo.toFloats(), ref.grads()[0], 1e-5 * maxAbs(ref.grads()[0]), 1e-4);
                    assertClose(tag + " dy", gyo.toFloats(), ref.grads()[1], 1e-5 * maxAbs(ref.grads()[1]), 1e-4);
                }
            }
        }
    }
}
