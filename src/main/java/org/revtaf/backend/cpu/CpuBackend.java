package org.revtaf.backend.cpu;

import org.revtaf.backend.Backend;
import org.revtaf.backend.BackendProvider;
import org.revtaf.tensor.Device;

/**
 * The fast CPU backend: float32 kernels with the Vector API and fork-join, delegating to cpukern's
 * array kernels (org.revtaf.backend.cpu.kernels) and revops' fused kernels
 * (org.revtaf.backend.fused). It is a float32 backend: float64 tensors on the cpu device run the
 * reference kernels.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private final Kernels kernels = new Kernels(
            new CpuElementwise(),
            new CpuReduce(),
            new CpuMatmul(),
            new CpuConv(),
            new CpuNorm(),
            new CpuIndex(),
            new CpuFused(),
            new CpuOptim());

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Kernels kernels() {
        return kernels;
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
