package org.revtaf.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.kernels.KernelTestSupport.assertClose;
import static org.revtaf.kernels.KernelTestSupport.assertGradClose;
import static org.revtaf.kernels.KernelTestSupport.gaussian;
import static org.revtaf.kernels.KernelTestSupport.maxAbs;
import static org.revtaf.kernels.KernelTestSupport.numericGrad;
import static org.revtaf.kernels.KernelTestSupport.toDouble;
import static org.revtaf.kernels.KernelTestSupport.uniform;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.bindings.DeviceBuffer;
import org.revtaf.bindings.RevtafKernels;

/**
 * Log-domain Sinkhorn (batched, masks, on-device convergence) and soft IoU on device
 * {@link #device()} against the double references, forward and backward (central differences),
 * every version. {@link OtAndOverlapKernelsCudaTest} runs the same on a GPU.
 */
class OtAndOverlapKernelsTest {
    static final int[] VERSIONS = {0, 1, 2};
    static final MemorySegment STREAM = MemorySegment.NULL;

    String device() {
        return "cuda-emu";
    }

    RevtafKernels kernels() {
        return RevtafKernels.forDevice(device());
    }

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

    @Test
    void sinkhornConvergesOnDeviceAndMatchesReference() {
        Random r = new Random(21);
        for (int[] shape : new int[][] {{3, 7, 5}, {2, 40, 9}}) {
            int b = shape[0];
            int p = shape[1];
            int t = shape[2];
            float eps = 0.2f; // converges in ~30-40 iterations on costs in [0, 2]
            int maxIter = 200;
            float[] cost = uniform(r, b * p * t, 0.0, 2.0);
            byte[][] mk = masks(b, p, t);
            KernelReferences.Sinkhorn ref =
                    KernelReferences.sinkhorn(toDouble(cost), mk[0], mk[1], b, p, t, eps, maxIter, 1e-6);
            try (KernelTestSupport s = new KernelTestSupport(kernels())) {
                DeviceBuffer dc = s.in(cost);
                MemorySegment rm = s.mask(mk[0]);
                MemorySegment cm = s.mask(mk[1]);
                for (int v : VERSIONS) {
                    String tag = "sinkhorn v" + v + " " + b + "x" + p + "x" + t;
                    DeviceBuffer plan = s.out(b * p * t);
                    DeviceBuffer u = s.out(b * p);
                    DeviceBuffer vv = s.out(b * t);
                    DeviceBuffer iters = s.out(b);
                    s.k.sinkhornFwd(
                            STREAM,
                            plan.ptr(),
                            u.ptr(),
                            vv.ptr(),
                            iters.ptr(),
                            MemorySegment.NULL,
                            dc.ptr(),
                            rm,
                            cm,
                            b,
                            p,
                            t,
                            eps,
                            maxIter,
                            1e-6f,
                            v);
                    float[] pl = plan.toFloats();
                    assertClose(tag + " plan", pl, ref.plan(), 1e-4 * maxAbs(ref.plan()), 2e-3);
                    int[] it = iters.toInts();
                    for (int bi = 0; bi < b; bi++) {
                        assertTrue(
                                it[bi] > 1 && it[bi] < maxIter,
                                tag + ": item " + bi + " ran " + it[bi] + " iterations");
                        assertTrue(
                                Math.abs(it[bi] - ref.iters()[bi]) <= 2,
                                tag + ": iterations " + it[bi] + " vs reference " + ref.iters()[bi]);
                        // row marginals: 1/P_valid on valid rows, 0 on padded ones
                        int valid = 0;
                        for (int i = 0; i < p; i++) {
                            valid += mk[0][bi * p + i];
                        }
                        for (int i = 0; i < p; i++) {
                            double sum = 0;
                            for (int j = 0; j < t; j++) {
                                sum += pl[(bi * p + i) * t + j];
                            }
                            double want = mk[0][bi * p + i] != 0 ? 1.0 / valid : 0.0;
                            assertEquals(want, sum, 1e-4 / valid, tag + " row marginal " + bi + "," + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void sinkhornBackwardMatchesCentralDifferences() {
        Random r = new Random(22);
        for (int[] shape : new int[][] {{3, 5, 4}, {2, 33, 6}}) {
            int b = shape[0];
            int p = shape[1];
            int t = shape[2];
            float eps = 0.1f;
            int iters = 12;
            float[] cost = uniform(r, b * p * t, 0.0, 2.0);
            float[] g = gaussian(r, b * p * t, 1.0);
            byte[][] mk = masks(b, p, t);
            double[][] in = {toDouble(cost)};
            // tol = 0: always `iters` iterations, so the perturbed runs take the same path
            double[] num = numericGrad(
                    a -> KernelReferences.sinkhorn(a[0], mk[0], mk[1], b, p, t, eps, iters, 0)
                            .plan(),
                    in,
                    toDouble(g),
                    0,
                    1e-5,
                    b * p * t > 200 ? 3 : 1);
            try (KernelTestSupport s = new KernelTestSupport(kernels())) {
                DeviceBuffer dc = s.in(cost);
                DeviceBuffer dg = s.in(g);
                MemorySegment rm = s.mask(mk[0]);
                MemorySegment cm = s.mask(mk[1]);
                for (int v : VERSIONS) {
                    String tag = "sinkhorn_bwd v" + v + " " + b + "x" + p + "x" + t;
                    DeviceBuffer plan = s.out(b * p * t);
                    DeviceBuffer u = s.out(b * p);
                    DeviceBuffer vv = s.out(b * t);
                    DeviceBuffer it = s.out(b);
                    DeviceBuffer hist = s.out((long) b * (iters + 1) * (p + t));
                    s.k.sinkhornFwd(
                            STREAM,
                            plan.ptr(),
                            u.ptr(),
                            vv.ptr(),
                            it.ptr(),
                            hist.ptr(),
                            dc.ptr(),
                            rm,
                            cm,
                            b,
                            p,
                            t,
                            eps,
                            iters,
                            0f,
                            v);
                    DeviceBuffer dcost = s.out(b * p * t);
                    s.k.sinkhornBwd(
                            STREAM,
                            dcost.ptr(),
                            dg.ptr(),
                            plan.ptr(),
                            hist.ptr(),
                            it.ptr(),
                            dc.ptr(),
                            rm,
                            cm,
                            b,
                            p,
                            t,
                            eps,
                            iters,
                            v);
                    assertGradClose(tag, dcost.toFloats(), num, 2e-3 * maxAbs(num), 1e-2);
                }
            }
        }
    }

    @Test
    void softIouForwardAndBackward() {
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
            double[][] in = {toDouble(a), toDouble(g)};
            double[] ref = KernelReferences.softIou(in[0], in[1], b, n, m, p);
            int stride = b * n * p > 300 ? 5 : 1;
            double[] ga = numericGrad(
                    x -> KernelReferences.softIou(x[0], x[1], b, n, m, p), in, toDouble(dout), 0, 1e-6, stride);
            double[] gg = numericGrad(
                    x -> KernelReferences.softIou(x[0], x[1], b, n, m, p), in, toDouble(dout), 1, 1e-6, stride);
            try (KernelTestSupport s = new KernelTestSupport(kernels())) {
                DeviceBuffer da = s.in(a);
                DeviceBuffer dgg = s.in(g);
                DeviceBuffer dd = s.in(dout);
                for (int v : VERSIONS) {
                    String tag = "soft_iou v" + v + " " + b + "x" + n + "x" + m + "x" + p;
                    DeviceBuffer iou = s.out(b * n * m);
                    s.k.softIouFwd(STREAM, iou.ptr(), da.ptr(), dgg.ptr(), b, n, m, p, v);
                    assertClose(tag, iou.toFloats(), ref, 1e-6, 1e-5);
                    DeviceBuffer gao = s.out(b * n * p);
                    DeviceBuffer ggo = s.out(b * m * p);
                    s.k.softIouBwd(STREAM, gao.ptr(), ggo.ptr(), dd.ptr(), da.ptr(), dgg.ptr(), b, n, m, p, v);
                    assertGradClose(tag + " da", gao.toFloats(), ga, 1e-4 * maxAbs(ga), 2e-3);
                    assertGradClose(tag + " dg", ggo.toFloats(), gg, 1e-4 * maxAbs(gg), 2e-3);
                }
            }
        }
    }

    @Test
    void softIouOfEmptyMapsIsZero() {
        int p = 9;
        float[] a = new float[2 * p]; // map 0 all zero, map 1 not
        float[] g = new float[p];
        for (int k = 0; k < p; k++) {
            a[p + k] = 0.5f;
        }
        try (KernelTestSupport s = new KernelTestSupport(kernels())) {
            for (int v : VERSIONS) {
                DeviceBuffer iou = s.out(2);
                s.k.softIouFwd(STREAM, iou.ptr(), s.in(a).ptr(), s.in(g).ptr(), 1, 2, 1, p, v);
                float[] o = iou.toFloats();
                assertEquals(0f, o[0], "0/0 map pair, version " + v);
                assertEquals(0f, o[1], "disjoint support, version " + v);
            }
        }
    }
}
