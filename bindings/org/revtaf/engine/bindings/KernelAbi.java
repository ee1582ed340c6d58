// GENERATED from kernels/include/revtaf_kernels.h by BindingGenerator (src/test/java/org/revtaf/engine/bindings).
// Do not edit: change the header, then run
//   ./mvnw -B -o -q test -Dtest=GeneratedBindingsTest -Drevtaf.bindings.regenerate=true
package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The C ABI of the kernel library, one downcall per header function: each public method runs
 * rt_NAME with the header's arguments and hands its status to {@link #check}. Pointers are
 * device or host addresses as the header says; the stream is {@link MemorySegment#NULL} for
 * the default stream. Binding and status handling are {@link DowncallTable}'s.
 */
public abstract class KernelAbi extends DowncallTable {
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
    private final MethodHandle attentionFwdBf16;
    private final MethodHandle attentionBwdBf16;
    private final MethodHandle mallocHost;
    private final MethodHandle freeHost;
    private final MethodHandle memcpyH2dAsync;
    private final MethodHandle memcpyD2hAsync;
    private final MethodHandle memcpyD2dAsync;
    private final MethodHandle memsetAsync;
    private final MethodHandle unaryFwd;
    private final MethodHandle unaryBwd;
    private final MethodHandle binary;
    private final MethodHandle where;
    private final MethodHandle fill;
    private final MethodHandle copy;
    private final MethodHandle dropout;
    private final MethodHandle reduce;
    private final MethodHandle softmaxFwd;
    private final MethodHandle softmaxBwd;
    private final MethodHandle crossEntropyFwd;
    private final MethodHandle crossEntropyBwd;
    private final MethodHandle attentionSoftmaxFwd;
    private final MethodHandle attentionSoftmaxBwd;
    private final MethodHandle gemm;
    private final MethodHandle conv2dFwd;
    private final MethodHandle conv2dBwdData;
    private final MethodHandle conv2dBwdWeight;
    private final MethodHandle maxPool2dFwd;
    private final MethodHandle maxPool2dBwd;
    private final MethodHandle avgPool2dFwd;
    private final MethodHandle avgPool2dBwd;
    private final MethodHandle adaptiveAvgPool2dFwd;
    private final MethodHandle adaptiveAvgPool2dBwd;
    private final MethodHandle bilinearFwd;
    private final MethodHandle bilinearBwd;
    private final MethodHandle layerNormFwd;
    private final MethodHandle layerNormBwd;
    private final MethodHandle batchNormFwd;
    private final MethodHandle batchNormBwd;
    private final MethodHandle indexSelect;
    private final MethodHandle indexAdd;
    private final MethodHandle gather;
    private final MethodHandle scatterAdd;
    private final MethodHandle adamw;

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
        attentionFwdBf16 = bind(lookup, library, "rt_attention_fwd_bf16", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_INT);
        attentionBwdBf16 = bind(lookup, library, "rt_attention_bwd_bf16", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_INT);
        mallocHost = bind(lookup, library, "rt_malloc_host", ADDRESS, JAVA_LONG);
        freeHost = bind(lookup, library, "rt_free_host", ADDRESS);
        memcpyH2dAsync = bind(lookup, library, "rt_memcpy_h2d_async", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        memcpyD2hAsync = bind(lookup, library, "rt_memcpy_d2h_async", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        memcpyD2dAsync = bind(lookup, library, "rt_memcpy_d2d_async", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        memsetAsync = bind(lookup, library, "rt_memset_async", ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
        unaryFwd = bind(lookup, library, "rt_unary_fwd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_INT);
        unaryBwd = bind(lookup, library, "rt_unary_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_INT);
        binary = bind(lookup, library, "rt_binary", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
        where = bind(lookup, library, "rt_where", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT);
        fill = bind(lookup, library, "rt_fill", ADDRESS, ADDRESS, JAVA_INT, JAVA_DOUBLE, JAVA_LONG);
        copy = bind(lookup, library, "rt_copy", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
        dropout = bind(lookup, library, "rt_dropout", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        reduce = bind(lookup, library, "rt_reduce", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT);
        softmaxFwd = bind(lookup, library, "rt_softmax_fwd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT);
        softmaxBwd = bind(lookup, library, "rt_softmax_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT);
        crossEntropyFwd = bind(lookup, library, "rt_cross_entropy_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, ADDRESS, JAVA_INT);
        crossEntropyBwd = bind(lookup, library, "rt_cross_entropy_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        attentionSoftmaxFwd = bind(lookup, library, "rt_attention_softmax_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        attentionSoftmaxBwd = bind(lookup, library, "rt_attention_softmax_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        gemm = bind(lookup, library, "rt_gemm", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT, JAVA_INT);
        conv2dFwd = bind(lookup, library, "rt_conv2d_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
        conv2dBwdData = bind(lookup, library, "rt_conv2d_bwd_data", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
        conv2dBwdWeight = bind(lookup, library, "rt_conv2d_bwd_weight", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
        maxPool2dFwd = bind(lookup, library, "rt_max_pool2d_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        maxPool2dBwd = bind(lookup, library, "rt_max_pool2d_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        avgPool2dFwd = bind(lookup, library, "rt_avg_pool2d_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
        avgPool2dBwd = bind(lookup, library, "rt_avg_pool2d_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
        adaptiveAvgPool2dFwd = bind(lookup, library, "rt_adaptive_avg_pool2d_fwd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        adaptiveAvgPool2dBwd = bind(lookup, library, "rt_adaptive_avg_pool2d_bwd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        bilinearFwd = bind(lookup, library, "rt_bilinear_fwd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT);
        bilinearBwd = bind(lookup, library, "rt_bilinear_bwd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT);
        layerNormFwd = bind(lookup, library, "rt_layer_norm_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, JAVA_INT);
        layerNormBwd = bind(lookup, library, "rt_layer_norm_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT);
        batchNormFwd = bind(lookup, library, "rt_batch_norm_fwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_INT);
        batchNormBwd = bind(lookup, library, "rt_batch_norm_bwd", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT);
        indexSelect = bind(lookup, library, "rt_index_select", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
        indexAdd = bind(lookup, library, "rt_index_add", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
        gather = bind(lookup, library, "rt_gather", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
        scatterAdd = bind(lookup, library, "rt_scatter_add", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
        adamw = bind(lookup, library, "rt_adamw", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT);
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

    /** rt_attention_fwd_bf16 */
    public final void attentionFwdBf16(MemorySegment stream, MemorySegment out, MemorySegment lse, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment keyMask, long b, long h, long n, long s, long d, float scale, int causal, int version) {
        try { check((int) attentionFwdBf16.invokeExact(stream, out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_attention_bwd_bf16 */
    public final void attentionBwdBf16(MemorySegment stream, MemorySegment dq, MemorySegment dk, MemorySegment dv, MemorySegment dout, MemorySegment out, MemorySegment lse, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment keyMask, long b, long h, long n, long s, long d, float scale, int causal, int version) {
        try { check((int) attentionBwdBf16.invokeExact(stream, dq, dk, dv, dout, out, lse, q, k, v, keyMask, b, h, n, s, d, scale, causal, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_malloc_host */
    public final void mallocHost(MemorySegment ptr, long bytes) {
        try { check((int) mallocHost.invokeExact(ptr, bytes)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_free_host */
    public final void freeHost(MemorySegment ptr) {
        try { check((int) freeHost.invokeExact(ptr)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memcpy_h2d_async */
    public final void memcpyH2dAsync(MemorySegment dst, MemorySegment src, long bytes, MemorySegment stream) {
        try { check((int) memcpyH2dAsync.invokeExact(dst, src, bytes, stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memcpy_d2h_async */
    public final void memcpyD2hAsync(MemorySegment dst, MemorySegment src, long bytes, MemorySegment stream) {
        try { check((int) memcpyD2hAsync.invokeExact(dst, src, bytes, stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memcpy_d2d_async */
    public final void memcpyD2dAsync(MemorySegment dst, MemorySegment src, long bytes, MemorySegment stream) {
        try { check((int) memcpyD2dAsync.invokeExact(dst, src, bytes, stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_memset_async */
    public final void memsetAsync(MemorySegment dst, int value, long bytes, MemorySegment stream) {
        try { check((int) memsetAsync.invokeExact(dst, value, bytes, stream)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_unary_fwd */
    public final void unaryFwd(MemorySegment stream, MemorySegment out, MemorySegment x, long n, int op, float a, float b, int version) {
        try { check((int) unaryFwd.invokeExact(stream, out, x, n, op, a, b, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_unary_bwd */
    public final void unaryBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment x, MemorySegment y, long n, int op, float a, float b, int version) {
        try { check((int) unaryBwd.invokeExact(stream, dx, dy, x, y, n, op, a, b, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_binary */
    public final void binary(MemorySegment stream, MemorySegment out, MemorySegment a, MemorySegment b, MemorySegment geom, int rank, int op, int version) {
        try { check((int) binary.invokeExact(stream, out, a, b, geom, rank, op, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_where */
    public final void where(MemorySegment stream, MemorySegment out, MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment geom, int rank, int version) {
        try { check((int) where.invokeExact(stream, out, cond, a, b, geom, rank, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_fill */
    public final void fill(MemorySegment stream, MemorySegment out, int outType, double value, long n) {
        try { check((int) fill.invokeExact(stream, out, outType, value, n)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_copy */
    public final void copy(MemorySegment stream, MemorySegment out, int outType, MemorySegment x, int xType, MemorySegment geom, int rank) {
        try { check((int) copy.invokeExact(stream, out, outType, x, xType, geom, rank)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_dropout */
    public final void dropout(MemorySegment stream, MemorySegment out, MemorySegment x, long n, long key, long threshold, float scale, int version) {
        try { check((int) dropout.invokeExact(stream, out, x, n, key, threshold, scale, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_reduce */
    public final void reduce(MemorySegment stream, MemorySegment out, MemorySegment x, long outer, long n, long inner, int op, int version) {
        try { check((int) reduce.invokeExact(stream, out, x, outer, n, inner, op, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_softmax_fwd */
    public final void softmaxFwd(MemorySegment stream, MemorySegment out, MemorySegment x, long outer, long n, long inner, int log, int version) {
        try { check((int) softmaxFwd.invokeExact(stream, out, x, outer, n, inner, log, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_softmax_bwd */
    public final void softmaxBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment y, long outer, long n, long inner, int log, int version) {
        try { check((int) softmaxBwd.invokeExact(stream, dx, dy, y, outer, n, inner, log, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_cross_entropy_fwd */
    public final void crossEntropyFwd(MemorySegment stream, MemorySegment loss, MemorySegment lse, MemorySegment rowLoss, MemorySegment logits, MemorySegment target, int targetType, long rows, long c, long ignoreIndex, float smoothing, MemorySegment err, int version) {
        try { check((int) crossEntropyFwd.invokeExact(stream, loss, lse, rowLoss, logits, target, targetType, rows, c, ignoreIndex, smoothing, err, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_cross_entropy_bwd */
    public final void crossEntropyBwd(MemorySegment stream, MemorySegment dlogits, MemorySegment dloss, MemorySegment loss, MemorySegment logits, MemorySegment lse, MemorySegment target, int targetType, long rows, long c, long ignoreIndex, float smoothing, int version) {
        try { check((int) crossEntropyBwd.invokeExact(stream, dlogits, dloss, loss, logits, lse, target, targetType, rows, c, ignoreIndex, smoothing, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_attention_softmax_fwd */
    public final void attentionSoftmaxFwd(MemorySegment stream, MemorySegment p, MemorySegment lse, MemorySegment keyMask, long b, long h, long n, long s, float scale, int causal, long dropKey, long dropThreshold, float dropScale, int version) {
        try { check((int) attentionSoftmaxFwd.invokeExact(stream, p, lse, keyMask, b, h, n, s, scale, causal, dropKey, dropThreshold, dropScale, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_attention_softmax_bwd */
    public final void attentionSoftmaxBwd(MemorySegment stream, MemorySegment ds, MemorySegment scores, MemorySegment lse, MemorySegment keyMask, long b, long h, long n, long s, float scale, int causal, long dropKey, long dropThreshold, float dropScale, int version) {
        try { check((int) attentionSoftmaxBwd.invokeExact(stream, ds, scores, lse, keyMask, b, h, n, s, scale, causal, dropKey, dropThreshold, dropScale, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_gemm */
    public final void gemm(MemorySegment stream, MemorySegment c, MemorySegment a, MemorySegment b, long batch, long m, long n, long k, int transA, int transB, long strideA, long strideB, float alpha, float beta, int version) {
        try { check((int) gemm.invokeExact(stream, c, a, b, batch, m, n, k, transA, transB, strideA, strideB, alpha, beta, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_conv2d_fwd */
    public final void conv2dFwd(MemorySegment stream, MemorySegment out, MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment geom, int version) {
        try { check((int) conv2dFwd.invokeExact(stream, out, x, w, bias, geom, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_conv2d_bwd_data */
    public final void conv2dBwdData(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment w, MemorySegment geom, int version) {
        try { check((int) conv2dBwdData.invokeExact(stream, dx, dy, w, geom, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_conv2d_bwd_weight */
    public final void conv2dBwdWeight(MemorySegment stream, MemorySegment dw, MemorySegment db, MemorySegment dy, MemorySegment x, MemorySegment geom, int version) {
        try { check((int) conv2dBwdWeight.invokeExact(stream, dw, db, dy, x, geom, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_max_pool2d_fwd */
    public final void maxPool2dFwd(MemorySegment stream, MemorySegment out, MemorySegment argmax, MemorySegment x, MemorySegment geom) {
        try { check((int) maxPool2dFwd.invokeExact(stream, out, argmax, x, geom)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_max_pool2d_bwd */
    public final void maxPool2dBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment argmax, MemorySegment geom) {
        try { check((int) maxPool2dBwd.invokeExact(stream, dx, dy, argmax, geom)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_avg_pool2d_fwd */
    public final void avgPool2dFwd(MemorySegment stream, MemorySegment out, MemorySegment x, MemorySegment geom, int countIncludePad) {
        try { check((int) avgPool2dFwd.invokeExact(stream, out, x, geom, countIncludePad)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_avg_pool2d_bwd */
    public final void avgPool2dBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment geom, int countIncludePad) {
        try { check((int) avgPool2dBwd.invokeExact(stream, dx, dy, geom, countIncludePad)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_adaptive_avg_pool2d_fwd */
    public final void adaptiveAvgPool2dFwd(MemorySegment stream, MemorySegment out, MemorySegment x, long planes, long h, long w, long oh, long ow) {
        try { check((int) adaptiveAvgPool2dFwd.invokeExact(stream, out, x, planes, h, w, oh, ow)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_adaptive_avg_pool2d_bwd */
    public final void adaptiveAvgPool2dBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, long planes, long h, long w, long oh, long ow) {
        try { check((int) adaptiveAvgPool2dBwd.invokeExact(stream, dx, dy, planes, h, w, oh, ow)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_bilinear_fwd */
    public final void bilinearFwd(MemorySegment stream, MemorySegment out, MemorySegment x, long planes, long h, long w, long oh, long ow, int alignCorners) {
        try { check((int) bilinearFwd.invokeExact(stream, out, x, planes, h, w, oh, ow, alignCorners)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_bilinear_bwd */
    public final void bilinearBwd(MemorySegment stream, MemorySegment dx, MemorySegment dy, long planes, long h, long w, long oh, long ow, int alignCorners) {
        try { check((int) bilinearBwd.invokeExact(stream, dx, dy, planes, h, w, oh, ow, alignCorners)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_layer_norm_fwd */
    public final void layerNormFwd(MemorySegment stream, MemorySegment out, MemorySegment mean, MemorySegment rstd, MemorySegment x, MemorySegment w, MemorySegment b, long rows, long d, float eps, int version) {
        try { check((int) layerNormFwd.invokeExact(stream, out, mean, rstd, x, w, b, rows, d, eps, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_layer_norm_bwd */
    public final void layerNormBwd(MemorySegment stream, MemorySegment dx, MemorySegment dw, MemorySegment db, MemorySegment dy, MemorySegment x, MemorySegment w, MemorySegment mean, MemorySegment rstd, long rows, long d, int version) {
        try { check((int) layerNormBwd.invokeExact(stream, dx, dw, db, dy, x, w, mean, rstd, rows, d, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_batch_norm_fwd */
    public final void batchNormFwd(MemorySegment stream, MemorySegment out, MemorySegment saveMean, MemorySegment saveInvstd, MemorySegment runMean, MemorySegment runVar, MemorySegment x, MemorySegment w, MemorySegment b, long n, long c, long hw, int training, float momentum, float eps, int version) {
        try { check((int) batchNormFwd.invokeExact(stream, out, saveMean, saveInvstd, runMean, runVar, x, w, b, n, c, hw, training, momentum, eps, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_batch_norm_bwd */
    public final void batchNormBwd(MemorySegment stream, MemorySegment dx, MemorySegment dw, MemorySegment db, MemorySegment dy, MemorySegment x, MemorySegment w, MemorySegment saveMean, MemorySegment saveInvstd, long n, long c, long hw, int training, int version) {
        try { check((int) batchNormBwd.invokeExact(stream, dx, dw, db, dy, x, w, saveMean, saveInvstd, n, c, hw, training, version)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_index_select */
    public final void indexSelect(MemorySegment stream, MemorySegment out, MemorySegment x, int elemBytes, MemorySegment idx, int idxType, long outer, long size, long inner, long nIdx, MemorySegment err) {
        try { check((int) indexSelect.invokeExact(stream, out, x, elemBytes, idx, idxType, outer, size, inner, nIdx, err)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_index_add */
    public final void indexAdd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment idx, int idxType, long outer, long size, long inner, long nIdx, long skip, MemorySegment err) {
        try { check((int) indexAdd.invokeExact(stream, dx, dy, idx, idxType, outer, size, inner, nIdx, skip, err)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_gather */
    public final void gather(MemorySegment stream, MemorySegment out, MemorySegment x, int elemBytes, MemorySegment idx, int idxType, long outer, long size, long inner, long nIdx, MemorySegment err) {
        try { check((int) gather.invokeExact(stream, out, x, elemBytes, idx, idxType, outer, size, inner, nIdx, err)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_scatter_add */
    public final void scatterAdd(MemorySegment stream, MemorySegment dx, MemorySegment dy, MemorySegment idx, int idxType, long outer, long size, long inner, long nIdx, MemorySegment err) {
        try { check((int) scatterAdd.invokeExact(stream, dx, dy, idx, idxType, outer, size, inner, nIdx, err)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }

    /** rt_adamw */
    public final void adamw(MemorySegment stream, MemorySegment param, MemorySegment m, MemorySegment v, MemorySegment grad, long n, float beta1, float beta2, float eps, float decay, float stepSize, float invBc2) {
        try { check((int) adamw.invokeExact(stream, param, m, v, grad, n, beta1, beta2, eps, decay, stepSize, invBc2)); } catch (Throwable thrown) { throw rethrow(thrown); }
    }
}
