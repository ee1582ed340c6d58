package org.revtaf.backend;

import org.revtaf.tensor.Device;

/**
 * A table of kernel families for one device. Ops (org.revtaf.ops) validate shapes, allocate outputs
 * and call these; every kernel signature lists out-params first, then inputs, then sizes, then
 * scalars, mirroring the C ABI of the cuda kernels (kernels/include).
 */
public interface Backend {
    Device device();

    ElementwiseKernels elementwise();

    ReduceKernels reduce();

    MatmulKernels matmul();

    ConvKernels conv();

    NormKernels norm();

    IndexKernels index();

    FusedKernels fused();
}
