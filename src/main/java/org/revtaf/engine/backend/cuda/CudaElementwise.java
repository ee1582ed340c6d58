package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.MAX_RANK;
import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.code;
import static org.revtaf.engine.backend.cuda.CudaArgs.f32;
import static org.revtaf.engine.backend.cuda.CudaArgs.strided;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.ElementwiseKernels;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;

/**
 * Elementwise kernels of the cuda backend (kernels/elementwise/elementwise.cu): one generic kernel
 * per shape of call, switching on the op, over the operands' own strides (broadcast strides 0), so
 * views never need a copy. Float32 for the math; fill and copy take every dtype the kernels know
 * (copy converts). Other dtypes and ranks above 8 take the counted host path.
 */
final class CudaElementwise extends CudaFamily<ElementwiseKernels> implements ElementwiseKernels {

    private final int version;

    CudaElementwise(CudaDevice d) {
        super(d, ElementwiseKernels.class, Backend::elementwise);
        this.version = d.versions.of(KernelVersions.Family.ELEMENTWISE);
    }

    @Override
    public void unary(Tensor out, Tensor x, int n, UnaryOp op, double a, double b) {
        if (!f32(out, x)) {
            host.unary(out, x, n, op, a, b);
            return;
        }
        k.unaryFwd(stream, at(out), at(x), n, op.ordinal(), (float) a, (float) b, version);
    }

    @Override
    public void unaryBackward(Tensor dx, Tensor dy, Tensor x, Tensor y, int n, UnaryOp op, double a, double b) {
        if (!f32(dx, dy, x, y)) {
            host.unaryBackward(dx, dy, x, y, n, op, a, b);
            return;
        }
        k.unaryBwd(stream, at(dx), at(dy), at(x), at(y), n, op.ordinal(), (float) a, (float) b, version);
    }

    @Override
    public void binary(Tensor out, Tensor a, Tensor b, BinaryOp op) {
        if (!f32(out, a, b) || !out.isContiguous() || out.rank() > MAX_RANK) {
            host.binary(out, a, b, op);
            return;
        }
        try (Arena ar = Arena.ofConfined()) {
            k.binary(
                    stream,
                    at(out),
                    at(a),
                    at(b),
                    strided(ar, out.shapeRef(), a, b),
                    out.rank(),
                    op.ordinal(),
                    version);
        }
    }

    @Override
    public void dropout(Tensor out, Tensor x, int n, DropoutMask mask) {
        if (!f32(out, x)) {
            host.dropout(out, x, n, mask);
            return;
        }
        k.dropout(stream, at(out), at(x), n, mask.key(), mask.threshold(), (float) mask.keepScale(), version);
    }

    @Override
    public void where(Tensor out, Tensor cond, Tensor a, Tensor b) {
        if (!f32(out, a, b) || !copyType(cond.dtype()) || !out.isContiguous() || out.rank() > MAX_RANK) {
            host.where(out, cond, a, b);
            return;
        }
        int r = out.rank();
        try (Arena ar = Arena.ofConfined()) {
            if (cond.dtype() == DType.FLOAT32) {
                k.where(stream, at(out), at(cond), at(a), at(b), strided(ar, out.shapeRef(), cond, a, b), r, version);
                return;
            }
            // an integer or float64 condition: converted to float32 (contiguous, out's shape) on the device
            try (CudaDevice.Temp c = dev.temp(4L * Math.max(1, out.numel()))) {
                long[] g = CudaArgs.geom(out.shapeRef(), out.stridesRef(), cond.stridesRef());
                k.copy(stream, c.ptr(), code(DType.FLOAT32), at(cond), code(cond.dtype()), CudaArgs.longs(ar, g), r);
                long[] w = CudaArgs.geom(out.shapeRef(), out.stridesRef(), a.stridesRef(), b.stridesRef());
                k.where(stream, at(out), c.ptr(), at(a), at(b), CudaArgs.longs(ar, w), r, version);
            }
        }
    }

    @Override
    public void fill(Tensor out, double value) {
        if (!copyType(out.dtype()) || !out.isContiguous()) {
            host.fill(out, value);
            return;
        }
        k.fill(stream, at(out), code(out.dtype()), value, out.numel());
    }

    @Override
    public void copy(Tensor out, Tensor x) {
        boolean sameShape = Arrays.equals(out.shapeRef(), x.shapeRef());
        boolean flat = !sameShape && out.isContiguous() && x.isContiguous() && out.numel() == x.numel();
        if (!copyType(out.dtype()) || !copyType(x.dtype()) || out.rank() > MAX_RANK || !(sameShape || flat)) {
            host.copy(out, x);
            return;
        }
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment geom = flat ? CudaArgs.longs(ar, out.numel(), 1, 1) : strided(ar, out.shapeRef(), out, x);
            k.copy(stream, at(out), code(out.dtype()), at(x), code(x.dtype()), geom, flat ? 1 : out.rank());
        }
    }

    /** The dtypes rt_copy converts between (its uint8 code means a 0/1 mask, not the UINT8 dtype). */
    private static boolean copyType(DType t) {
        return code(t) >= 0 && t != DType.UINT8;
    }
}
