package org.revtaf.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.revtaf.RevtafException;
import org.revtaf.backend.FusedKernels;
import org.revtaf.backend.cpu.CpuBackend;
import org.revtaf.backend.fused.DropoutMask;
import org.revtaf.backend.fused.HyperbolicRef.RowMap;
import org.revtaf.bindings.DeviceBuffer;
import org.revtaf.bindings.RevtafKernels;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.DeviceStorage;
import org.revtaf.tensor.HeapStorage;
import org.revtaf.tensor.Tensor;

/**
 * The REVTAF fused ops as CUDA kernels (kernels/include/revtaf_kernels.h) on device tensors: the
 * same contracts as org.revtaf.backend.fused. Tensors must be contiguous float32 on this backend's
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
        this.host = HostFallback.of(FusedKernels.class, CpuBackend.INSTANCE.fused());
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
        if (!(t.storage() instanceof CudaStorage cs)) {
            throw new RevtafException("device " + k.device() + ": tensor is on " + t.device()
                    + "; move it with .copyTo(" + k.device() + ") first");
        }
        if (t.dtype() != DType.FLOAT32 || !t.isContiguous()) {
            throw new RevtafException("device " + k.device() + ": fused kernels need contiguous float32 tensors, got "
                    + t.dtype() + (t.isContiguous() ? "" : " (strided)"));
        }
        return cs.at(t.offset());
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

    private static void close(DeviceBuffer... bs) {
        for (DeviceBuffer b : bs) {
            if (b != null) {
                b.close();
            }
        }
    }

    @Override
    public void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        k.mobiusAddFwd(STREAM, p(out), p(x), p(y), yStride, n, d, (float) c, version);
    }

    @Override
    public void mobiusAddBackward(
            Tensor dx, Tensor dy, Tensor gOut, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        // the kernel writes both gradients: give it scratch for a skipped one
        try (DeviceBuffer sx = dx == null ? DeviceBuffer.allocate(k, 4L * n * d) : null;
                DeviceBuffer sy =
                        dy == null ? DeviceBuffer.allocate(k, 4L * (yStride == 0 ? d : (long) n * d)) : null) {
            k.mobiusAddBwd(
                    STREAM,
                    dx == null ? sx.ptr() : p(dx),
                    dy == null ? sy.ptr() : p(dy),
                    p(gOut),
                    p(x),
                    p(y),
                    yStride,
                    n,
                    d,
                    (float) c,
                    version);
        }
    }

    @Override
    public void rowMap(Tensor out, Tensor x, int n, int d, RowMap map, double c) {
        k.poincareMapFwd(STREAM, p(out), p(x), n, d, (float) c, map.ordinal(), version);
    }

    @Override
    public void rowMapBackward(Tensor dx, Tensor gOut, Tensor x, int n, int d, RowMap map, double c) {
        if (dx != null) {
            k.poincareMapBwd(STREAM, p(dx), p(gOut), p(x), n, d, (float) c, map.ordinal(), version);
        }
    }

    @Override
    public void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c) {
        k.mobiusMatvecFwd(STREAM, p(out), p(w), p(x), n, m, d, (float) c, version);
    }

    @Override
    public void mobiusMatvecBackward(
            Tensor dw, Tensor dx, Tensor gOut, Tensor w, Tensor x, int n, int m, int d, double c) {
        try (DeviceBuffer sw = dw == null ? DeviceBuffer.allocate(k, 4L * m * d) : null;
                DeviceBuffer sx = dx == null ? DeviceBuffer.allocate(k, 4L * n * d) : null) {
            k.mobiusMatvecBwd(
                    STREAM,
                    dw == null ? sw.ptr() : p(dw),
                    dx == null ? sx.ptr() : p(dx),
                    p(gOut),
                    p(w),
                    p(x),
                    n,
                    m,
                    d,
                    (float) c,
                    version);
        }
    }

    @Override
    public void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c) {
        k.poincareDistFwd(STREAM, p(out), p(x), p(y), n, m, d, (float) c, version);
    }

    @Override
    public void poincareDistBackward(
            Tensor dx, Tensor dy, Tensor gOut, Tensor x, Tensor y, int n, int m, int d, double c) {
        try (DeviceBuffer sx = dx == null ? DeviceBuffer.allocate(k, 4L * n * d) : null;
                DeviceBuffer sy = dy == null ? DeviceBuffer.allocate(k, 4L * m * d) : null) {
            k.poincareDistBwd(
                    STREAM,
                    dx == null ? sx.ptr() : p(dx),
                    dy == null ? sy.ptr() : p(dy),
                    p(gOut),
                    p(x),
                    p(y),
                    n,
                    m,
                    d,
                    (float) c,
                    version);
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
            int b,
            int p,
            int t,
            double eps,
            int maxIter,
            double tol) {
        DeviceBuffer pm = mask(pixelMask);
        DeviceBuffer tm = mask(tokenMask);
        try (DeviceBuffer iters = DeviceBuffer.allocate(k, 4)) {
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
        } finally {
            close(pm, tm);
        }
    }

    @Override
    public void sinkhornBackward(
            Tensor dCost,
            Tensor gPlan,
            Tensor plan,
            Tensor uHist,
            Tensor vHist,
            Tensor cost,
            Tensor pixelMask,
            Tensor tokenMask,
            int b,
            int p,
            int t,
            int iters,
            double eps) {
        if (dCost == null) {
            return;
        }
        DeviceBuffer pm = mask(pixelMask);
        DeviceBuffer tm = mask(tokenMask);
        int maxIter = uHist.numel() / Math.max(1, b * p) - 1;
        try (DeviceBuffer it = DeviceBuffer.allocate(k, 4)) {
            try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                k.memcpyH2d(it.ptr(), a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, iters), 4);
            }
            k.sinkhornBwd(
                    STREAM,
                    p(dCost),
                    p(gPlan),
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
        } finally {
            close(pm, tm);
        }
    }

    @Override
    public void softIou(Tensor out, Tensor a, Tensor bm, int b, int n, int m, int p) {
        k.softIouFwd(STREAM, p(out), p(a), p(bm), b, n, m, p, version);
    }

    @Override
    public void softIouBackward(Tensor da, Tensor db, Tensor gOut, Tensor a, Tensor bm, int b, int n, int m, int p) {
        try (DeviceBuffer sa = da == null ? DeviceBuffer.allocate(k, 4L * b * n * p) : null;
                DeviceBuffer sb = db == null ? DeviceBuffer.allocate(k, 4L * b * m * p) : null) {
            k.softIouBwd(
                    STREAM,
                    da == null ? sa.ptr() : p(da),
                    db == null ? sb.ptr() : p(db),
                    p(gOut),
                    p(a),
                    p(bm),
                    b,
                    n,
                    m,
                    p,
                    version);
        }
    }

    @Override
    public void attention(
            Tensor out,
            Tensor lse,
            Tensor q,
            Tensor kk,
            Tensor v,
            Tensor keyMask,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal,
            DropoutMask drop) {
        if (!kernelHeadDim(d) || drop.active()) {
            attentionOnHost.incrementAndGet();
            host.attention(out, lse, q, kk, v, keyMask, b, h, n, s, d, scale, causal, drop);
            return;
        }
        DeviceBuffer km = mask(keyMask);
        try {
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
        } finally {
            close(km);
        }
    }

    @Override
    public void attentionBackward(
            Tensor dq,
            Tensor dk,
            Tensor dv,
            Tensor gOut,
            Tensor out,
            Tensor lse,
            Tensor q,
            Tensor kk,
            Tensor v,
            Tensor keyMask,
            int b,
            int h,
            int n,
            int s,
            int d,
            double scale,
            boolean causal,
            DropoutMask drop) {
        if (!kernelHeadDim(d) || drop.active()) { // the forward ran on the host path too: same lse convention
            attentionOnHost.incrementAndGet();
            host.attentionBackward(dq, dk, dv, gOut, out, lse, q, kk, v, keyMask, b, h, n, s, d, scale, causal, drop);
            return;
        }
        DeviceBuffer km = mask(keyMask);
        long qn = 4L * b * h * n * d;
        long kn = 4L * b * h * s * d;
        try (DeviceBuffer sq = dq == null ? DeviceBuffer.allocate(k, qn) : null;
                DeviceBuffer sk = dk == null ? DeviceBuffer.allocate(k, kn) : null;
                DeviceBuffer sv = dv == null ? DeviceBuffer.allocate(k, kn) : null) {
            k.attentionBwd(
                    STREAM,
                    dq == null ? sq.ptr() : p(dq),
                    dk == null ? sk.ptr() : p(dk),
                    dv == null ? sv.ptr() : p(dv),
                    p(gOut),
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
        } finally {
            close(km);
        }
    }
}
