package org.revtaf.engine.backend.cuda;

import java.lang.foreign.MemorySegment;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.SplitMix;

/**
 * Attention on the device for what the flash kernels do not cover (head dims other than 32, 64,
 * 128; dropout on the probabilities): batched GEMMs (kernels/gemm) around the masked row softmax of
 * kernels/reduce (rt_attention_softmax_*, the {@link DropoutMask} of every other backend), the
 * (b h, n, s) score matrix materialised. Backward recomputes the scores and probabilities from q, k
 * and the saved lse. Same contract as the fused kernels: q, out (b h, n, d), k, v (b h, s, d), lse
 * (b h, n), key mask (b, s) uint8 or NULL.
 */
final class CudaUnfusedAttention {
    private final CudaDevice dev;
    private final RevtafKernels k;
    private final MemorySegment stream;
    private final int gemmVersion, softmaxVersion;

    CudaUnfusedAttention(CudaDevice dev) {
        this.dev = dev;
        this.k = dev.k;
        this.stream = dev.stream;
        this.gemmVersion = dev.versions.of(KernelVersions.Family.GEMM);
        this.softmaxVersion = dev.versions.of(KernelVersions.Family.ATTENTION_SOFTMAX);
    }

    /** c (bh, m, n) = op(a) op(b) for bh problems of dense row-major operands. */
    private void gemm(
            MemorySegment c,
            MemorySegment a,
            MemorySegment b,
            int bh,
            int m,
            int n,
            int kk,
            boolean ta,
            boolean tb,
            long strideA,
            long strideB) {
        k.gemm(stream, c, a, b, bh, m, n, kk, ta ? 1 : 0, tb ? 1 : 0, strideA, strideB, 1f, 0f, gemmVersion);
    }

    /** The kernels' form of a {@link DropoutMask}: key = mix64(seed), threshold = round(p 2^32); 0, 0 for none. */
    private record Drop(long key, long threshold, float scale) {
        static Drop of(DropoutMask d) {
            return d.active()
                    ? new Drop(SplitMix.mix64(d.seed()), Math.round(d.p() * 0x1p32), (float) d.keepScale())
                    : new Drop(0, 0, 1f);
        }
    }

    /** The masked, scaled softmax (with dropout) of the raw scores in p, in place; writes lse. */
    private void softmax(MemorySegment p, MemorySegment lse, MemorySegment keyMask, AttentionGeom g) {
        Drop drop = Drop.of(g.drop());
        k.attentionSoftmaxFwd(
                stream,
                p,
                lse,
                keyMask,
                g.b(),
                g.h(),
                g.n(),
                g.s(),
                (float) g.scale(),
                g.causal() ? 1 : 0,
                drop.key(),
                drop.threshold(),
                drop.scale(),
                softmaxVersion);
    }

    void forward(
            MemorySegment out,
            MemorySegment lse,
            MemorySegment q,
            MemorySegment kk,
            MemorySegment v,
            MemorySegment keyMask,
            AttentionGeom g) {
        int bh = g.b() * g.h(), n = g.n(), s = g.s(), d = g.d();
        try (CudaDevice.Temp p = dev.temp(4L * bh * n * s)) {
            gemm(p.ptr(), q, kk, bh, n, s, d, false, true, (long) n * d, (long) s * d); // scores q k^T
            softmax(p.ptr(), lse, keyMask, g);
            gemm(out, p.ptr(), v, bh, n, d, s, false, false, (long) n * s, (long) s * d); // p v
        }
    }

    void backward(
            MemorySegment dq,
            MemorySegment dk,
            MemorySegment dv,
            MemorySegment dout,
            MemorySegment q,
            MemorySegment kk,
            MemorySegment v,
            MemorySegment keyMask,
            AttentionGeom g) {
        int bh = g.b() * g.h(), n = g.n(), s = g.s(), d = g.d();
        long ns = 4L * bh * n * s;
        Drop drop = Drop.of(g.drop());
        try (CudaDevice.Temp scores = dev.temp(ns);
                CudaDevice.Temp p = dev.temp(ns);
                CudaDevice.Temp ds = dev.temp(ns);
                CudaDevice.Temp lse = dev.temp(4L * bh * n)) {
            gemm(scores.ptr(), q, kk, bh, n, s, d, false, true, (long) n * d, (long) s * d);
            k.memcpyD2dAsync(p.ptr(), scores.ptr(), ns, stream);
            softmax(p.ptr(), lse.ptr(), keyMask, g); // the probabilities after dropout, as in forward
            gemm(dv, p.ptr(), dout, bh, s, d, n, true, false, (long) n * s, (long) n * d); // p^T dout
            gemm(ds.ptr(), dout, v, bh, n, s, d, false, true, (long) n * d, (long) s * d); // dout v^T
            k.attentionSoftmaxBwd(
                    stream,
                    ds.ptr(),
                    scores.ptr(),
                    lse.ptr(),
                    keyMask,
                    g.b(),
                    g.h(),
                    n,
                    s,
                    (float) g.scale(),
                    g.causal() ? 1 : 0,
                    drop.key(),
                    drop.threshold(),
                    drop.scale(),
                    softmaxVersion);
            gemm(dq, ds.ptr(), kk, bh, n, d, s, false, false, (long) n * s, (long) s * d); // ds k
            gemm(dk, ds.ptr(), q, bh, s, d, n, true, false, (long) n * s, (long) n * d); // ds^T q
        }
    }
}
