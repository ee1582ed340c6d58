package org.revtaf.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.revtaf.RevtafException;
import org.revtaf.backend.AttentionGeom;
import org.revtaf.backend.Backend;
import org.revtaf.backend.DropoutMask;
import org.revtaf.backend.FusedKernels;
import org.revtaf.backend.RowMap;
import org.revtaf.backend.SinkhornGeom;
import org.revtaf.bindings.DeviceBuffer;
import org.revtaf.bindings.RevtafKernels;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.DeviceStorage;
import org.revtaf.tensor.HeapStorage;
import org.revtaf.tensor.Tensor;

/**
 * The REVTAF fused ops as CUDA kernels (kernels/include/revtaf_kernels.h, bound in the generated
 * KernelAbi) on device tensors: the same contracts as the oracles of backend/reference, one adapter
 * method per kernel with the header's argument names. Tensors must be contiguous float32 on this backend's
 * device; float masks (nonzero = valid) are converted to the kernels' uint8 masks. The kernel
 * version is {@code -Drevtaf.cuda.kernelVersion} (0 = each family's promoted default).
 *
 * <p>Fused attention runs as CUDA kernels for head dims {@link #KERNEL_HEAD_DIMS} (32, 64, 128:
 * the tile sizes of kernels/attention/flash_attention.cu); any other head dim runs forward and
 * backward on the cpu backend through host copies ({@link HostFallback}), so the op accepts every
 * head dim on this backend too, only slower. Attention with dropout on the probabilities (p &gt; 0,
 * {@link DropoutMask}) takes the same host path: the CUDA kernels have no dropout yet.
 */
final class CudaFused implements FusedKernels {
    private static final MemorySegment STREAM = MemorySegment.NULL;

    /** Head dims the CUDA attention kernels are built for; others take the host path. */
    static final int[] KERNEL_HEAD_DIMS = {32, 64, 128};

    private final RevtafKernels k;
    private final int version;
    /** The cpu backend's fused ops through host copies: attention with other head dims. */
    private final FusedKernels host;
    /** Attention calls (forward or backward) that ran on the host path; for tests. */
    final AtomicLong attentionOnHost = new AtomicLong();

    CudaFused(RevtafKernels k) {
        this.k = k;
        this.version = Integer.getInteger("revtaf.cuda.kernelVersion", 0);
        this.host = HostFallback.of(FusedKernels.class, Backend::fused);
    }

    /** True when the CUDA attention kernels support head dim {@code d}. */
    static boolean kernelHeadDim(int d) {
        for (int x : KERNEL_HEAD_DIMS) {
            if (x == d) {
                return true;
            }
        }
        return false;
    }

    /** Device address of a contiguous float32 tensor of this backend (NULL for null). */
    private MemorySegment p(Tensor t) {
        if (t == null) {
            return MemorySegment.NULL;
        }
        if (t.dtype() != DType.FLOAT32 || !t.isContiguous()) {
            throw new RevtafException("device " + k.device() + ": fused kernels need contiguous float32 tensors, got "
                    + t.dtype() + (t.isContiguous() ? "" : " (strided)"));
        }
        return CudaStorage.at(t);
    }

    /** Device scratch for a gradient the op does not need (the kernels write every gradient). */
    private DeviceBuffer scratch(Tensor grad, long floats) {
        return grad == null ? DeviceBuffer.allocate(k, 4L * floats) : null;
    }

    /** The gradient's address, or the scratch buffer's when the gradient is not needed. */
    private MemorySegment p(Tensor grad, DeviceBuffer scratch) {
        return grad == null ? scratch.ptr() : p(grad);
    }

    /** uint8 device copy of a float mask (nonzero = valid); null for no mask. */
    private DeviceBuffer mask(Tensor m) {
        if (m == null) {
            return null;
        }
        HeapStorage h = m.storage() instanceof DeviceStorage ds ? ds.toHost() : m.heap();
        byte[] bytes = new byte[m.numel()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = h.get(m.offset() + i) != 0 ? (byte) 1 : (byte) 0;
        }
        return DeviceBuffer.of(k, bytes);
    }

    private static MemorySegment ptr(DeviceBuffer b) {
        return b == null ? MemorySegment.NULL : b.ptr();
    }

    @Override
    public void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        k.mobiusAddFwd(STREAM, p(out), p(x), p(y), yStride, n, d, (float) c, version);
    }

    @Override
    public void mobiusAddBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        try (DeviceBuffer sx = scratch(dx, (long) n * d);
                DeviceBuffer sy = scratch(dy, yStride == 0 ? d : (long) n * d)) {
            k.mobiusAddBwd(STREAM, p(dx, sx), p(dy, sy), p(dout), p(x), p(y), yStride, n, d, (float) c, version);
        }
    }

    @Override
    public void poincareMap(Tensor out, Tensor x, int n, int d, double c, RowMap map) {
        k.poincareMapFwd(STREAM, p(out), p(x), n, d, (float) c, map.ordinal(), version);
    }

    @Override
    public void poincareMapBackward(Tensor dx, Tensor dout, Tensor x, int n, int d, double c, RowMap map) {
        if (dx != null) k.poincareMapBwd(STREAM, p(dx), p(dout), p(x), n, d, (float) c, map.ordinal(), version);
    }

    @Override
    public void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c) {
        k.mobiusMatvecFwd(STREAM, p(out), p(w), p(x), n, m, d, (float) c, version);
    }

    @Override
    public void mobiusMatvecBackward(
            Tensor dw, Tensor dx, Tensor dout, Tensor w, Tensor x, int n, int m, int d, double c) {
        try (DeviceBuffer sw = scratch(dw, (long) m * d);
                DeviceBuffer sx = scratch(dx, (long) n * d)) {
            k.mobiusMatvecBwd(STREAM, p(dw, sw), p(dx, sx), p(dout), p(w), p(x), n, m, d, (float) c, version);
        }
    }

    @Override
    public void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c) {
        k.poincareDistFwd(STREAM, p(out), p(x), p(y), n, m, d, (float) c, version);
    }

    @Override
    public void poincareDistBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int n, int m, int d, double c) {
        try (DeviceBuffer sx = scratch(dx, (long) n * d);
                DeviceBuffer sy = scratch(dy, (long) m * d)) {
            k.poincareDistBwd(STREAM, p(dx, sx), p(dy, sy), p(dout), p(x), p(y), n, m, d, (float) c, version);
        }
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
        int b = geom.b(), p = geom.p(), t = geom.t(), maxIter = geom.maxIter();
        double eps = geom.eps(), tol = geom.tol();
        try (DeviceBuffer pm = mask(pixelMask);
                DeviceBuffer tm = mask(tokenMask);
                DeviceBuffer iters = DeviceBuffer.allocate(k, 4)) {
            k.sinkhornFwd(
                    STREAM,
                    p(plan),
                    iters.ptr(),
                    p(uHist),
                    p(vHist),
                    p(cost),
                    ptr(pm),
                    ptr(tm),
                    b,
                    p,
                    t,
                    (float) eps,
                    maxIter,
                    (float) tol,
                    version);
            return iters.toInts()[0]; // the interface returns K: one host sync per Sinkhorn call
        }
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
        int b = geom.b(), p = geom.p(), t = geom.t();
        double eps = geom.eps();
        if (dcost == null) {
            return;
        }
        int maxIter = geom.maxIter();
        try (DeviceBuffer pm = mask(pixelMask);
                DeviceBuffer tm = mask(tokenMask);
                DeviceBuffer it = DeviceBuffer.of(k, new int[] {iters})) {
            k.sinkhornBwd(
                    STREAM,
                    p(dcost),
                    p(dplan),
                    p(plan),
                    p(uHist),
                    p(vHist),
                    it.ptr(),
                    p(cost),
                    ptr(pm),
                    ptr(tm),
                    b,
                    p,
                    t,
                    (float) eps,
                    Math.max(1, maxIter),
                    version);
        }
    }

    @Override
    public void softIou(Tensor out, Tensor a, Tensor g, int b, int n, int m, int p) {
        k.softIouFwd(STREAM, p(out), p(a), p(g), b, n, m, p, version);
    }

    @Override
    public void softIouBackward(Tensor da, Tensor dg, Tensor dout, Tensor a, Tensor g, int b, int n, int m, int p) {
        try (DeviceBuffer sa = scratch(da, (long) b * n * p);
                DeviceBuffer sg = scratch(dg, (long) b * m * p)) {
            k.softIouBwd(STREAM, p(da, sa), p(dg, sg), p(dout), p(a), p(g), b, n, m, p, version);
        }
    }

    @Override
    public void attention(Tensor out, Tensor lse, Tensor q, Tensor kk, Tensor v, Tensor keyMask, AttentionGeom geom) {
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        double scale = geom.scale();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        if (!kernelHeadDim(d) || drop.active()) {
            attentionOnHost.incrementAndGet();
            host.attention(out, lse, q, kk, v, keyMask, geom);
            return;
        }
        try (DeviceBuffer km = mask(keyMask)) {
            k.attentionFwd(
                    STREAM,
                    p(out),
                    p(lse),
                    p(q),
                    p(kk),
                    p(v),
                    ptr(km),
                    b,
                    h,
                    n,
                    s,
                    d,
                    (float) scale,
                    causal ? 1 : 0,
                    version);
        }
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
            Tensor kk,
            Tensor v,
            Tensor keyMask,
            AttentionGeom geom) {
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        double scale = geom.scale();
        boolean causal = geom.causal();
        DropoutMask drop = geom.drop();
        if (!kernelHeadDim(d) || drop.active()) { // the forward ran on the host path too: same lse convention
            attentionOnHost.incrementAndGet();
            host.attentionBackward(dq, dk, dv, dout, out, lse, q, kk, v, keyMask, geom);
            return;
        }
        try (DeviceBuffer km = mask(keyMask);
                DeviceBuffer sq = scratch(dq, (long) b * h * n * d);
                DeviceBuffer sk = scratch(dk, (long) b * h * s * d);
                DeviceBuffer sv = scratch(dv, (long) b * h * s * d)) {
            k.attentionBwd(
                    STREAM,
                    p(dq, sq),
                    p(dk, sk),
                    p(dv, sv),
                    p(dout),
                    p(out),
                    p(lse),
                    p(q),
                    p(kk),
                    p(v),
                    ptr(km),
                    b,
                    h,
                    n,
                    s,
                    d,
                    (float) scale,
                    causal ? 1 : 0,
                    version);
        }
    }
}
