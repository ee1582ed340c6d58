package org.revtaf.engine.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.revtaf.engine.bindings.VendorCalls.call;
import static org.revtaf.engine.bindings.VendorCalls.status;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.revtaf.RevtafException;

/**
 * cuDNN 9's descriptor API for what the cuda backend hands to it: 2-D convolution (forward,
 * backward data, filter and bias), spatial batch norm (training, inference, backward) and 2-D
 * pooling, on float32 NCHW tensors, with the math type per convolution (FMA only, or tensor cores
 * through TF32). Every call's status is checked and turned into a {@link RevtafException} with
 * cuDNN's own words. Pointers are device addresses; scalars (alpha, beta) live in host memory,
 * as cuDNN wants for float data. Knows nothing about tensors: the backend maps its geometry here.
 */
public final class Cudnn {
    /** cudnnDataType_t CUDNN_DATA_FLOAT; cudnnTensorFormat_t CUDNN_TENSOR_NCHW. */
    public static final int DATA_FLOAT = 0, NCHW = 0;
    /** cudnnConvolutionMode_t: PyTorch's convolution is cuDNN's cross-correlation. */
    public static final int CROSS_CORRELATION = 1;
    /** cudnnMathType_t. */
    public static final int DEFAULT_MATH = 0, TENSOR_OP_MATH = 1, TENSOR_OP_MATH_ALLOW_CONVERSION = 2, FMA_MATH = 3;
    /** cudnnBatchNormMode_t: one mean and variance per channel over (n, h, w). */
    public static final int BATCHNORM_SPATIAL = 1;
    /** cudnnPoolingMode_t. */
    public static final int POOL_MAX = 0,
            POOL_AVG_INCLUDE_PADDING = 1,
            POOL_AVG_EXCLUDE_PADDING = 2,
            POOL_MAX_DETERMINISTIC = 3;
    /** cudnnNanPropagation_t CUDNN_PROPAGATE_NAN: a NaN in a window wins the max, as in PyTorch. */
    public static final int PROPAGATE_NAN = 1;
    /** Algorithm counts (CUDNN_CONVOLUTION_*_ALGO_COUNT): the most results a _v7 query returns. */
    static final int FWD_ALGOS = 8, BWD_DATA_ALGOS = 6, BWD_FILTER_ALGOS = 7;
    /**
     * cudnnConvolution*AlgoPerf_t on x86-64: int algo @0, int status @4, float time @8, size_t
     * memory @16, int determinism @24, int mathType @28, int reserved[3] @32; 48 bytes.
     */
    static final long PERF_BYTES = 48, PERF_STATUS = 4, PERF_MEMORY = 16, PERF_MATH = 28;

    /** A convolution algorithm cuDNN proposed: its number, math type and workspace bytes. */
    public record Algo(int algo, int mathType, long workspace) {}

    private static final MemorySegment ONE, ZERO;

    static {
        Arena a = Arena.global();
        ONE = a.allocateFrom(JAVA_FLOAT, 1f);
        ZERO = a.allocateFrom(JAVA_FLOAT, 0f);
    }

    private final MethodHandle getErrorString, create, destroy, setStream;
    private final MethodHandle createTensor, setTensor4d, destroyTensor;
    private final MethodHandle createFilter, setFilter4d, destroyFilter;
    private final MethodHandle createConv, setConv2d, setGroupCount, setMathType, destroyConv, outputDim;
    private final MethodHandle fwdAlgo, fwdWorkspace, forward;
    private final MethodHandle bwdDataAlgo, bwdDataWorkspace, backwardData;
    private final MethodHandle bwdFilterAlgo, bwdFilterWorkspace, backwardFilter, backwardBias, addTensor;
    private final MethodHandle bnTraining, bnInference, bnBackward;
    private final MethodHandle createPool, setPool2d, destroyPool, poolForward, poolBackward;

    private Cudnn(SymbolLookup lib) {
        getErrorString = VendorCalls.bind(lib, "cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        create = status(lib, "cudnnCreate", "A");
        destroy = status(lib, "cudnnDestroy", "A");
        setStream = status(lib, "cudnnSetStream", "AA");
        createTensor = status(lib, "cudnnCreateTensorDescriptor", "A");
        // (desc, format, dataType, n, c, h, w)
        setTensor4d = status(lib, "cudnnSetTensor4dDescriptor", "AIIIIII");
        destroyTensor = status(lib, "cudnnDestroyTensorDescriptor", "A");
        createFilter = status(lib, "cudnnCreateFilterDescriptor", "A");
        // (desc, dataType, format, k, c, h, w)
        setFilter4d = status(lib, "cudnnSetFilter4dDescriptor", "AIIIIII");
        destroyFilter = status(lib, "cudnnDestroyFilterDescriptor", "A");
        createConv = status(lib, "cudnnCreateConvolutionDescriptor", "A");
        // (desc, pad_h, pad_w, u, v, dilation_h, dilation_w, mode, computeType)
        setConv2d = status(lib, "cudnnSetConvolution2dDescriptor", "AIIIIIIII");
        setGroupCount = status(lib, "cudnnSetConvolutionGroupCount", "AI");
        setMathType = status(lib, "cudnnSetConvolutionMathType", "AI");
        destroyConv = status(lib, "cudnnDestroyConvolutionDescriptor", "A");
        // (convDesc, xDesc, wDesc, *n, *c, *h, *w)
        outputDim = status(lib, "cudnnGetConvolution2dForwardOutputDim", "AAAAAAA");
        // (handle, xDesc, wDesc, convDesc, yDesc, requested, *returned, *perfResults)
        fwdAlgo = status(lib, "cudnnGetConvolutionForwardAlgorithm_v7", "AAAAAIAA");
        // (handle, xDesc, wDesc, convDesc, yDesc, algo, *bytes)
        fwdWorkspace = status(lib, "cudnnGetConvolutionForwardWorkspaceSize", "AAAAAIA");
        // (handle, *alpha, xDesc, x, wDesc, w, convDesc, algo, workSpace, bytes, *beta, yDesc, y)
        forward = status(lib, "cudnnConvolutionForward", "AAAAAAAIALAAA");
        // (handle, wDesc, dyDesc, convDesc, dxDesc, requested, *returned, *perfResults)
        bwdDataAlgo = status(lib, "cudnnGetConvolutionBackwardDataAlgorithm_v7", "AAAAAIAA");
        // (handle, wDesc, dyDesc, convDesc, dxDesc, algo, *bytes)
        bwdDataWorkspace = status(lib, "cudnnGetConvolutionBackwardDataWorkspaceSize", "AAAAAIA");
        // (handle, *alpha, wDesc, w, dyDesc, dy, convDesc, algo, workSpace, bytes, *beta, dxDesc, dx)
        backwardData = status(lib, "cudnnConvolutionBackwardData", "AAAAAAAIALAAA");
        // (handle, xDesc, dyDesc, convDesc, dwDesc, requested, *returned, *perfResults)
        bwdFilterAlgo = status(lib, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", "AAAAAIAA");
        // (handle, xDesc, dyDesc, convDesc, dwDesc, algo, *bytes)
        bwdFilterWorkspace = status(lib, "cudnnGetConvolutionBackwardFilterWorkspaceSize", "AAAAAIA");
        // (handle, *alpha, xDesc, x, dyDesc, dy, convDesc, algo, workSpace, bytes, *beta, dwDesc, dw)
        backwardFilter = status(lib, "cudnnConvolutionBackwardFilter", "AAAAAAAIALAAA");
        // (handle, *alpha, dyDesc, dy, *beta, dbDesc, db)
        backwardBias = status(lib, "cudnnConvolutionBackwardBias", "AAAAAAA");
        // (handle, *alpha, aDesc, A, *beta, cDesc, C): C = alpha A + beta C, A broadcast
        addTensor = status(lib, "cudnnAddTensor", "AAAAAAA");
        // (handle, mode, *alpha, *beta, xDesc, x, yDesc, y, bnDesc, scale, bias, factor, runMean, runVar, eps,
        // saveMean, saveInvVariance)
        bnTraining = status(lib, "cudnnBatchNormalizationForwardTraining", "AIAAAAAAAAADAADAA");
        // (handle, mode, *alpha, *beta, xDesc, x, yDesc, y, bnDesc, scale, bias, estMean, estVar, eps)
        bnInference = status(lib, "cudnnBatchNormalizationForwardInference", "AIAAAAAAAAAAAD");
        // (handle, mode, *alphaData, *betaData, *alphaParam, *betaParam, xDesc, x, dyDesc, dy, dxDesc, dx,
        // bnDesc, scale, dScale, dBias, eps, savedMean, savedInvVariance)
        bnBackward = status(lib, "cudnnBatchNormalizationBackward", "AIAAAAAAAAAAAAAADAA");
        createPool = status(lib, "cudnnCreatePoolingDescriptor", "A");
        // (desc, mode, nanOpt, windowH, windowW, padH, padW, strideH, strideW)
        setPool2d = status(lib, "cudnnSetPooling2dDescriptor", "AIIIIIIII");
        destroyPool = status(lib, "cudnnDestroyPoolingDescriptor", "A");
        // (handle, poolDesc, *alpha, xDesc, x, *beta, yDesc, y)
        poolForward = status(lib, "cudnnPoolingForward", "AAAAAAAA");
        // (handle, poolDesc, *alpha, yDesc, y, dyDesc, dy, xDesc, x, *beta, dxDesc, dx)
        poolBackward = status(lib, "cudnnPoolingBackward", "AAAAAAAAAAAA");
    }

    /** Loads cuDNN 9 on first use (a RevtafException naming the places tried when it is missing). */
    public static Cudnn get() {
        return of(VendorLibraries.require(VendorLibraries.Vendor.CUDNN));
    }

    /** The bindings over an already loaded library (tests bind a stand-in with cuDNN's prototypes). */
    public static Cudnn of(SymbolLookup lib) {
        return new Cudnn(lib);
    }

    private void check(int st, String fn) {
        if (st == 0) return;
        String words;
        try {
            MemorySegment s = (MemorySegment) getErrorString.invokeExact(st);
            words = s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            words = "status " + st;
        }
        throw new RevtafException(fn + " failed: " + words + " (cuDNN status " + st + ")");
    }

    /** A new object through {@code cudnnCreateX(&out)}. */
    private MemorySegment created(MethodHandle h, String fn) {
        return VendorCalls.created(h, fn, this::check);
    }

    /** A cuDNN handle (needs a GPU: a RevtafException with cuDNN's words otherwise). */
    public MemorySegment create() {
        return created(create, "cudnnCreate");
    }

    public void destroy(MemorySegment handle) {
        check(call(() -> (int) destroy.invokeExact(handle)), "cudnnDestroy");
    }

    /** Orders the handle's work on {@code stream}. */
    public void setStream(MemorySegment handle, MemorySegment stream) {
        check(call(() -> (int) setStream.invokeExact(handle, stream)), "cudnnSetStream");
    }

    /** A float32 NCHW tensor descriptor (n, c, h, w), packed. */
    public MemorySegment tensor4d(int n, int c, int h, int w) {
        MemorySegment d = created(createTensor, "cudnnCreateTensorDescriptor");
        check(call(() -> (int) setTensor4d.invokeExact(d, NCHW, DATA_FLOAT, n, c, h, w)), "cudnnSetTensor4dDescriptor");
        return d;
    }

    public void destroyTensor(MemorySegment d) {
        check(call(() -> (int) destroyTensor.invokeExact(d)), "cudnnDestroyTensorDescriptor");
    }

    /** A float32 NCHW filter descriptor: k output channels of c (per group) x h x w. */
    public MemorySegment filter4d(int k, int c, int h, int w) {
        MemorySegment d = created(createFilter, "cudnnCreateFilterDescriptor");
        check(call(() -> (int) setFilter4d.invokeExact(d, DATA_FLOAT, NCHW, k, c, h, w)), "cudnnSetFilter4dDescriptor");
        return d;
    }

    public void destroyFilter(MemorySegment d) {
        check(call(() -> (int) destroyFilter.invokeExact(d)), "cudnnDestroyFilterDescriptor");
    }

    /** A float32 cross-correlation descriptor with padding, stride, dilation, groups and a math type. */
    public MemorySegment convolution(int ph, int pw, int sh, int sw, int dh, int dw, int groups, int mathType) {
        MemorySegment d = created(createConv, "cudnnCreateConvolutionDescriptor");
        check(
                call(() -> (int) setConv2d.invokeExact(d, ph, pw, sh, sw, dh, dw, CROSS_CORRELATION, DATA_FLOAT)),
                "cudnnSetConvolution2dDescriptor");
        check(call(() -> (int) setGroupCount.invokeExact(d, groups)), "cudnnSetConvolutionGroupCount");
        setMathType(d, mathType);
        return d;
    }

    public void setMathType(MemorySegment conv, int mathType) {
        check(call(() -> (int) setMathType.invokeExact(conv, mathType)), "cudnnSetConvolutionMathType");
    }

    public void destroyConvolution(MemorySegment d) {
        check(call(() -> (int) destroyConv.invokeExact(d)), "cudnnDestroyConvolutionDescriptor");
    }

    /** The output (n, c, h, w) cuDNN computes for a convolution: the check that descriptors match our geometry. */
    public int[] outputDim(MemorySegment conv, MemorySegment x, MemorySegment w) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment o = a.allocate(JAVA_INT, 4);
            check(
                    call(() -> (int) outputDim.invokeExact(conv, x, w, o, o.asSlice(4), o.asSlice(8), o.asSlice(12))),
                    "cudnnGetConvolution2dForwardOutputDim");
            return o.toArray(JAVA_INT);
        }
    }

    /** Which convolution pass an algorithm query is for. */
    public enum Pass {
        FORWARD,
        BACKWARD_DATA,
        BACKWARD_FILTER
    }

    /**
     * cuDNN's heuristic choice (the _v7 queries, best first) for a pass: the first proposal that
     * succeeded and needs at most {@code maxWorkspace} bytes (with {@code fmaOnly}, not one for
     * tensor cores, and run with FMA math); its workspace re-read with the math type set on {@code
     * conv} (which this leaves set). Descriptors as the pass takes them: x, w,
     * conv, y for every pass (y is dy, x is dx for backward data, w is dw for backward filter).
     */
    public Algo algorithm(
            Pass pass,
            MemorySegment handle,
            MemorySegment x,
            MemorySegment w,
            MemorySegment conv,
            MemorySegment y,
            long maxWorkspace,
            boolean fmaOnly) {
        int count = switch (pass) {
            case FORWARD -> FWD_ALGOS;
            case BACKWARD_DATA -> BWD_DATA_ALGOS;
            case BACKWARD_FILTER -> BWD_FILTER_ALGOS;
        };
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT), perf = a.allocate(PERF_BYTES * count, 8);
            int st = call(() -> switch (pass) {
                case FORWARD -> (int) fwdAlgo.invokeExact(handle, x, w, conv, y, count, n, perf);
                case BACKWARD_DATA -> (int) bwdDataAlgo.invokeExact(handle, w, y, conv, x, count, n, perf);
                case BACKWARD_FILTER -> (int) bwdFilterAlgo.invokeExact(handle, x, y, conv, w, count, n, perf);
            });
            check(st, "cudnnGetConvolution" + passName(pass) + "Algorithm_v7");
            for (int i = 0; i < n.get(JAVA_INT, 0); i++) {
                long o = i * PERF_BYTES;
                int algo = perf.get(JAVA_INT, o), proposed = perf.get(JAVA_INT, o + PERF_MATH);
                boolean tensorCores = proposed == TENSOR_OP_MATH || proposed == TENSOR_OP_MATH_ALLOW_CONVERSION;
                if (perf.get(JAVA_INT, o + PERF_STATUS) != 0
                        || perf.get(JAVA_LONG, o + PERF_MEMORY) > maxWorkspace
                        || (fmaOnly && tensorCores)) continue;
                // fp32 asked: DEFAULT_MATH would let TF32 tensor cores in on Ampere and later
                int math = fmaOnly ? FMA_MATH : proposed;
                setMathType(conv, math);
                MemorySegment bytes = a.allocate(JAVA_LONG);
                int ws = call(() -> switch (pass) {
                    case FORWARD -> (int) fwdWorkspace.invokeExact(handle, x, w, conv, y, algo, bytes);
                    case BACKWARD_DATA -> (int) bwdDataWorkspace.invokeExact(handle, w, y, conv, x, algo, bytes);
                    case BACKWARD_FILTER -> (int) bwdFilterWorkspace.invokeExact(handle, x, y, conv, w, algo, bytes);
                });
                check(ws, "cudnnGetConvolution" + passName(pass) + "WorkspaceSize");
                return new Algo(algo, math, bytes.get(JAVA_LONG, 0));
            }
            throw new RevtafException("cuDNN proposed no " + pass.name().toLowerCase(java.util.Locale.ROOT)
                    + " convolution algorithm within " + maxWorkspace + " bytes of workspace"
                    + (fmaOnly ? " without tensor cores (-Drevtaf.cuda.math=tf32 allows them)" : ""));
        }
    }

    private static String passName(Pass p) {
        return switch (p) {
            case FORWARD -> "Forward";
            case BACKWARD_DATA -> "BackwardData";
            case BACKWARD_FILTER -> "BackwardFilter";
        };
    }

    /**
     * One convolution pass, overwriting its output, with the operands in cuDNN's order for the
     * pass: FORWARD y = conv(x, w) (a x, b w, out y); BACKWARD_DATA (a w, b dy, out dx);
     * BACKWARD_FILTER (a x, b dy, out dw). alpha 1, beta 0; the algorithm's workspace in ws.
     */
    public void convolve(
            Pass pass,
            MemorySegment handle,
            MemorySegment ad,
            MemorySegment a,
            MemorySegment bd,
            MemorySegment b,
            MemorySegment conv,
            Algo algo,
            MemorySegment ws,
            MemorySegment outd,
            MemorySegment out) {
        MethodHandle h = switch (pass) {
            case FORWARD -> forward;
            case BACKWARD_DATA -> backwardData;
            case BACKWARD_FILTER -> backwardFilter;
        };
        check(
                call(() -> (int) h.invokeExact(
                        handle, ONE, ad, a, bd, b, conv, algo.algo(), ws, algo.workspace(), ZERO, outd, out)),
                "cudnnConvolution" + passName(pass));
    }

    /** db (1, oc, 1, 1) = dy summed over n, h, w (overwrites db). */
    public void convBackwardBias(
            MemorySegment handle, MemorySegment dyd, MemorySegment dy, MemorySegment dbd, MemorySegment db) {
        check(
                call(() -> (int) backwardBias.invokeExact(handle, ONE, dyd, dy, ZERO, dbd, db)),
                "cudnnConvolutionBackwardBias");
    }

    /** c += a, a broadcast over c's shape (the convolution's bias: a is (1, oc, 1, 1)). */
    public void addTensor(MemorySegment handle, MemorySegment ad, MemorySegment a, MemorySegment cd, MemorySegment c) {
        check(call(() -> (int) addTensor.invokeExact(handle, ONE, ad, a, ONE, cd, c)), "cudnnAddTensor");
    }

    /**
     * Spatial batch norm in training: y = (x - mean) * invStd * scale + bias with batch statistics;
     * running statistics (both null, or both given) updated as r = (1 - factor) r + factor batch;
     * saveMean and saveInvVariance (both null, or both given) receive the mean and 1/sqrt(var + eps).
     * bnd is the (1, c, 1, 1) descriptor.
     */
    public void batchNormTraining(
            MemorySegment handle,
            MemorySegment xd,
            MemorySegment x,
            MemorySegment y,
            MemorySegment bnd,
            MemorySegment scale,
            MemorySegment bias,
            double factor,
            MemorySegment runMean,
            MemorySegment runVar,
            double eps,
            MemorySegment saveMean,
            MemorySegment saveInvVariance) {
        check(
                call(() -> (int) bnTraining.invokeExact(
                        handle,
                        BATCHNORM_SPATIAL,
                        ONE,
                        ZERO,
                        xd,
                        x,
                        xd,
                        y,
                        bnd,
                        scale,
                        bias,
                        factor,
                        runMean,
                        runVar,
                        eps,
                        saveMean,
                        saveInvVariance)),
                "cudnnBatchNormalizationForwardTraining");
    }

    /** Spatial batch norm with the running statistics (eval). */
    public void batchNormInference(
            MemorySegment handle,
            MemorySegment xd,
            MemorySegment x,
            MemorySegment y,
            MemorySegment bnd,
            MemorySegment scale,
            MemorySegment bias,
            MemorySegment mean,
            MemorySegment var,
            double eps) {
        check(
                call(() -> (int) bnInference.invokeExact(
                        handle, BATCHNORM_SPATIAL, ONE, ZERO, xd, x, xd, y, bnd, scale, bias, mean, var, eps)),
                "cudnnBatchNormalizationForwardInference");
    }

    /** Gradients of the training batch norm through the saved statistics; dx, dScale, dBias overwritten. */
    public void batchNormBackward(
            MemorySegment handle,
            MemorySegment xd,
            MemorySegment x,
            MemorySegment dy,
            MemorySegment dx,
            MemorySegment bnd,
            MemorySegment scale,
            MemorySegment dScale,
            MemorySegment dBias,
            double eps,
            MemorySegment saveMean,
            MemorySegment saveInvVariance) {
        check(
                call(() -> (int) bnBackward.invokeExact(
                        handle,
                        BATCHNORM_SPATIAL,
                        ONE,
                        ZERO,
                        ONE,
                        ZERO,
                        xd,
                        x,
                        xd,
                        dy,
                        xd,
                        dx,
                        bnd,
                        scale,
                        dScale,
                        dBias,
                        eps,
                        saveMean,
                        saveInvVariance)),
                "cudnnBatchNormalizationBackward");
    }

    /** A 2-D pooling descriptor (mode: POOL_*; NaN propagates). */
    public MemorySegment pooling(int mode, int kh, int kw, int ph, int pw, int sh, int sw) {
        MemorySegment d = created(createPool, "cudnnCreatePoolingDescriptor");
        check(
                call(() -> (int) setPool2d.invokeExact(d, mode, PROPAGATE_NAN, kh, kw, ph, pw, sh, sw)),
                "cudnnSetPooling2dDescriptor");
        return d;
    }

    public void destroyPooling(MemorySegment d) {
        check(call(() -> (int) destroyPool.invokeExact(d)), "cudnnDestroyPoolingDescriptor");
    }

    /** y = pool(x) (overwrites y). */
    public void poolingForward(
            MemorySegment handle,
            MemorySegment pool,
            MemorySegment xd,
            MemorySegment x,
            MemorySegment yd,
            MemorySegment y) {
        check(call(() -> (int) poolForward.invokeExact(handle, pool, ONE, xd, x, ZERO, yd, y)), "cudnnPoolingForward");
    }

    /** dx from dy (max pooling reads x and y to find each window's maximum); overwrites dx. */
    public void poolingBackward(
            MemorySegment handle,
            MemorySegment pool,
            MemorySegment yd,
            MemorySegment y,
            MemorySegment dy,
            MemorySegment xd,
            MemorySegment x,
            MemorySegment dx) {
        check(
                call(() -> (int) poolBackward.invokeExact(handle, pool, ONE, yd, y, yd, dy, xd, x, ZERO, xd, dx)),
                "cudnnPoolingBackward");
    }
}
