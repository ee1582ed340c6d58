package org.revtaf.engine.kernels;

import static org.revtaf.engine.kernels.KernelTestSupport.STREAM;
import static org.revtaf.engine.kernels.KernelTestSupport.VERSIONS;
import static org.revtaf.engine.kernels.KernelTestSupport.assertGrad;
import static org.revtaf.engine.kernels.KernelTestSupport.check;
import static org.revtaf.engine.kernels.KernelTestSupport.checkEquals;
import static org.revtaf.engine.kernels.KernelTestSupport.gaussian;
import static org.revtaf.engine.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.engine.kernels.KernelTestSupport.toDouble;
import static org.revtaf.engine.kernels.KernelTestSupport.uniform;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.bindings.DeviceBuffer;
import org.revtaf.engine.bindings.RevtafKernels;

/**
 * Parity checks of log-domain Sinkhorn (batched, masks, on-device convergence) and soft IoU against
 * the double references of org.revtaf.engine.backend.reference, forward and backward, every version. Plain
 * methods (no JUnit), shared by {@link KernelParityTest} and {@link KernelParityCudaTest}.
 */
final class OtOverlapParity {
    private OtOverlapParity() {}

    /** Sinkhorn has a version 3 (the forward fused into one launch; backward as version 2). */
    static final int[] SINKHORN_VERSIONS = {0, 1, 2, 3};

    /** b items: item 1 has its last two rows padded, item 2 its last column; p, t >= 3. */
    static byte[][] masks(int b, int p, int t) {
        byte[] rm = new byte[b * p];
        byte[] cm = new byte[b * t];
        java.util.Arrays.fill(rm, (byte) 1);
        java.util.Arrays.fill(cm, (byte) 1);
        if (b > 1) {
            rm[p + p - 1] = 0;
            rm[p + p - 2] = 0;
        }
        if (b > 2) {
            cm[2 * t + t - 1] = 0;
        }
        return new byte[][] {rm, cm};
    }

    /** One Sinkhorn forward on the device: the plan (b, p, t), the iterations, the u and v histories. */
    private record Forward(DeviceBuffer plan, DeviceBuffer iters, DeviceBuffer uHist, DeviceBuffer vHist) {
        static Forward run(
                KernelTestSupport s,
                DeviceBuffer cost,
                MemorySegment rowMask,
                MemorySegment colMask,
                int b,
                int p,
                int t,
                float eps,
                int maxIter,
                float tol,
                int version) {
            Forward f = new Forward(
                    s.out(b * p * t),
                    s.out(1),
                    s.out((long) (maxIter + 1) * b * p),
                    s.out((long) (maxIter + 1) * b * t));
            s.k.sinkhornFwd(
                    STREAM,
                    f.plan.ptr(),
                    f.iters.ptr(),
                    f.uHist.ptr(),
                    f.vHist.ptr(),
                    cost.ptr(),
                    rowMask,
                    colMask,
                    b,
                    p,
                    t,
                    eps,
                    maxIter,
                    tol,
                    version);
            return f;
        }
    }

    static void sinkhornConvergesOnDeviceAndMatchesReference(RevtafKernels kk) {
        Random r = new Random(21);
        for (int[] shape : new int[][] {{3, 7, 5}, {2, 40, 9}, {4, 6, 3}}) {
            int b = shape[0];
            int p = shape[1];
            int t = shape[2];
            float eps = 0.2f; // converges in ~30-40 iterations on costs in [0, 2]
            int maxIter = 200;
            float[] cost = uniform(r, b * p * t, 0.0, 2.0);
            byte[][] mk = masks(b, p, t);
            if (b == 4) {
                java.util.Arrays.fill(mk[1], 3 * t, 4 * t, (byte) 0); // item 3: no valid column -> zero plan
            }
            KernelReferences.Sinkhorn ref = KernelReferences.sinkhorn(
                    toDouble(cost), mk[0], mk[1], new SinkhornGeom(b, p, t, eps, maxIter, 1e-6), null);
            try (KernelTestSupport s = new KernelTestSupport(kk)) {
                DeviceBuffer dc = s.in(cost);
                MemorySegment rm = s.mask(mk[0]);
                MemorySegment cm = s.mask(mk[1]);
                for (int v : SINKHORN_VERSIONS) {
                    String tag = "sinkhorn v" + v + " " + b + "x" + p + "x" + t;
                    Forward fwd = Forward.run(s, dc, rm, cm, b, p, t, eps, maxIter, 1e-6f, v);
                    float[] pl = fwd.plan().toFloats();
                    assertClose(tag + " plan", pl, ref.plan(), 1e-4 * maxAbs(ref.plan()), 2e-3);
                    int k = fwd.iters().toInts()[0];
                    check(k > 1 && k < maxIter, tag + ": ran " + k + " iterations");
                    check(Math.abs(k - ref.iters()) <= 2, tag + ": iterations " + k + " vs reference " + ref.iters());
                    for (int bi = 0; bi < b; bi++) {
                        // row marginals: 1/P_valid on valid rows of active items, 0 elsewhere
                        int valid = 0;
                        boolean active = false;
                        for (int i = 0; i < p; i++) {
                            valid += mk[0][bi * p + i];
                        }
                        for (int j = 0; j < t; j++) {
                            active |= mk[1][bi * t + j] != 0;
                        }
                        for (int i = 0; i < p; i++) {
                            double sum = 0;
                            for (int j = 0; j < t; j++) {
                                sum += pl[(bi * p + i) * t + j];
                            }
                            double want = active && mk[0][bi * p + i] != 0 ? 1.0 / valid : 0.0;
                            checkEquals(want, sum, 1e-4 / valid, tag + " row marginal " + bi + "," + i);
                        }
                    }
                }
            }
        }
    }

    static void sinkhornBackwardMatchesReference(RevtafKernels kk) {
        Random r = new Random(22);
        for (int[] shape : new int[][] {{3, 5, 4}, {2, 33, 6}}) {
            int b = shape[0];
            int p = shape[1];
            int t = shape[2];
            float eps = 0.1f;
            int maxIter = 12;
            float[] cost = uniform(r, b * p * t, 0.0, 2.0);
            float[] g = gaussian(r, b * p * t, 1.0);
            byte[][] mk = masks(b, p, t);
            for (float tol : new float[] {0f, 1e-3f}) { // all iterations, and an early stop
                KernelReferences.Sinkhorn ref = KernelReferences.sinkhorn(
                        toDouble(cost), mk[0], mk[1], new SinkhornGeom(b, p, t, eps, maxIter, tol), toDouble(g));
                try (KernelTestSupport s = new KernelTestSupport(kk)) {
                    DeviceBuffer dc = s.in(cost);
                    DeviceBuffer dg = s.in(g);
                    MemorySegment rm = s.mask(mk[0]);
                    MemorySegment cm = s.mask(mk[1]);
                    for (int v : SINKHORN_VERSIONS) {
                        String tag = "sinkhorn_bwd v" + v + " " + b + "x" + p + "x" + t + " tol " + tol;
                        Forward fwd = Forward.run(s, dc, rm, cm, b, p, t, eps, maxIter, tol, v);
                        checkEquals(ref.iters(), fwd.iters().toInts()[0], tag + " iterations");
                        DeviceBuffer dcost = s.out(b * p * t);
                        s.k.sinkhornBwd(
                                STREAM,
                                dcost.ptr(),
                                dg.ptr(),
                                fwd.plan().ptr(),
                                fwd.uHist().ptr(),
                                fwd.vHist().ptr(),
                                fwd.iters().ptr(),
                                dc.ptr(),
                                rm,
                                cm,
                                b,
                                p,
                                t,
                                eps,
                                maxIter,
                                v);
                        assertClose(tag, dcost.toFloats(), ref.dcost(), 1e-3 * maxAbs(ref.dcost()), 5e-3);
                    }
                }
            }
        }
    }

    static void softIouForwardAndBackward(RevtafKernels kk) {
        Random r = new Random(23);
        for (int[] shape : new int[][] {{2, 3, 4, 37}, {1, 17, 18, 50}}) {
            int b = shape[0];
            int n = shape[1];
            int m = shape[2];
            int p = shape[3];
            float[] a = uniform(r, b * n * p, 0.0, 1.0);
            float[] g = uniform(r, b * m * p, 0.0, 1.0);
            a[3] = g[3]; // exact ties: the gradient splits 1/2 : 1/2
            a[p + 5] = g[p + 5];
            float[] dout = gaussian(r, b * n * m, 1.0);
            KernelReferences.Result ref =
                    KernelReferences.softIou(toDouble(a), toDouble(g), b, n, m, p, toDouble(dout));
            try (KernelTestSupport s = new KernelTestSupport(kk)) {
                DeviceBuffer da = s.in(a);
                DeviceBuffer dgg = s.in(g);
                DeviceBuffer dd = s.in(dout);
                for (int v : VERSIONS) {
                    String tag = "soft_iou v" + v + " " + b + "x" + n + "x" + m + "x" + p;
                    DeviceBuffer iou = s.out(b * n * m);
                    s.k.softIouFwd(STREAM, iou.ptr(), da.ptr(), dgg.ptr(), b, n, m, p, v);
                    assertClose(tag, iou.toFloats(), ref.out(), 1e-6, 1e-5);
                    DeviceBuffer gao = s.out(b * n * p);
                    DeviceBuffer ggo = s.out(b * m * p);
                    s.k.softIouBwd(STREAM, gao.ptr(), ggo.ptr(), dd.ptr(), da.ptr(), dgg.ptr(), b, n, m, p, v);
                    assertGrad(tag + " da", gao, ref.grads()[0]);
                    assertGrad(tag + " dg", ggo, ref.grads()[1]);
                }
            }
        }
    }

    static void softIouOfEmptyMapsIsZero(RevtafKernels kk) {
        int p = 9;
        float[] a = new float[2 * p]; // map 0 all zero, map 1 not
        float[] g = new float[p];
        for (int k = 0; k < p; k++) {
            a[p + k] = 0.5f;
        }
        try (KernelTestSupport s = new KernelTestSupport(kk)) {
            for (int v : VERSIONS) {
                DeviceBuffer iou = s.out(2);
                s.k.softIouFwd(STREAM, iou.ptr(), s.in(a).ptr(), s.in(g).ptr(), 1, 2, 1, p, v);
                float[] o = iou.toFloats();
                checkEquals(0f, o[0], "0/0 map pair, version " + v);
                checkEquals(0f, o[1], "disjoint support, version " + v);
            }
        }
    }
}
