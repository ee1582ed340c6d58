package org.revtaf.backend.cpu;

import org.revtaf.backend.Backend;
import org.revtaf.backend.BackendProvider;
import org.revtaf.backend.ConvKernels;
import org.revtaf.backend.ElementwiseKernels;
import org.revtaf.backend.FusedKernels;
import org.revtaf.backend.IndexKernels;
import org.revtaf.backend.MatmulKernels;
import org.revtaf.backend.NormKernels;
import org.revtaf.backend.OptimKernels;
import org.revtaf.backend.ReduceKernels;
import org.revtaf.tensor.Device;

/**
 * The fast CPU backend: float32 kernels with the Vector API and fork-join, delegating to cpukern's
 * array kernels (org.revtaf.backend.cpu.kernels) and revops' fused kernels
 * (org.revtaf.backend.fused). It is a float32 backend: float64 tensors on the cpu device run the
 * reference kernels.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private final CpuElementwise elementwise = new CpuElementwise();
    private final CpuReduce reduce = new CpuReduce();
    private final CpuMatmul matmul = new CpuMatmul();
    private final CpuConv conv = new CpuConv();
    private final CpuNorm norm = new CpuNorm();
    private final CpuIndex index = new CpuIndex();

    private final CpuFused fused = new CpuFused();
    private final CpuOptim optim = new CpuOptim();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public ElementwiseKernels elementwise() {
        return elementwise;
    }

    @Override
    public ReduceKernels reduce() {
        return reduce;
    }

    @Override
    public MatmulKernels matmul() {
        return matmul;
    }

    @Override
    public ConvKernels conv() {
        return conv;
    }

    @Override
    public NormKernels norm() {
        return norm;
    }

    @Override
    public IndexKernels index() {
        return index;
    }

    @Override
    public FusedKernels fused() {
        return fused;
    }

    @Override
    public OptimKernels optim() {
        return optim;
    }

    /** Registers this backend with the dispatcher (META-INF/services/org.revtaf.backend.BackendProvider). */
    public static final class Provider implements BackendProvider {
        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public Backend create() {
            return INSTANCE;
        }
    }
}
