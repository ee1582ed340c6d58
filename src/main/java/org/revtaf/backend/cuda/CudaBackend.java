package org.revtaf.backend.cuda;

import org.revtaf.backend.Backend;
import org.revtaf.backend.ConvKernels;
import org.revtaf.backend.IndexKernels;
import org.revtaf.backend.MatmulKernels;
import org.revtaf.backend.NormKernels;
import org.revtaf.backend.OptimKernels;
import org.revtaf.backend.ReduceKernels;
import org.revtaf.bindings.RevtafKernels;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Device;
import org.revtaf.tensor.Storage;

/**
 * Backend for devices {@code cuda} (librevtaf_cuda.so on a GPU) and {@code cuda-emu} (the same
 * kernels under host emulation): tensors live in device memory ({@link CudaStorage}); the REVTAF
 * fused ops run as CUDA kernels ({@link CudaFused}), and so does the comparison ge ({@link
 * CudaElementwise}); the other kernels (elementwise, reduce, matmul, conv, norm, index, optim) run on the host kernels through host copies ({@link HostFallback})
 * until they get kernels of their own.
 * Fused attention runs on the CUDA kernels for head dims 32, 64 and 128; any other head dim runs
 * (forward and backward) on the cpu backend through the same host copies.
 */
public final class CudaBackend implements Backend {
    private final Device device;
    private final RevtafKernels library;
    private final Kernels kernels;

    CudaBackend(Device device, RevtafKernels library) {
        this.device = device;
        this.library = library;
        this.kernels = new Kernels(
                new CudaElementwise(library),
                HostFallback.of(ReduceKernels.class, Backend::reduce),
                HostFallback.of(MatmulKernels.class, Backend::matmul),
                HostFallback.of(ConvKernels.class, Backend::conv),
                HostFallback.of(NormKernels.class, Backend::norm),
                HostFallback.of(IndexKernels.class, Backend::index),
                new CudaFused(library),
                HostFallback.of(OptimKernels.class, Backend::optim));
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public Storage allocate(DType dtype, int n, boolean zero) {
        return new CudaStorage(library, device, dtype, n, zero);
    }
}
