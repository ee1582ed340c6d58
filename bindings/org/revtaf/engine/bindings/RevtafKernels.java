package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.revtaf.RevtafException;

/**
 * The kernel library of one device: librevtaf_cuda.so for {@code cuda}, librevtaf_emu.so for
 * {@code cuda-emu}. Every function of kernels/include/revtaf_kernels.h is a method of the generated
 * {@link KernelAbi} (a non-zero status becomes a {@link KernelException} carrying rt_last_error());
 * this class adds the library lookup and the runtime calls with out-parameters as plain Java
 * results (malloc, device count and info, streams, events, NVTX names). Pointers are zero-length
 * {@link MemorySegment}s from {@link #malloc}; the stream is {@link MemorySegment#NULL} for the
 * default stream.
 */
public final class RevtafKernels extends KernelAbi {
    private static final Map<String, RevtafKernels> BY_DEVICE = new ConcurrentHashMap<>();

    private final String device;
    private final Path library;

    private RevtafKernels(String device, Path library) {
        super(NativeLibrary.loadPath(library), library);
        this.device = device;
        this.library = library;
    }

    /**
     * The kernel library for a device: {@code cuda-emu} (host emulation, always available) or
     * {@code cuda} (a real GPU; a clear {@link RevtafException} when the library was not built or no
     * driver/GPU is present - never a crash).
     */
    public static RevtafKernels forDevice(String device) {
        return BY_DEVICE.computeIfAbsent(device, RevtafKernels::open);
    }

    /** Binds a kernel library at an explicit path (same ABI), without the device check. */
    public static RevtafKernels load(String device, Path library) {
        return new RevtafKernels(device, library);
    }

    private static RevtafKernels open(String device) {
        return switch (device) {
            case "cuda-emu" -> new RevtafKernels(device, locateOrThrow("librevtaf_emu.so", device));
            case "cuda" -> {
                RevtafKernels k = new RevtafKernels(device, locateOrThrow("librevtaf_cuda.so", device));
                k.requireGpu();
                yield k;
            }
            default -> throw new RevtafException("unknown kernel device '" + device + "' (cuda, cuda-emu)");
        };
    }

    private static Path locateOrThrow(String file, String device) {
        Path p = NativeLibrary.locate(file);
        if (p == null) {
            throw new RevtafException("device " + device + ": " + file + " is not built"
                    + ("cuda".equals(device) ? " (nvcc was not found when the project was built)" : "")
                    + "; looked in -D" + NativeLibrary.DIR_PROPERTY + " and the jar");
        }
        return p;
    }

    private void requireGpu() {
        int count;
        try {
            count = deviceCount();
        } catch (KernelException e) {
            throw new RevtafException(
                    "device cuda: no usable NVIDIA GPU (the CUDA driver libcuda.so.1 or the GPU is" + " missing: "
                            + e.nativeMessage() + "); --device cuda-emu runs the same kernels under host emulation");
        }
        if (count < 1) {
            throw new RevtafException("device cuda: the CUDA driver reports no GPU; --device cuda-emu runs the same"
                    + " kernels under host emulation");
        }
    }

    public String device() {
        return device;
    }

    public Path library() {
        return library;
    }

    @Override
    protected void check(int status) {
        if (status != 0) {
            throw new KernelException(status, lastError());
        }
    }

    /** rt_last_error() of this thread. */
    public String lastError() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(2048);
            rtLastError(buf, 2048L);
            return buf.getString(0);
        }
    }

    public boolean isEmulated() {
        return rtIsEmulated() == 1;
    }

    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            deviceCount(n);
            return n.get(JAVA_INT, 0);
        }
    }

    /** Device memory of {@code bytes} bytes (a zero-length segment holding the device address). */
    public MemorySegment malloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            malloc(p, bytes);
            return p.get(ADDRESS, 0);
        }
    }

    /** What the device is and its peaks (0 = unknown; the emulator has none). */
    public record DeviceInfo(String name, int sms, int ccMajor, int ccMinor, double memGbps, double fp32Gflops) {}

    public DeviceInfo deviceInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocate(256);
            MemorySegment sms = a.allocate(JAVA_INT);
            MemorySegment maj = a.allocate(JAVA_INT);
            MemorySegment min = a.allocate(JAVA_INT);
            MemorySegment bw = a.allocate(JAVA_DOUBLE);
            MemorySegment fl = a.allocate(JAVA_DOUBLE);
            deviceInfo(name, 256L, sms, maj, min, bw, fl);
            return new DeviceInfo(
                    name.getString(0),
                    sms.get(JAVA_INT, 0),
                    maj.get(JAVA_INT, 0),
                    min.get(JAVA_INT, 0),
                    bw.get(JAVA_DOUBLE, 0),
                    fl.get(JAVA_DOUBLE, 0));
        }
    }

    public MemorySegment streamCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            streamCreate(p);
            return p.get(ADDRESS, 0);
        }
    }

    public MemorySegment eventCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            eventCreate(p);
            return p.get(ADDRESS, 0);
        }
    }

    /** Milliseconds between two recorded events (waits for {@code end}). */
    public float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            eventElapsedMs(ms, start, end);
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    /** Opens an NVTX range (shown by Nsight Systems; a no-op under emulation). */
    public void nvtxPush(String name) {
        try (Arena a = Arena.ofConfined()) {
            nvtxPush(a.allocateFrom(name));
        }
    }
}
