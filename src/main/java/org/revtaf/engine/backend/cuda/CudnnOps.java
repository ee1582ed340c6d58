package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.Pool2dGeom;
import org.revtaf.engine.bindings.Cudnn;
import org.revtaf.engine.tensor.Tensor;

/**
 * The cuDNN paths of one cuda backend: 2-D convolution (forward, backward data, filter, bias),
 * spatial batch norm and 2-D pooling on contiguous float32 NCHW tensors, ordered on the backend's
 * stream. Descriptors and cuDNN's heuristic algorithm choice (the _v7 queries, workspace at most
 * {@link #MAX_WORKSPACE}) are built once per geometry and cached; workspaces come from the
 * device's caching allocator for the length of one call. The callers ({@link CudaConv}, {@link
 * CudaNorm}) decide what reaches here: dense float32 operands in shapes cuDNN takes.
 */
final class CudnnOps {
    /** The most workspace a convolution algorithm may ask for. */
    static final long MAX_WORKSPACE = 256L << 20;

    private final CudaDevice dev;
    private final Cudnn cudnn;
    private final MemorySegment handle;
    private final boolean tensorOps;
    private final Map<Conv2dGeom, ConvPlan> convs = new HashMap<>();
    private final Map<Long, MemorySegment> tensors = new HashMap<>();
    private final Map<PoolKey, MemorySegment> pools = new HashMap<>();

    /** One convolution geometry: descriptors, and each pass's algorithm once it has run. */
    private final class ConvPlan {
        final MemorySegment x, w, y, bias, fwdConv, dataConv, filterConv;
        Cudnn.Algo fwd, data, filter;

        ConvPlan(Conv2dGeom g) {
            x = tensor(g.n(), g.c(), g.h(), g.w());
            y = tensor(g.n(), g.oc(), g.oh(), g.ow());
            bias = tensor(1, g.oc(), 1, 1);
            w = cudnn.filter4d(g.oc(), g.cg(), g.kh(), g.kw());
            // one descriptor per pass: each pass's algorithm sets its own math type
            fwdConv = conv(g);
            dataConv = conv(g);
            filterConv = conv(g);
            int[] o = cudnn.outputDim(fwdConv, x, w);
            if (o[0] != g.n() || o[1] != g.oc() || o[2] != g.oh() || o[3] != g.ow())
                throw new IllegalStateException("cuDNN computes output " + java.util.Arrays.toString(o) + " for " + g);
        }

        private MemorySegment conv(Conv2dGeom g) {
            return cudnn.convolution(g.ph(), g.pw(), g.sh(), g.sw(), g.dh(), g.dw(), g.groups(), mathType());
        }
    }

    private record PoolKey(Pool2dGeom g, int mode) {}

    CudnnOps(CudaDevice dev, VendorChoice.Math math) {
        this.dev = dev;
        this.cudnn = Cudnn.get();
        this.handle = cudnn.create();
        cudnn.setStream(handle, dev.stream);
        this.tensorOps = math != VendorChoice.Math.FP32;
    }

    /** The math type the convolution descriptors start with: FMA only for fp32, tensor cores (TF32) allowed else. */
    private int mathType() {
        return tensorOps ? Cudnn.DEFAULT_MATH : Cudnn.FMA_MATH;
    }

    /** A cached float32 NCHW descriptor of (n, c, h, w). */
    private MemorySegment tensor(int n, int c, int h, int w) {
        long key = (((long) n * 65536 + c) * 65536 + h) * 65536 + w;
        synchronized (tensors) {
            return tensors.computeIfAbsent(key, x -> cudnn.tensor4d(n, c, h, w));
        }
    }

    private ConvPlan plan(Conv2dGeom g) {
        synchronized (convs) {
            return convs.computeIfAbsent(g, ConvPlan::new);
        }
    }

    private Cudnn.Algo algo(ConvPlan p, Cudnn.Pass pass) {
        synchronized (p) {
            return switch (pass) {
                case FORWARD -> p.fwd != null ? p.fwd : (p.fwd = choose(p, pass, p.fwdConv));
                case BACKWARD_DATA -> p.data != null ? p.data : (p.data = choose(p, pass, p.dataConv));
                case BACKWARD_FILTER -> p.filter != null ? p.filter : (p.filter = choose(p, pass, p.filterConv));
            };
        }
    }

    /** fp32 asked: no algorithm that takes TF32 tensor cores behind our back. */
    private Cudnn.Algo choose(ConvPlan p, Cudnn.Pass pass, MemorySegment conv) {
        return cudnn.algorithm(pass, handle, p.x, p.w, conv, p.y, MAX_WORKSPACE, !tensorOps);
    }

    /** out (n, oc, oh, ow) = conv(x, w) + bias (bias may be null). */
    void conv2d(Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dGeom g) {
        ConvPlan p = plan(g);
        Cudnn.Algo a = algo(p, Cudnn.Pass.FORWARD);
        try (CudaDevice.Temp ws = dev.temp(Math.max(1, a.workspace()))) {
            cudnn.convolve(Cudnn.Pass.FORWARD, handle, p.x, at(x), p.w, at(w), p.fwdConv, a, ws.ptr(), p.y, at(out));
        }
        if (bias != null) cudnn.addTensor(handle, p.bias, at(bias), p.y, at(out));
    }

    /** Gradients of conv2d; dx, dw, db may each be null (not needed); each is overwritten. */
    void conv2dBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Conv2dGeom g) {
        ConvPlan p = plan(g);
        if (dx != null) {
            Cudnn.Algo a = algo(p, Cudnn.Pass.BACKWARD_DATA);
            try (CudaDevice.Temp ws = dev.temp(Math.max(1, a.workspace()))) {
                cudnn.convolve(
                        Cudnn.Pass.BACKWARD_DATA,
                        handle,
                        p.w,
                        at(w),
                        p.y,
                        at(dy),
                        p.dataConv,
                        a,
                        ws.ptr(),
                        p.x,
                        at(dx));
            }
        }
        if (dw != null) {
            Cudnn.Algo a = algo(p, Cudnn.Pass.BACKWARD_FILTER);
            try (CudaDevice.Temp ws = dev.temp(Math.max(1, a.workspace()))) {
                cudnn.convolve(
                        Cudnn.Pass.BACKWARD_FILTER,
                        handle,
                        p.x,
                        at(x),
                        p.y,
                        at(dy),
                        p.filterConv,
                        a,
                        ws.ptr(),
                        p.w,
                        at(dw));
            }
        }
        if (db != null) cudnn.convBackwardBias(handle, p.y, at(dy), p.bias, at(db));
    }

    /**
     * Whether cuDNN's batch norm takes these operands: not empty, affine (w and b), statistics to save both
     * given or both null, and in training the running statistics both given or both null (eval
     * needs them).
     */
    static boolean batchNormFits(BatchNormArgs<Tensor> a, BatchNormGeom g) {
        if (g.n() * g.hw() == 0) return false; // cuDNN refuses empty tensors
        if (a.w() == null || a.b() == null || (a.saveMean() == null) != (a.saveInvStd() == null)) return false;
        if (g.training()) return (a.runMean() == null) == (a.runVar() == null);
        return a.runMean() != null && a.runVar() != null;
    }

    /** Batch norm of x (n, c, hw) without the ReLU (the caller applies it). */
    void batchNorm(BatchNormArgs<Tensor> a, BatchNormGeom g) {
        MemorySegment xd = tensor(g.n(), g.c(), g.hw(), 1), bnd = tensor(1, g.c(), 1, 1);
        if (g.training())
            cudnn.batchNormTraining(
                    handle,
                    xd,
                    at(a.x()),
                    at(a.out()),
                    bnd,
                    at(a.w()),
                    at(a.b()),
                    g.momentum(),
                    at(a.runMean()),
                    at(a.runVar()),
                    g.eps(),
                    at(a.saveMean()),
                    at(a.saveInvStd()));
        else
            cudnn.batchNormInference(
                    handle,
                    xd,
                    at(a.x()),
                    at(a.out()),
                    bnd,
                    at(a.w()),
                    at(a.b()),
                    at(a.runMean()),
                    at(a.runVar()),
                    g.eps());
    }

    /**
     * Gradients of a training batch norm through its saved statistics (both must be set); dw, db
     * may be null (then written to scratch: cuDNN always writes both); dx must be set.
     */
    void batchNormBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, BatchNormArgs<Tensor> a, BatchNormGeom g) {
        MemorySegment xd = tensor(g.n(), g.c(), g.hw(), 1), bnd = tensor(1, g.c(), 1, 1);
        long bytes = 4L * g.c();
        try (CudaDevice.Temp tw = dev.temp(bytes);
                CudaDevice.Temp tb = dev.temp(bytes)) {
            cudnn.batchNormBackward(
                    handle,
                    xd,
                    at(a.x()),
                    at(dy),
                    at(dx),
                    bnd,
                    at(a.w()),
                    dw != null ? at(dw) : tw.ptr(),
                    db != null ? at(db) : tb.ptr(),
                    g.eps(),
                    at(a.saveMean()),
                    at(a.saveInvStd()));
        }
    }

    private MemorySegment pool(Pool2dGeom g, int mode) {
        synchronized (pools) {
            return pools.computeIfAbsent(
                    new PoolKey(g, mode), k -> cudnn.pooling(mode, g.kh(), g.kw(), g.ph(), g.pw(), g.sh(), g.sw()));
        }
    }

    /** The cuDNN pooling mode: max (deterministic backward), or average with or without the padding cells. */
    static int poolMode(boolean max, boolean countIncludePad) {
        if (max) return Cudnn.POOL_MAX_DETERMINISTIC;
        return countIncludePad ? Cudnn.POOL_AVG_INCLUDE_PADDING : Cudnn.POOL_AVG_EXCLUDE_PADDING;
    }

    /** out (n, c, oh, ow) = pool(x). */
    void pool(Tensor out, Tensor x, Pool2dGeom g, int mode) {
        cudnn.poolingForward(
                handle,
                pool(g, mode),
                tensor(g.n(), g.c(), g.h(), g.w()),
                at(x),
                tensor(g.n(), g.c(), g.oh(), g.ow()),
                at(out));
    }

    /** dx from dy; x and out are the forward's input and output (max pooling finds each window's maximum again). */
    void poolBackward(Tensor dx, Tensor dy, Tensor x, Tensor out, Pool2dGeom g, int mode) {
        cudnn.poolingBackward(
                handle,
                pool(g, mode),
                tensor(g.n(), g.c(), g.oh(), g.ow()),
                at(out),
                at(dy),
                tensor(g.n(), g.c(), g.h(), g.w()),
                at(x),
                at(dx));
    }
}
