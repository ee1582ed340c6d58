package org.revtaf.backend.cuda;

import java.lang.foreign.MemorySegment;
import org.revtaf.backend.Backend;
import org.revtaf.backend.BinaryOp;
import org.revtaf.backend.ElementwiseKernels;
import org.revtaf.backend.UnaryOp;
import org.revtaf.bindings.RevtafKernels;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Tensor;

/**
 * Elementwise kernels of the cuda backend: the comparison {@code ge} runs as the CUDA kernel rt_ge
 * when out is contiguous float32 and each input is contiguous or one broadcast value; everything
 * else runs on the host kernels through host copies ({@link HostFallback}).
 */
final class CudaElementwise implements ElementwiseKernels {
    private static final MemorySegment STREAM = MemorySegment.NULL;

    private final RevtafKernels k;
    private final ElementwiseKernels host = HostFallback.of(ElementwiseKernels.class, Backend::elementwise);

    CudaElementwise(RevtafKernels k) {
        this.k = k;
    }

    /** 1 for a contiguous input of n elements, 0 for one value broadcast to all, -1 otherwise. */
    private static int stride(Tensor t, int n) {
        if (t.isContiguous() && t.numel() == n) return 1;
        for (int s : t.stridesRef()) if (s != 0) return -1;
        return 0;
    }

    @Override
    public void binary(Tensor out, Tensor a, Tensor b, BinaryOp op) {
        int n = out.numel(), sa = stride(a, n), sb = stride(b, n);
        boolean f32 = out.dtype() == DType.FLOAT32 && a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32;
        if (op == BinaryOp.GE && f32 && out.isContiguous() && sa >= 0 && sb >= 0)
            k.ge(STREAM, CudaStorage.at(out), CudaStorage.at(a), sa, CudaStorage.at(b), sb, n);
        else host.binary(out, a, b, op);
    }

    @Override
    public void unary(Tensor out, Tensor x, int n, UnaryOp op, double a, double b) {
        host.unary(out, x, n, op, a, b);
    }

    @Override
    public void unaryBackward(Tensor dx, Tensor dy, Tensor x, Tensor y, int n, UnaryOp op, double a, double b) {
        host.unaryBackward(dx, dy, x, y, n, op, a, b);
    }

    @Override
    public void where(Tensor out, Tensor cond, Tensor a, Tensor b) {
        host.where(out, cond, a, b);
    }

    @Override
    public void fill(Tensor out, double value) {
        host.fill(out, value);
    }

    @Override
    public void copy(Tensor out, Tensor x) {
        host.copy(out, x);
    }
}
