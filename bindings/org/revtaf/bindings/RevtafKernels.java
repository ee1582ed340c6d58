package org.revtaf.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.revtaf.RevtafException;

/**
 * FFM downcalls for kernels/include/revtaf_kernels.h: one {@link MethodHandle} and one method per
 * ABI symbol, bound to one library (librevtaf_cuda.so for device {@code cuda}, librevtaf_emu.so for
 * {@code cuda-emu}). Every method turns a non-zero status into a {@link KernelException} carrying
 * rt_last_error(). Pointers are zero-length {@link MemorySegment}s from {@link #malloc}; the stream
 * is {@link MemorySegment#NULL} for the default stream. Argument order and meaning: the header.
 */
public final class RevtafKernels {
    private static final Map<String, RevtafKernels> BY_DEVICE = new ConcurrentHashMap<>();
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout A = ADDRESS;
    private static final MemoryLayout L = JAVA_LONG;
    private static final MemoryLayout I = JAVA_INT;
    private static final MemoryLayout F = JAVA_FLOAT;

    private final String device;
    private final Path library;
    private final SymbolLookup lookup;
    private final Map<String, FunctionDescriptor> descriptors = new LinkedHashMap<>();

    private final MethodHandle lastError;
    private final MethodHandle isEmulated;
    private final MethodHandle deviceCount;
    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle memcpyH2d;
    private final MethodHandle memcpyD2h;
    private final MethodHandle synchronize;
    private final MethodHandle memcpyD2d;
    private final MethodHandle memset;
    private final MethodHandle deviceInfo;
    private final MethodHandle streamCreate;
    private final MethodHandle streamDestroy;
    private final MethodHandle streamSynchronize;
    private final MethodHandle eventCreate;
    private final MethodHandle eventDestroy;
    private final MethodHandle eventRecord;
    private final MethodHandle eventElapsedMs;
    private final MethodHandle nvtxPush;
    private final MethodHandle nvtxPop;
    private final MethodHandle saxpy;
    private final MethodHandle mobiusAddFwd;
    private final MethodHandle mobiusAddBwd;
    private final MethodHandle poincareMapFwd;
    private final MethodHandle poincareMapBwd;
    private final MethodHandle mobiusMatvecFwd;
    private final MethodHandle mobiusMatvecBwd;
    private final MethodHandle poincareDistFwd;
    private final MethodHandle poincareDistBwd;
    private final MethodHandle sinkhornFwd;
    private final MethodHandle sinkhornBwd;
    private final MethodHandle softIouFwd;
    private final MethodHandle softIouBwd;
    private final MethodHandle attentionFwd;
    private final MethodHandle attentionBwd;

    private RevtafKernels(String device, Path library) {
        this.device = device;
        this.library = library;
        this.lookup = NativeLibrary.loadPath(library);
        lastError = bind("rt_last_error", A, L);
        isEmulated = bind("rt_is_emulated");
        deviceCount = bind("rt_device_count", A);
        malloc = bind("rt_malloc", A, L);
        free = bind("rt_free", A);
        memcpyH2d = bind("rt_memcpy_h2d", A, A, L);
        memcpyD2h = bind("rt_memcpy_d2h", A, A, L);
        synchronize = bind("rt_synchronize");
        memcpyD2d = bind("rt_memcpy_d2d", A, A, L);
        memset = bind("rt_memset", A, I, L);
        deviceInfo = bind("rt_device_info", A, L, A, A, A, A, A);
        streamCreate = bind("rt_stream_create", A);
        streamDestroy = bind("rt_stream_destroy", A);
        streamSynchronize = bind("rt_stream_synchronize", A);
        eventCreate = bind("rt_event_create", A);
        eventDestroy = bind("rt_event_destroy", A);
        eventRecord = bind("rt_event_record", A, A);
        eventElapsedMs = bind("rt_event_elapsed_ms", A, A, A);
        nvtxPush = bind("rt_nvtx_push", A);
        nvtxPop = bind("rt_nvtx_pop");
        saxpy = bind("rt_saxpy", A, A, A, F, L);
        mobiusAddFwd = bind("rt_mobius_add_fwd", A, A, A, A, L, L, L, F, I);
        mobiusAddBwd = bind("rt_mobius_add_bwd", A, A, A, A, A, A, L, L, L, F, I);
        poincareMapFwd = bind("rt_poincare_map_fwd", A, A, A, L, L, F, I, I);
        poincareMapBwd = bind("rt_poincare_map_bwd", A, A, A, A, L, L, F, I, I);
        mobiusMatvecFwd = bind("rt_mobius_matvec_fwd", A, A, A, A, L, L, L, F, I);
        mobiusMatvecBwd = bind("rt_mobius_matvec_bwd", A, A, A, A, A, A, L, L, L, F, I);
        poincareDistFwd = bind("rt_poincare_dist_fwd", A, A, A, A, L, L, L, F, I);
        poincareDistBwd = bind("rt_poincare_dist_bwd", A, A, A, A, A, A, L, L, L, F, I);
        sinkhornFwd = bind("rt_sinkhorn_fwd", A, A, A, A, A, A, A, A, L, L, L, F, I, F, I);
        sinkhornBwd = bind("rt_sinkhorn_bwd", A, A, A, A, A, A, A, A, A, A, L, L, L, F, I, I);
        softIouFwd = bind("rt_soft_iou_fwd", A, A, A, A, L, L, L, L, I);
        softIouBwd = bind("rt_soft_iou_bwd", A, A, A, A, A, A, L, L, L, L, I);
        attentionFwd = bind("rt_attention_fwd", A, A, A, A, A, A, A, L, L, L, L, L, F, I, I);
        attentionBwd = bind("rt_attention_bwd", A, A, A, A, A, A, A, A, A, A, A, L, L, L, L, L, F, I, I);
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

    private MethodHandle bind(String name, MemoryLayout... args) {
        FunctionDescriptor fd = FunctionDescriptor.of(JAVA_INT, args);
        descriptors.put(name, fd);
        MemorySegment sym =
                lookup.find(name).orElseThrow(() -> new RevtafException("symbol " + name + " missing in " + library));
        return LINKER.downcallHandle(sym, fd);
    }

    /** Descriptor of every bound ABI symbol (what the header check test compares with). */
    public Map<String, FunctionDescriptor> descriptors() {
        return Collections.unmodifiableMap(descriptors);
    }

    public String device() {
        return device;
    }

    public Path library() {
        return library;
    }

    // ---- status handling ------------------------------------------------------------------------

    /** rt_last_error() of this thread. */
    public String lastError() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(2048);
            int unused = (int) lastError.invokeExact(buf, 2048L);
            return buf.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void check(int status) {
        if (status != 0) {
            throw new KernelException(status, lastError());
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- runtime ---------------------------------------------------------------------------------

    public boolean isEmulated() {
        try {
            return (int) isEmulated.invokeExact() == 1;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            check((int) deviceCount.invokeExact(n));
            return n.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Device memory of {@code bytes} bytes (a zero-length segment holding the device address). */
    public MemorySegment malloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) malloc.invokeExact(p, bytes));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void free(MemorySegment ptr) {
        try {
            check((int) free.invokeExact(ptr));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memcpyH2d(MemorySegment dst, MemorySegment src, long bytes) {
        try {
            check((int) memcpyH2d.invokeExact(dst, src, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memcpyD2h(MemorySegment dst, MemorySegment src, long bytes) {
        try {
            check((int) memcpyD2h.invokeExact(dst, src, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memcpyD2d(MemorySegment dst, MemorySegment src, long bytes) {
        try {
            check((int) memcpyD2d.invokeExact(dst, src, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memset(MemorySegment dst, int value, long bytes) {
        try {
            check((int) memset.invokeExact(dst, value, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void synchronize() {
        try {
            check((int) synchronize.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
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
            check((int) deviceInfo.invokeExact(name, 256L, sms, maj, min, bw, fl));
            return new DeviceInfo(
                    name.getString(0),
                    sms.get(JAVA_INT, 0),
                    maj.get(JAVA_INT, 0),
                    min.get(JAVA_INT, 0),
                    bw.get(JAVA_DOUBLE, 0),
                    fl.get(JAVA_DOUBLE, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment streamCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) streamCreate.invokeExact(p));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void streamDestroy(MemorySegment stream) {
        try {
            check((int) streamDestroy.invokeExact(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void streamSynchronize(MemorySegment stream) {
        try {
            check((int) streamSynchronize.invokeExact(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment eventCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) eventCreate.invokeExact(p));
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void eventDestroy(MemorySegment event) {
        try {
            check((int) eventDestroy.invokeExact(event));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void eventRecord(MemorySegment event, MemorySegment stream) {
        try {
            check((int) eventRecord.invokeExact(event, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Milliseconds between two recorded events (waits for {@code end}). */
    public float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            check((int) eventElapsedMs.invokeExact(ms, start, end));
            return ms.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Opens an NVTX range (shown by Nsight Systems; a no-op under emulation). */
    public void nvtxPush(String name) {
        try (Arena a = Arena.ofConfined()) {
            check((int) nvtxPush.invokeExact(a.allocateFrom(name)));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void nvtxPop() {
        try {
            check((int) nvtxPop.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- kernels (arguments exactly as in revtaf_kernels.h) ---------------------------------------

    public void saxpy(MemorySegment stream, MemorySegment y, MemorySegment x, float a, long n) {
        try {
            check((int) saxpy.invokeExact(stream, y, x, a, n));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** yStride = d (y is (n, d)) or 0 (one y row broadcast). */
    public void mobiusAddFwd(
            MemorySegment stream,
            MemorySegment out,
            MemorySegment x,
            MemorySegment y,
            long yStride,
            long n,
            long d,
            float c,
            int version) {
        try {
            check((int) mobiusAddFwd.invokeExact(stream, out, x, y, yStride, n, d, c, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void mobiusAddBwd(
            MemorySegment stream,
            MemorySegment dx,
            MemorySegment dy,
            MemorySegment dout,
            MemorySegment x,
            MemorySegment y,
            long yStride,
            long n,
            long d,
            float c,
            int version) {
        try {
            check((int) mobiusAddBwd.invokeExact(stream, dx, dy, dout, x, y, yStride, n, d, c, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** op: 0 expmap0, 1 logmap0, 2 proj. */
    public void poincareMapFwd(
            MemorySegment stream, MemorySegment out, MemorySegment x, long n, long d, float c, int op, int version) {
        try {
            check((int) poincareMapFwd.invokeExact(stream, out, x, n, d, c, op, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void poincareMapBwd(
            MemorySegment stream,
            MemorySegment dx,
            MemorySegment dout,
            MemorySegment x,
            long n,
            long d,
            float c,
            int op,
            int version) {
        try {
            check((int) poincareMapBwd.invokeExact(stream, dx, dout, x, n, d, c, op, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void mobiusMatvecFwd(
            MemorySegment stream,
            MemorySegment out,
            MemorySegment m,
            MemorySegment x,
            long n,
            long r,
            long d,
            float c,
            int version) {
        try {
            check((int) mobiusMatvecFwd.invokeExact(stream, out, m, x, n, r, d, c, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void mobiusMatvecBwd(
            MemorySegment stream,
            MemorySegment dm,
            MemorySegment dx,
            MemorySegment dout,
            MemorySegment m,
            MemorySegment x,
            long n,
            long r,
            long d,
            float c,
            int version) {
        try {
            check((int) mobiusMatvecBwd.invokeExact(stream, dm, dx, dout, m, x, n, r, d, c, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void poincareDistFwd(
            MemorySegment stream,
            MemorySegment dist,
            MemorySegment x,
            MemorySegment y,
            long n,
            long m,
            long d,
            float c,
            int version) {
        try {
            check((int) poincareDistFwd.invokeExact(stream, dist, x, y, n, m, d, c, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void poincareDistBwd(
            MemorySegment stream,
            MemorySegment dx,
            MemorySegment dy,
            MemorySegment ddist,
            MemorySegment x,
            MemorySegment y,
            long n,
            long m,
            long d,
            float c,
            int version) {
        try {
            check((int) poincareDistBwd.invokeExact(stream, dx, dy, ddist, x, y, n, m, d, c, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** iters: one int32 (K); uHist (maxIter+1, b, p), vHist (maxIter+1, b, t); masks may be NULL. */
    public void sinkhornFwd(
            MemorySegment stream,
            MemorySegment plan,
            MemorySegment iters,
            MemorySegment uHist,
            MemorySegment vHist,
            MemorySegment cost,
            MemorySegment rowMask,
            MemorySegment colMask,
            long b,
            long p,
            long t,
            float eps,
            int maxIter,
            float tol,
            int version) {
        try {
            check((int) sinkhornFwd.invokeExact(
                    stream, plan, iters, uHist, vHist, cost, rowMask, colMask, b, p, t, eps, maxIter, tol, version));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public void sinkhornBwd(
            MemorySegment stream,
            MemorySegment dcost,
            MemorySegment dplan,
            MemorySegment plan,
            MemorySegment uHist,
            MemorySegment vHist,
            MemorySegment iters,
            MemorySegment cost,
            MemorySegment rowMask,
            MemorySegment colMask,
            long b,
            long p,
            long t,
            float eps,
            int maxIter,
            int version) {
        try {
            check((int) sinkhornBwd.invokeExact(
                    stream, dcost, dplan, plan, uHist, vHist, iters, cost, rowMask, colMask, b, p, t, eps, maxIter,
                    version));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public void softIouFwd(
            MemorySegment stream,
            MemorySegment iou,
            MemorySegment a,
            MemorySegment g,
            long b,
            long n,
            long m,
            long p,
            int version) {
        try {
            check((int) softIouFwd.invokeExact(stream, iou, a, g, b, n, m, p, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void softIouBwd(
            MemorySegment stream,
            MemorySegment da,
            MemorySegment dg,
            MemorySegment diou,
            MemorySegment a,
            MemorySegment g,
            long b,
            long n,
            long m,
            long p,
            int version) {
        try {
            check((int) softIouBwd.invokeExact(stream, da, dg, diou, a, g, b, n, m, p, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void attentionFwd(
            MemorySegment stream,
            MemorySegment out,
            MemorySegment lse,
            MemorySegment q,
            MemorySegment k,
            MemorySegment v,
            MemorySegment keyMask,
            long b,
            long h,
            long n,
            long s,
            long d,
            float scale,
            int causal,
            int version) {
        try {
            check((int) attentionFwd.invokeExact(
                    stream, out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void attentionBwd(
            MemorySegment stream,
            MemorySegment dq,
            MemorySegment dk,
            MemorySegment dv,
            MemorySegment dout,
            MemorySegment out,
            MemorySegment lse,
            MemorySegment q,
            MemorySegment k,
            MemorySegment v,
            MemorySegment keyMask,
            long b,
            long h,
            long n,
            long s,
            long d,
            float scale,
            int causal,
            int version) {
        try {
            check((int) attentionBwd.invokeExact(
                    stream, dq, dk, dv, dout, out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, version));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
