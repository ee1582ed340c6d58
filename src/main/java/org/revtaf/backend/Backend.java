package org.revtaf.backend;

import org.revtaf.tensor.Allocator;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Device;
import org.revtaf.tensor.Storage;

/**
 * A table of kernel families for one device. Ops (org.revtaf.ops) validate shapes, allocate outputs
 * and call these; every kernel signature lists out-params first, then inputs, then sizes, then
 * scalars, mirroring the C ABI of the cuda kernels (kernels/include).
 */
public interface Backend {
    Device device();

    /**
     * Memory for n elements of a tensor on this device (zero-filled when asked). Host backends use
     * the pooled heap allocator; a device backend returns its {@link org.revtaf.tensor.DeviceStorage}.
     */
    default Storage allocate(DType dtype, int n, boolean zero) {
        return Allocator.allocate(dtype, n, zero);
    }

    ElementwiseKernels elementwise();

    ReduceKernels reduce();

    MatmulKernels matmul();

    ConvKernels conv();

    NormKernels norm();

    IndexKernels index();

    FusedKernels fused();

    OptimKernels optim();
}
