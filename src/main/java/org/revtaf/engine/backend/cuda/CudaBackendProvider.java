package org.revtaf.engine.backend.cuda;

import org.revtaf.RevtafException;
import org.revtaf.engine.backend.BackendProvider;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.Device;

/**
 * Registers {@link CudaBackend} for one device. ServiceLoader needs a public no-argument class per
 * device: {@link Cuda} and {@link CudaEmu} (listed in
 * META-INF/services/org.revtaf.engine.backend.BackendProvider). {@code cuda} is unavailable, with the
 * bindings' clear reason, when the library was not built or no driver/GPU is present.
 */
public abstract class CudaBackendProvider implements BackendProvider {
    private final Device device;

    CudaBackendProvider(Device device) {
        this.device = device;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String unavailableReason() {
        try {
            RevtafKernels.forDevice(device.cliName());
            return null;
        } catch (RevtafException e) {
            return e.getMessage();
        }
    }

    @Override
    public CudaBackend create() {
        return new CudaBackend(device, RevtafKernels.forDevice(device.cliName()));
    }

    /** Device {@code cuda}: librevtaf_cuda.so on a real GPU. */
    public static final class Cuda extends CudaBackendProvider {
        public Cuda() {
            super(Device.CUDA);
        }
    }

    /** Device {@code cuda-emu}: librevtaf_emu.so, the same kernels under host emulation. */
    public static final class CudaEmu extends CudaBackendProvider {
        public CudaEmu() {
            super(Device.CUDA_EMU);
        }
    }
}
