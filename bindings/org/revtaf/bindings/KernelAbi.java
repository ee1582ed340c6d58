// GENERATED from kernels/include/revtaf_kernels.h by BindingGenerator (src/test/java/org/revtaf/bindings).
// Do not edit: change the header, then run
//   ./mvnw -B -o -q test -Dtest=GeneratedBindingsTest -Drevtaf.bindings.regenerate=true
package org.revtaf.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
import org.revtaf.RevtafException;

/**
 * The C ABI of the kernel library, one downcall per header function: each public method runs
 * rt_NAME with the header's arguments and hands its status to {@link #check}. Pointers are
 * device or host addresses as the header says; the stream is {@link MemorySegment#NULL} for
 * the default stream.
 */
public abstract class KernelAbi {
    private static final Linker LINKER = Linker.nativeLinker();
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
    private final MethodHandle ge;
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

    /** Binds every function of the header in the library behind lookup (a missing one is an error). */
    protected KernelAbi(SymbolLookup lookup, Path library) {
        lastError = bind(lookup, library, "rt_last_error", ADDRESS, JAVA_LONG);
        isEmulated = bind(lookup, library, "rt_is_emulated");
        deviceCount = bind(lookup, library, "rt_device_count", ADDRESS);
        malloc = bind(lookup, library, "rt_malloc", ADDRESS, JAVA_LONG);
        free = bind(lookup, library, "rt_free", ADDRESS);
        memcpyH2d = bind(lookup, library, "rt_memcpy_h2d", ADDRESS, ADDRESS, JAVA_LONG);
        memcpyD2h = bind(lookup, library, "rt_memcpy_d2h", ADDRESS, ADDRESS, JAVA_LONG);
        synchronize = bind(lookup, library, "rt_synchronize");
        memcpyD2d = bind(lookup, library, "rt_memcpy_d2d", ADDRESS, ADDRESS, JAVA_LONG);
        memset = bind(lookup, library, "rt_memset", ADDRESS, JAVA_INT, JAVA_LONG);
        deviceInfo = bind(lookup, library, "rt_device_info", ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        streamCreate = bind(lookup, library, "rt_stream_create", ADDRESS);
        streamDestroy = bind(lookup, library, "rt_stream_destroy", ADDRESS);
        streamSynchronize = bind(lookup, library, "rt_stream_synchronize", ADDRESS);
        eventCreate = bind(lookup, library, "rt_event_create", ADDRESS);
        eventDestroy = bind(lookup, library, "rt_event_destroy", ADDRESS);
        eventRecord = bind(lookup, library, "rt_event_record", ADDRESS, ADDRESS);
        eventElapsedMs = bind(lookup, library, "rt_event_elapsed_ms", ADDRESS, ADDRESS, ADDRESS);
        nvtxPush = bind(lookup, library, "rt_nvtx_push", ADDRESS);
        nvtxPop = bind(lookup, library, "rt_nvtx_pop");
        saxpy = bind(lookup, library, "rt_saxpy", ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_LONG);
        ge = bind(lookup, library, "rt_ge", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG);
        mobiusAddFwd = bind(lookup, library, "rt_mobius_add_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        mobiusAddBwd = bind(lookup, library, "rt_mobius_add_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        poincareMapFwd = bind(lookup, library, "rt_poincare_map_fwd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_INT);
        poincareMapBwd = bind(lookup, library, "rt_poincare_map_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_INT);
        mobiusMatvecFwd = bind(lookup, library, "rt_mobius_matvec_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        mobiusMatvecBwd = bind(lookup, library, "rt_mobius_matvec_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        poincareDistFwd = bind(lookup, library, "rt_poincare_dist_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        poincareDistBwd = bind(lookup, library, "rt_poincare_dist_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        sinkhornFwd = bind(lookup, library, "rt_sinkhorn_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_FLOAT, JAVA_INT);
        sinkhornBwd = bind(lookup, library, "rt_sinkhorn_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_INT);
        softIouFwd = bind(lookup, library, "rt_soft_iou_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT);
        softIouBwd = bind(lookup, library, "rt_soft_iou_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT);
        attentionFwd = bind(lookup, library, "rt_attention_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_INT);
        attentionBwd = bind(lookup, library, "rt_attention_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_INT);
    }

    private MethodHandle bind(SymbolLookup lookup, Path library, String name, MemoryLayout... args) {
        FunctionDescriptor fd = FunctionDescriptor.of(JAVA_INT, args);
        descriptors.put(name, fd);
        MemorySegment sym = lookup.find(name)
                .orElseThrow(() -> new RevtafException("symbol " + name + " missing in " + library));
        return LINKER.downcallHandle(sym, fd);
    }

    /** Descriptor of every bound function, by symbol. */
    public final Map<String, FunctionDescriptor> descriptors() {
        return Collections.unmodifiableMap(descriptors);
    }

    /** Turns a non-zero status into an exception. */
    protected abstract void check(int status);

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** rt_last_error */
    protected final int rtLastError(MemorySegment buf, long cap) {
        try { return (int) lastError.invokeExact(buf, cap); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_is_emulated */
    protected final int rtIsEmulated() {
        try { return (int) isEmulated.invokeExact(); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_device_count */
    public final void deviceCount(MemorySegment count) {
        try { check((int) deviceCount.invokeExact(count)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_malloc */
    public final void malloc(MemorySegment ptr, long bytes) {
        try { check((int) malloc.invokeExact(ptr, bytes)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_free */
    public final void free(MemorySegment ptr) {
        try { check((int) free.invokeExact(ptr)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memcpy_h2d */
    public final void memcpyH2d(MemorySegment dst, MemorySegment src, long bytes) {
        try { check((int) memcpyH2d.invokeExact(dst, src, bytes)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memcpy_d2h */
    public final void memcpyD2h(MemorySegment dst, MemorySegment src, long bytes) {
        try { check((int) memcpyD2h.invokeExact(dst, src, bytes)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_synchronize */
    public final void synchronize() {
        try { check((int) synchronize.invokeExact()); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memcpy_d2d */
    public final void memcpyD2d(MemorySegment dst, MemorySegment src, long bytes) {
        try { check((int) memcpyD2d.invokeExact(dst, src, bytes)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memset */
    public final void memset(MemorySegment dst, int value, long bytes) {
        try { check((int) memset.invokeExact(dst, value, bytes)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_device_info */
    public final void deviceInfo(MemorySegment name, long cap, MemorySegment sms, MemorySegment ccMajor, MemorySegment ccMinor, MemorySegment memGbps, MemorySegment fp32Gflops) {
        try { check((int) deviceInfo.invokeExact(name, cap, sms, ccMajor, ccMinor, memGbps, fp32Gflops)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_stream_create */
    public final void streamCreate(MemorySegment stream) {
        try { check((int) streamCreate.invokeExact(stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_stream_destroy */
    public final void streamDestroy(MemorySegment stream) {
        try { check((int) streamDestroy.invokeExact(stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_stream_synchronize */
    public final void streamSynchronize(MemorySegment stream) {
        try { check((int) streamSynchronize.invokeExact(stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_event_create */
    public final void eventCreate(MemorySegment event) {
        try { check((int) eventCreate.invokeExact(event)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_event_destroy */
    public final void eventDestroy(MemorySegment event) {
        try { check((int) eventDestroy.invokeExact(event)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_event_record */
    public final void eventRecord(MemorySegment event, MemorySegment stream) {
        try { check((int) eventRecord.invokeExact(event, stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_event_elapsed_ms */
    public final void eventElapsedMs(MemorySegment ms, MemorySegment start, MemorySegment end) {
        try { check((int) eventElapsedMs.invokeExact(ms, start, end)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_nvtx_push */
    public final void nvtxPush(MemorySegment name) {
        try { check((int) nvtxPush.invokeExact(name)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_nvtx_pop */
    public final void nvtxPop() {
        try { check((int) nvtxPop.invokeExact()); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_saxpy */
    public final void saxpy(MemorySegment stream, MemorySegment y, MemorySegment x, float a, long n) {
        try { check((int) saxpy.invokeExact(stream, y, x, a, n)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_ge */
    public final void ge(MemorySegment stream, MemorySegment out, MemorySegment a, long aStride, MemorySegment b, long bStride, long n) {
        try { check((int) ge.invokeExact(stream, out, a, aStride, b, bStride, n)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_mobius_add_fwd */
    public final void mobiusAddFwd(MemorySegment stream, MemorySegment out, MemorySegment x, MemorySegment y, long yStride, long n, long d, float c, int version) {
        try { check((int) mobiusAddFwd.invokeExact(stream, out, x, y, yStride, n, d, c, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_mobius_add_bwd */
    public final void mobiusAddBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment dout, MemorySegment x, MemorySegment y, long yStride, long n, long d, float c, int version) {
        try { check((int) mobiusAddBwd.invokeExact(stream, dx, dy, dout, x, y, yStride, n, d, c, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_poincare_map_fwd */
    public final void poincareMapFwd(MemorySegment stream, MemorySegment out, MemorySegment x, long n, long d, float c, int map, int version) {
        try { check((int) poincareMapFwd.invokeExact(stream, out, x, n, d, c, map, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_poincare_map_bwd */
    public final void poincareMapBwd(MemorySegment stream, MemorySegment dx, MemorySegment dout, MemorySegment x, long n, long d, float c, int map, int version) {
        try { check((int) poincareMapBwd.invokeExact(stream, dx, dout, x, n, d, c, map, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_mobius_matvec_fwd */
    public final void mobiusMatvecFwd(MemorySegment stream, MemorySegment out, MemorySegment w, MemorySegment x, long n, long m, long d, float c, int version) {
        try { check((int) mobiusMatvecFwd.invokeExact(stream, out, w, x, n, m, d, c, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_mobius_matvec_bwd */
    public final void mobiusMatvecBwd(MemorySegment stream, MemorySegment dw, MemorySegment dx, MemorySegment dout, MemorySegment w, MemorySegment x, long n, long m, long d, float c, int version) {
        try { check((int) mobiusMatvecBwd.invokeExact(stream, dw, dx, dout, w, x, n, m, d, c, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_poincare_dist_fwd */
    public final void poincareDistFwd(MemorySegment stream, MemorySegment out, MemorySegment x, MemorySegment y, long n, long m, long d, float c, int version) {
        try { check((int) poincareDistFwd.invokeExact(stream, out, x, y, n, m, d, c, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_poincare_dist_bwd */
    public final void poincareDistBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment dout, MemorySegment x, MemorySegment y, long n, long m, long d, float c, int version) {
        try { check((int) poincareDistBwd.invokeExact(stream, dx, dy, dout, x, y, n, m, d, c, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_sinkhorn_fwd */
    public final void sinkhornFwd(MemorySegment stream, MemorySegment plan, MemorySegment iters, MemorySegment uHist, MemorySegment vHist, MemorySegment cost, MemorySegment pixelMask, MemorySegment tokenMask, long b, long p, long t, float eps, int maxIter, float tol, int version) {
        try { check((int) sinkhornFwd.invokeExact(stream, plan, iters, uHist, vHist, cost, pixelMask, tokenMask, b, p, t, eps, maxIter, tol, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_sinkhorn_bwd */
    public final void sinkhornBwd(MemorySegment stream, MemorySegment dcost, MemorySegment dplan, MemorySegment plan, MemorySegment uHist, MemorySegment vHist, MemorySegment iters, MemorySegment cost, MemorySegment pixelMask, MemorySegment tokenMask, long b, long p, long t, float eps, int maxIter, int version) {
        try { check((int) sinkhornBwd.invokeExact(stream, dcost, dplan, plan, uHist, vHist, iters, cost, pixelMask, tokenMask, b, p, t, eps, maxIter, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_soft_iou_fwd */
    public final void softIouFwd(MemorySegment stream, MemorySegment out, MemorySegment a, MemorySegment g, long b, long n, long m, long p, int version) {
        try { check((int) softIouFwd.invokeExact(stream, out, a, g, b, n, m, p, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_soft_iou_bwd */
    public final void softIouBwd(MemorySegment stream, MemorySegment da, MemorySegment dg, MemorySegment dout, MemorySegment a, MemorySegment g, long b, long n, long m, long p, int version) {
        try { check((int) softIouBwd.invokeExact(stream, da, dg, dout, a, g, b, n, m, p, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_attention_fwd */
    public final void attentionFwd(MemorySegment stream, MemorySegment out, MemorySegment lse, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment keyMask, long b, long h, long n, long s, long d, float scale, int causal, int version) {
        try { check((int) attentionFwd.invokeExact(stream, out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_attention_bwd */
    public final void attentionBwd(MemorySegment stream, MemorySegment dq, MemorySegment dk, MemorySegment dv, MemorySegment dout, MemorySegment out, MemorySegment lse, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment keyMask, long b, long h, long n, long s, long d, float scale, int causal, int version) {
        try { check((int) attentionBwd.invokeExact(stream, dq, dk, dv, dout, out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }
}
