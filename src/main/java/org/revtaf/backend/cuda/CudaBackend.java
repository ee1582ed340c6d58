package org.revtaf.backend.cuda;

import org.revtaf.backend.Backend;
import org.revtaf.backend.ConvKernels;
import org.revtaf.backend.ElementwiseKernels;
import org.revtaf.backend.FusedKernels;
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
    private final RevtafKernels kernels;
    private final FusedKernels fused;
    private final ElementwiseKernels elementwise;
    private final ReduceKernels reduce;
    private final MatmulKernels matmul;
    private final ConvKernels conv;
    private final NormKernels norm;
    private final IndexKernels index;
    private final OptimKernels optim;

    CudaBackend(Device device, RevtafKernels kernels) {
        this.device = device;
        this.kernels = kernels;
        this.fused = new CudaFused(kernels);
        this.elementwise = new CudaElementwise(kernels);
        this.reduce = HostFallback.of(ReduceKernels.class, Backend::reduce);
        this.matmul = HostFallback.of(MatmulKernels.class, Backend::matmul);
        this.conv = HostFallback.of(ConvKernels.class, Backend::conv);
        this.norm = HostFallback.of(NormKernels.class, Backend::norm);
        this.index = HostFallback.of(IndexKernels.class, Backend::index);
        this.optim = HostFallback.of(OptimKernels.class, Backend::optim);
    }

    /** The kernel library behind this backend. */
    public RevtafKernels kernels() {
        return kernels;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Storage allocate(DType dtype, int n, boolean zero) {
        return new CudaStorage(kernels, device, dtype, n, zero);
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
}
