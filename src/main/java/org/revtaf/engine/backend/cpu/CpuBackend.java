package org.revtaf.engine.backend.cpu;

import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.BackendBase;
import org.revtaf.engine.backend.BackendProvider;
import org.revtaf.engine.tensor.Device;

/**
 * The fast CPU backend: float32 kernels with the Vector API and fork-join (the array kernels of
 * {@code backend/cpu/kernels}). The dispatcher sends every other dtype on the cpu device to the
 * reference backend.
 */
public final class CpuBackend extends BackendBase implements BackendProvider {
    public static final CpuBackend INSTANCE = new CpuBackend();

    /** The provider the dispatcher loads (META-INF/services); it hands out {@link #INSTANCE}. */
    public CpuBackend() {
        super(
                Device.CPU,
                new Kernels(
                        new CpuElementwise(),
                        new CpuReduce(),
                        new CpuMatmul(),
                        new CpuConv(),
                        new CpuNorm(),
                        new CpuIndex(),
                        new CpuFused(),
                        new CpuOptim()));
    }

    @Override
    public Backend create() {
        return INSTANCE;
    }
}
