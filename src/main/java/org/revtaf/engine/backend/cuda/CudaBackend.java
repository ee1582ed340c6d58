package org.revtaf.engine.backend.cuda;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.revtaf.engine.backend.BackendBase;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Storage;

/**
 * Backend for devices {@code cuda} (librevtaf_cuda.so on a GPU) and {@code cuda-emu} (the same
 * kernels under host emulation): tensors live in device memory ({@link CudaStorage}) from a caching
 * allocator, and every kernel family runs as CUDA kernels on one stream ({@link CudaDevice}):
 * elementwise, reduce, matmul, conv (with pooling and resize), norm, index, the REVTAF fused ops and
 * AdamW (attention without a flash kernel, or with dropout, runs unfused on the device). What those
 * kernels do not cover (dtypes other than float32 for the math, ranks above 8) takes the explicit,
 * counted host path ({@link HostFallback}), whose calls {@link #hostFallbacks} reports. Copies
 * between host and device are counted by caller ({@link #hostReads}, {@link #hostWrites}) and the
 * host's waits for the stream by {@link #streamSyncs}; kernel versions per family come from {@code
 * -Drevtaf.cuda.kernelVersion} ({@link KernelVersions}).
 */
public final class CudaBackend extends BackendBase {
    private final CudaDevice dev;
    private final Map<String, String> paths;

    CudaBackend(Device device, RevtafKernels library) {
        this(new CudaDevice(library, device));
    }

    private CudaBackend(CudaDevice dev) {
        this(dev, new CudaMatmul(dev), new CudaConv(dev), new CudaNorm(dev));
    }

    private CudaBackend(CudaDevice dev, CudaMatmul matmul, CudaConv conv, CudaNorm norm) {
        super(
                dev.device,
                new Kernels(
                        new CudaElementwise(dev),
                        new CudaReduce(dev),
                        matmul,
                        conv,
                        norm,
                        new CudaIndex(dev),
                        new CudaFused(dev),
                        new CudaOptim(dev)));
        this.dev = dev;
        this.paths = new LinkedHashMap<>();
        paths.put("gemm", matmul.path().name().toLowerCase(Locale.ROOT));
        paths.put("conv", conv.convPath());
        paths.put("pool", conv.poolPath());
        paths.put("norm", norm.path());
        paths.put("math", VendorChoice.Math.fromSystem().name().toLowerCase(Locale.ROOT));
    }

    /**
     * Which implementation each vendor-capable family runs ({@code gemm}: cublas, cublas_lt or own;
     * {@code conv}, {@code pool}, {@code norm}: cudnn or own) and the vendor math mode: what {@code
     * bench train-step} reports beside its figures.
     */
    public Map<String, String> vendorPaths() {
        return Collections.unmodifiableMap(paths);
    }

    @Override
    public Storage allocate(DType dtype, int n, boolean zero) {
        return new CudaStorage(dev, dtype, n, zero);
    }

    /** Host-path calls of the cuda backends so far, per kernel method (a snapshot). */
    public static Map<String, Long> hostFallbacks() {
        return HostFallback.calls();
    }

    /** The total of {@link #hostFallbacks}. */
    public static long hostFallbackCount() {
        return HostFallback.total();
    }

    /** Device-to-host copies (host reads of device memory) of the cuda backends so far. */
    public static long hostReads() {
        return HostCopies.reads();
    }

    /** Host-to-device copies of the cuda backends so far. */
    public static long hostWrites() {
        return HostCopies.writes();
    }

    /** {@link #hostReads} and {@link #hostWrites} by caller ({@code "read Losses.crossEntropy:35"}), a snapshot. */
    public static Map<String, Long> hostCopySites() {
        return HostCopies.sites();
    }

    /** Waits of the host for this backend's stream so far (downloads, full staging, synchronize). */
    public long streamSyncs() {
        return dev.staging.syncs();
    }

    /** Device bytes held by live tensors (allocator size classes). */
    public long currentBytes() {
        return dev.currentBytes();
    }

    /** The most device bytes held by live tensors since the start or the last {@link #resetPeak}. */
    public long peakBytes() {
        return dev.peakBytes();
    }

    /** Freed blocks the allocator keeps for reuse. */
    public long cachedBytes() {
        return dev.cachedBytes();
    }

    public void resetPeak() {
        dev.resetPeak();
    }

    /** Waits for the compute stream (timings, and before reading results by other means). */
    public void synchronize() {
        dev.staging.sync();
        dev.checkErrors();
    }
}
