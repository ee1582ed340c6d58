package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Allocator;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Storage;

/**
 * The kernels of one device: a {@link Kernels} table of kernel families plus the device's memory.
 * Ops (org.revtaf.engine.ops) validate shapes, allocate outputs and call these; every kernel signature
 * lists out-params first, then inputs, then sizes, then scalars, mirroring the C ABI of the cuda
 * kernels (kernels/include), with the same argument names.
 */
public interface Backend {
    /** The kernel families of a backend, one value. */
    record Kernels(
            ElementwiseKernels elementwise,
            ReduceKernels reduce,
            MatmulKernels matmul,
            ConvKernels conv,
            NormKernels norm,
            IndexKernels index,
            FusedKernels fused,
            OptimKernels optim) {}

    Device device();

    Kernels kernels();

    /**
     * Memory for n elements of a tensor on this device (zero-filled when asked). Host backends use
     * the pooled heap allocator; a device backend returns its {@link org.revtaf.engine.tensor.DeviceStorage}.
     */
    default Storage allocate(DType dtype, int n, boolean zero) {
        return Allocator.allocate(dtype, n, zero);
    }

    default ElementwiseKernels elementwise() {
        return kernels().elementwise();
    }

    default ReduceKernels reduce() {
        return kernels().reduce();
    }

    default MatmulKernels matmul() {
        return kernels().matmul();
    }

    default ConvKernels conv() {
        return kernels().conv();
    }

    default NormKernels norm() {
        return kernels().norm();
    }

    default IndexKernels index() {
        return kernels().index();
    }

    default FusedKernels fused() {
        return kernels().fused();
    }

    default OptimKernels optim() {
        return kernels().optim();
    }
}
