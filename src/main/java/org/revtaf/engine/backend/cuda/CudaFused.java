package org.revtaf.engine.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.revtaf.RevtafException;
import org.revtaf.engine.backend.AttentionArgs;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.FusedKernels;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.SinkhornArgs;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Tensor;

/**
 * The REVTAF fused ops as CUDA kernels (kernels/include/revtaf_kernels.h, bound in the generated
 * KernelAbi) on device tensors: the same contracts as the oracles of backend/reference, one adapter
 * method per kernel with the header's argument names. Tensors must be contiguous float32 on this backend's
 * device; float masks (nonzero = valid) are converted to the kernels' uint8 masks. The kernel
 * version of each op is its family's in {@code -Drevtaf.cuda.kernelVersion} ({@link KernelVersions}).
 *
 * <p>Fused attention runs as flash kernels for head dims {@link #KERNEL_HEAD_DIMS} (32, 64, 128:
 * the tile sizes of kernels/attention/flash_attention.cu); any other head dim, and attention with
 * dropout on the probabilities (p &gt; 0, {@link DropoutMask}), runs unfused on the device
 * ({@link CudaUnfusedAttention}: GEMMs around a masked row softmax), forward and backward.
 *
 * <p>BF16 attention: bfloat16 q, k, v go through rt_attention_fwd_bf16 / rt_attention_bwd_bf16 (the
 * BF16 tensor-core versions read them as their operands: half the bytes of fp32 inputs; out, lse and
 * the gradients stay float32, accumulation is fp32). With {@code -Drevtaf.cuda.attention.bf16=true}
 * ({@link #BF16_PROPERTY}) {@link #attentionInputType} asks the op for bfloat16 q, k, v on every call
 * that runs fused, so the model's float32 q, k, v are cast once on the device (rt_copy) and the
 * gradients flow back in float32; calls that run unfused (other head dims, dropout) stay float32. It
 * needs attention_fwd version 0, 4 or 6 and attention_bwd 0 or 8 ({@link KernelVersions}; 0 picks 4
 * and 8) and, on {@code cuda}, a GPU of compute capability 8.0 or newer: anything else is an error
 * naming the property.
 */
final class CudaFused implements FusedKernels {
    /** Head dims the flash attention kernels are built for; others take the unfused path. */
    static final int[] KERNEL_HEAD_DIMS = {32, 64, 128};

    private final CudaDevice dev;
    private final RevtafKernels k;
    private final MemorySegment stream;
    /** Attention for head dims without a flash kernel, and with dropout. */
    private final CudaUnfusedAttention unfused;
    /** Attention calls (forward or backward) that took the unfused path; for tests. */
    final AtomicLong attentionUnfused = new AtomicLong();
    /** Attention calls (forward or backward) that ran on bfloat16 q, k, v; for tests. */
    final AtomicLong attentionBf16 = new AtomicLong();

    /** The system property that runs the model's fused attention on bfloat16 q, k, v. */
    static final String BF16_PROPERTY = "revtaf.cuda.attention.bf16";
    /** Whether {@link #BF16_PROPERTY} asks for bfloat16 attention. */
    private final boolean bf16Attention;
    /** Why this device and these versions cannot run bf16 attention ("" when they can; null: not checked yet). */
    private volatile String bf16Refusal;

    CudaFused(CudaDevice d) {
        this(d, Boolean.getBoolean(BF16_PROPERTY));
    }

    CudaFused(CudaDevice d, boolean bf16Attention) {
        this.dev = d;
        this.k = d.k;
        this.stream = d.stream;
        this.unfused = new CudaUnfusedAttention(d);
        this.bf16Attention = bf16Attention;
        if (bf16Attention) requireBf16("-D" + BF16_PROPERTY + "=true");
    }

    /**
     * Fails, naming {@code who}, when this device or the chosen kernel versions cannot run attention on
     * bfloat16 q, k, v: attention_fwd must be 0, 4 or 6 and attention_bwd 0 or 8, and a real GPU needs
     * BF16 tensor cores (compute capability 8.0+).
     */
    private void requireBf16(String who) {
        String why = bf16Refusal;
        if (why == null) bf16Refusal = why = bf16Refusal();
        if (!why.isEmpty()) throw new RevtafException(who + ": " + why);
    }

    /** {@link #requireBf16}'s reason, "" for none (the versions are fixed; the device is asked once). */
    private String bf16Refusal() {
        int fwd = version(KernelVersions.Family.ATTENTION_FWD), bwd = version(KernelVersions.Family.ATTENTION_BWD);
        if (fwd != 0 && fwd != 4 && fwd != 6)
            return "-D" + KernelVersions.PROPERTY + " picks attention_fwd version " + fwd
                    + ", which reads float32 q, k, v only; bf16 attention runs on attention_fwd 4 or 6 (0 = 4)";
        if (bwd != 0 && bwd != 8)
            return "-D" + KernelVersions.PROPERTY + " picks attention_bwd version " + bwd
                    + ", which reads float32 q, k, v only; bf16 attention runs on attention_bwd 8 (0 = 8)";
        if (dev.device == Device.CUDA) {
            RevtafKernels.DeviceInfo info = k.deviceInfo();
            if (info.ccMajor() < 8)
                return "device cuda (" + info.name() + ", compute capability " + info.ccMajor() + "." + info.ccMinor()
                        + ") has no BF16 tensor cores (8.0 or newer needed)";
        }
        return "";
    }

    @Override
    public DType attentionInputType(AttentionGeom g, DType given) {
        if (fusedKernels(g) && (bf16Attention || given == DType.BFLOAT16)) return DType.BFLOAT16;
        return given == DType.BFLOAT16 ? DType.FLOAT32 : given;
    }

    /** Whether the attention call has bfloat16 q, k, v (checked: all three, and a device that runs them). */
    private boolean bf16(AttentionArgs a, AttentionGeom g) {
        DType t = a.q().dtype();
        if (t != DType.BFLOAT16) return false;
        if (a.k().dtype() != t || a.v().dtype() != t)
            throw new RevtafException("device " + k.device() + ": attention q, k, v must share a dtype, got " + t + ", "
                    + a.k().dtype() + ", " + a.v().dtype());
        if (!fusedKernels(g))
            throw new RevtafException("device " + k.device() + ": bfloat16 attention needs the fused kernels (head dim"
                    + " 32, 64 or 128 and no dropout), got head dim " + g.d()
                    + (g.drop().active() ? " with dropout" : ""));
        requireBf16("bfloat16 attention");
        attentionBf16.incrementAndGet();
        return true;
    }

    /** Device address of a contiguous bfloat16 tensor of this backend. */
    private MemorySegment b16(Tensor t) {
        if (t.dtype() != DType.BFLOAT16 || !t.isContiguous())
            throw new RevtafException(
                    "device " + k.device() + ": bf16 attention needs contiguous bfloat16 q, k, v, got " + t.dtype()
                            + (t.isContiguous() ? "" : " (strided)"));
        return CudaStorage.at(t);
    }

    /** The kernel version of a family ({@link KernelVersions}; 0 = the kernel's default). */
    private int version(KernelVersions.Family f) {
        return dev.versions.of(f);
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
    private CudaDevice.Temp scratch(Tensor grad, long floats) {
        return grad == null ? dev.temp(4L * floats) : null;
    }

    /** The gradient's address, or the scratch buffer's when the gradient is not needed. */
    private MemorySegment p(Tensor grad, CudaDevice.Temp scratch) {
        return grad == null ? scratch.ptr() : p(grad);
    }

    /**
     * The kernels' uint8 mask (1 where valid = nonzero) of a mask tensor of any strides, converted on
     * the device by rt_copy (no host round trip); null for no mask. A mask on another device is
     * moved here first; dtypes rt_copy does not convert go through the host once.
     */
    CudaDevice.Temp mask(Tensor m) {
        if (m == null) {
            return null;
        }
        if (!(m.storage() instanceof CudaStorage) || CudaArgs.code(m.dtype()) < 0 || m.rank() > CudaArgs.MAX_RANK) {
            m = Tensor.ofDoubles(Device.CPU, m.toDoubles(), m.shape()).copyTo(dev.device);
        }
        int n = m.numel();
        CudaDevice.Temp out = dev.temp(Math.max(1, n));
        long[] g = CudaArgs.geom(m.shapeRef(), Shapes.contiguousStrides(m.shapeRef()), m.stridesRef());
        try (Arena a = Arena.ofConfined()) {
            k.copy(
                    stream,
                    out.ptr(),
                    MASK_U8,
                    CudaStorage.at(m),
                    CudaArgs.code(m.dtype()),
                    CudaArgs.longs(a, g),
                    m.rank());
        }
        return out;
    }

    /** rt_copy's output code for a 0/1 uint8 mask. */
    private static final int MASK_U8 = 6;

    private static MemorySegment ptr(CudaDevice.Temp b) {
        return b == null ? MemorySegment.NULL : b.ptr();
    }

    @Override
    public void mobiusAdd(Tensor out, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        k.mobiusAddFwd(stream, p(out), p(x), p(y), yStride, n, d, (float) c, version(KernelVersions.Family.MOBIUS_ADD));
    }

    @Override
    public void mobiusAddBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int yStride, int n, int d, double c) {
        try (CudaDevice.Temp sx = scratch(dx, (long) n * d);
                CudaDevice.Temp sy = scratch(dy, yStride == 0 ? d : (long) n * d)) {
            k.mobiusAddBwd(
                    stream,
                    p(dx, sx),
                    p(dy, sy),
                    p(dout),
                    p(x),
                    p(y),
                    yStride,
                    n,
                    d,
                    (float) c,
                    version(KernelVersions.Family.MOBIUS_ADD));
        }
    }

    @Override
    public void poincareMap(Tensor out, Tensor x, int n, int d, double c, RowMap map) {
        k.poincareMapFwd(
                stream, p(out), p(x), n, d, (float) c, map.ordinal(), version(KernelVersions.Family.POINCARE_MAP));
    }

    @Override
    public void poincareMapBackward(Tensor dx, Tensor dout, Tensor x, int n, int d, double c, RowMap map) {
        if (dx != null)
            k.poincareMapBwd(
                    stream,
                    p(dx),
                    p(dout),
                    p(x),
                    n,
                    d,
                    (float) c,
                    map.ordinal(),
                    version(KernelVersions.Family.POINCARE_MAP));
    }

    @Override
    public void mobiusMatvec(Tensor out, Tensor w, Tensor x, int n, int m, int d, double c) {
        k.mobiusMatvecFwd(stream, p(out), p(w), p(x), n, m, d, (float) c, version(KernelVersions.Family.MOBIUS_MATVEC));
    }

    @Override
    public void mobiusMatvecBackward(
            Tensor dw, Tensor dx, Tensor dout, Tensor w, Tensor x, int n, int m, int d, double c) {
        try (CudaDevice.Temp sw = scratch(dw, (long) m * d);
                CudaDevice.Temp sx = scratch(dx, (long) n * d)) {
            k.mobiusMatvecBwd(
                    stream,
                    p(dw, sw),
                    p(dx, sx),
                    p(dout),
                    p(w),
                    p(x),
                    n,
                    m,
                    d,
                    (float) c,
                    version(KernelVersions.Family.MOBIUS_MATVEC));
        }
    }

    @Override
    public void poincareDist(Tensor out, Tensor x, Tensor y, int n, int m, int d, double c) {
        k.poincareDistFwd(stream, p(out), p(x), p(y), n, m, d, (float) c, version(KernelVersions.Family.POINCARE_DIST));
    }

    @Override
    public void poincareDistBackward(
            Tensor dx, Tensor dy, Tensor dout, Tensor x, Tensor y, int n, int m, int d, double c) {
        try (CudaDevice.Temp sx = scratch(dx, (long) n * d);
                CudaDevice.Temp sy = scratch(dy, (long) m * d)) {
            k.poincareDistBwd(
                    stream,
                    p(dx, sx),
                    p(dy, sy),
                    p(dout),
                    p(x),
                    p(y),
                    n,
                    m,
                    d,
                    (float) c,
                    version(KernelVersions.Family.POINCARE_DIST));
        }
    }

    @Override
    public void sinkhorn(SinkhornArgs a) {
        SinkhornGeom g = a.geom();
        try (CudaDevice.Temp pm = mask(a.pixelMask());
                CudaDevice.Temp tm = mask(a.tokenMask())) {
            k.sinkhornFwd(
                    stream,
                    p(a.plan()),
                    CudaStorage.at(a.iters()), // the count stays on the device for the backward
                    p(a.uHist()),
                    p(a.vHist()),
                    p(a.cost()),
                    ptr(pm),
                    ptr(tm),
                    g.b(),
                    g.p(),
                    g.t(),
                    (float) g.eps(),
                    g.maxIter(),
                    (float) g.tol(),
                    version(KernelVersions.Family.SINKHORN));
        }
    }

    @Override
    public void sinkhornBackward(Tensor dcost, Tensor dplan, SinkhornArgs a) {
        if (dcost == null) {
            return;
        }
        SinkhornGeom g = a.geom();
        try (CudaDevice.Temp pm = mask(a.pixelMask());
                CudaDevice.Temp tm = mask(a.tokenMask())) {
            k.sinkhornBwd(
                    stream,
                    p(dcost),
                    p(dplan),
                    p(a.plan()),
                    p(a.uHist()),
                    p(a.vHist()),
                    CudaStorage.at(a.iters()),
                    p(a.cost()),
                    ptr(pm),
                    ptr(tm),
                    g.b(),
                    g.p(),
                    g.t(),
                    (float) g.eps(),
                    Math.max(1, g.maxIter()),
                    version(KernelVersions.Family.SINKHORN));
        }
    }

    @Override
    public void softIou(Tensor out, Tensor a, Tensor g, int b, int n, int m, int p) {
        k.softIouFwd(stream, p(out), p(a), p(g), b, n, m, p, version(KernelVersions.Family.SOFT_IOU));
    }

    @Override
    public void softIouBackward(Tensor da, Tensor dg, Tensor dout, Tensor a, Tensor g, int b, int n, int m, int p) {
        try (CudaDevice.Temp sa = scratch(da, (long) b * n * p);
                CudaDevice.Temp sg = scratch(dg, (long) b * m * p)) {
            k.softIouBwd(
                    stream,
                    p(da, sa),
                    p(dg, sg),
                    p(dout),
                    p(a),
                    p(g),
                    b,
                    n,
                    m,
                    p,
                    version(KernelVersions.Family.SOFT_IOU));
        }
    }

    /** Whether the attention call runs unfused (no flash kernel for its head dim, or dropout); counted. */
    /** Whether the flash attention kernels take the call: a head dim they are built for, no dropout. */
    private static boolean fusedKernels(AttentionGeom g) {
        return kernelHeadDim(g.d()) && !g.drop().active();
    }

    private boolean unfusedAttention(AttentionGeom g) {
        if (fusedKernels(g)) return false;
        attentionUnfused.incrementAndGet();
        return true;
    }

    @Override
    public void attention(AttentionArgs a) {
        AttentionGeom g = a.geom();
        try (CudaDevice.Temp km = mask(a.keyMask())) {
            if (bf16(a, g)) {
                k.attentionFwdBf16(
                        stream,
                        p(a.out()),
                        p(a.lse()),
                        b16(a.q()),
                        b16(a.k()),
                        b16(a.v()),
                        ptr(km),
                        g.b(),
                        g.h(),
                        g.n(),
                        g.s(),
                        g.d(),
                        (float) g.scale(),
                        g.causal() ? 1 : 0,
                        version(KernelVersions.Family.ATTENTION_FWD));
                return;
            }
            if (unfusedAttention(g)) {
                unfused.forward(p(a.out()), p(a.lse()), p(a.q()), p(a.k()), p(a.v()), ptr(km), g);
                return;
            }
            k.attentionFwd(
                    stream,
                    p(a.out()),
                    p(a.lse()),
                    p(a.q()),
                    p(a.k()),
                    p(a.v()),
                    ptr(km),
                    g.b(),
                    g.h(),
                    g.n(),
                    g.s(),
                    g.d(),
                    (float) g.scale(),
                    g.causal() ? 1 : 0,
                    version(KernelVersions.Family.ATTENTION_FWD));
        }
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, AttentionArgs a) {
        AttentionGeom g = a.geom();
        long qSize = (long) g.b() * g.h() * g.n() * g.d(), kvSize = (long) g.b() * g.h() * g.s() * g.d();
        try (CudaDevice.Temp km = mask(a.keyMask());
                CudaDevice.Temp sq = scratch(dq, qSize);
                CudaDevice.Temp sk = scratch(dk, kvSize);
                CudaDevice.Temp sv = scratch(dv, kvSize)) {
            if (bf16(a, g)) {
                k.attentionBwdBf16(
                        stream,
                        p(dq, sq),
                        p(dk, sk),
                        p(dv, sv),
                        p(dout),
                        p(a.out()),
                        p(a.lse()),
                        b16(a.q()),
                        b16(a.k()),
                        b16(a.v()),
                        ptr(km),
                        g.b(),
                        g.h(),
                        g.n(),
                        g.s(),
                        g.d(),
                        (float) g.scale(),
                        g.causal() ? 1 : 0,
                        version(KernelVersions.Family.ATTENTION_BWD));
                return;
            }
            if (unfusedAttention(g)) { // the forward took the unfused path too
                unfused.backward(p(dq, sq), p(dk, sk), p(dv, sv), p(dout), p(a.q()), p(a.k()), p(a.v()), ptr(km), g);
                return;
            }
            k.attentionBwd(
                    stream,
                    p(dq, sq),
                    p(dk, sk),
                    p(dv, sv),
                    p(dout),
                    p(a.out()),
                    p(a.lse()),
                    p(a.q()),
                    p(a.k()),
                    p(a.v()),
                    ptr(km),
                    g.b(),
                    g.h(),
                    g.n(),
                    g.s(),
                    g.d(),
                    (float) g.scale(),
                    g.causal() ? 1 : 0,
                    version(KernelVersions.Family.ATTENTION_BWD));
        }
    }
}
