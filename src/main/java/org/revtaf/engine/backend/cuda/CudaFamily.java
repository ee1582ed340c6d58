package org.revtaf.engine.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.bindings.RevtafKernels;

/**
 * What every kernel family of the cuda backend holds: its device, the device's kernel library and
 * stream, and the family's counted host path ({@link HostFallback}) for what its kernels do not
 * cover.
 *
 * @param <K> the kernel-family interface ({@code ConvKernels}, {@code NormKernels}, ...)
 */
abstract class CudaFamily<K> {
    final CudaDevice dev;
    final RevtafKernels k;
    final MemorySegment stream;
    final K host;

    CudaFamily(CudaDevice dev, Class<K> family, Function<Backend, K> kernels) {
        this.dev = dev;
        this.k = dev.k;
        this.stream = dev.stream;
        this.host = HostFallback.of(family, kernels);
    }

    /** The kernel version of a family ({@link KernelVersions}; 0 = the kernel's default). */
    int version(KernelVersions.Family f) {
        return dev.versions.of(f);
    }
}
