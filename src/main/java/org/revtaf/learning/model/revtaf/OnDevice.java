package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;

/**
 * Masks, casts and index constants the REVTAF losses build from tensors already on their device,
 * with tensor ops only: nothing here reads device memory on the host or uploads a host array, so
 * a training step on a GPU makes no copy (and no stream synchronisation) for its masks and targets
 * (issue 17). Values that pass through float32 are small integers (counts, positions, token ids
 * below 2^24), which float32 holds exactly.
 */
final class OnDevice {
    private OnDevice() {}

    /** A copy of x converted to dtype, on x's device (no autograd: for masks, counts and indices). */
    static Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == dtype) return x;
        Tensor out = Tensor.empty(x.device(), dtype, x.shapeRef());
        F.copyInto(out, x);
        return out;
    }

    /** 1 where mask != 0, else 0, as dtype (the shape of mask). */
    static Tensor nonZero(Tensor mask, DType dtype) {
        Device d = mask.device();
        return F.where(mask, Tensor.ones(d, dtype), Tensor.zeros(d, dtype));
    }

    /**
     * 0, 1, ..., n-1 (shape (n)) as dtype, built on the device by doubling from a zero-filled element
     * (concat(a, a + len)), so no host array is uploaded; exact for n below 2^24.
     */
    static Tensor arange(Device device, DType dtype, int n) {
        if (n < 1 || n >= 1 << 24) throw new RevtafException("on-device arange: length " + n + " not in [1, 2^24)");
        Tensor a = Tensor.zeros(device, DType.FLOAT32, 1);
        while (a.shape(0) < n) a = F.concat(0, a, F.addScalar(a, a.shape(0)));
        return cast(F.slice(a, 0, 0, n).contiguous(), dtype);
    }

    /**
     * The column numbers that drop the diagonal of a (b, b) matrix: int64 (b, b - 1), row i holding
     * 0..b-1 without i (k for k &lt; i, k + 1 from i on). Built on the device outside any scope, for
     * a caller to keep while b stays the same.
     */
    static Tensor offDiagonalColumns(Device device, int b) {
        if (b < 2) throw new RevtafException("off-diagonal columns: a batch of " + b + " has none");
        try (Scope s = Scope.suspend()) {
            Tensor k = arange(device, DType.FLOAT32, b - 1).reshape(1, b - 1); // (1, b-1)
            Tensor i = arange(device, DType.FLOAT32, b).reshape(b, 1); // (b, 1)
            return cast(F.add(k, F.ge(k, i)), DType.INT64); // (b, b-1): k + [k >= i]
        }
    }
}
