package org.revtaf.engine.backend.cuda;

import static org.revtaf.engine.backend.cuda.CudaArgs.at;
import static org.revtaf.engine.backend.cuda.CudaArgs.dense;
import static org.revtaf.engine.backend.cuda.CudaArgs.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.ConvKernels;
import org.revtaf.engine.backend.Pool2dGeom;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Tensor;

/**
 * Convolution (implicit GEMM, kernels/conv/conv.cu), pooling and bilinear resize
 * (kernels/conv/pool.cu) of the cuda backend on contiguous float32 NCHW tensors; other dtypes take
 * the counted host path. Convolution and max / average pooling run through cuDNN instead when
 * {@code -Drevtaf.cuda.conv} / {@code -Drevtaf.cuda.pool} choose it ({@link VendorChoice}: by
 * default whenever cuDNN 9 loads on a real GPU); adaptive pooling and resizing have no cuDNN
 * counterpart and stay ours. On cuDNN's max pooling, ties inside a window may route the gradient
 * to another of the equal inputs than our first-index rule.
 */
final class CudaConv extends CudaFamily<ConvKernels> implements ConvKernels {
    /** The cuDNN paths of convolution and of pooling, or null for our kernels. */
    private final CudnnOps cudnnConv, cudnnPool;

    CudaConv(CudaDevice d) {
        this(
                d,
                VendorChoice.cudnn("revtaf.cuda.conv", d.device),
                VendorChoice.cudnn("revtaf.cuda.pool", d.device),
                VendorChoice.Math.fromSystem());
    }

    CudaConv(CudaDevice d, VendorChoice.Impl conv, VendorChoice.Impl pool, VendorChoice.Math math) {
        super(d, ConvKernels.class, Backend::conv);
        boolean any = conv == VendorChoice.Impl.VENDOR || pool == VendorChoice.Impl.VENDOR;
        CudnnOps ops = any ? new CudnnOps(d, math) : null;
        cudnnConv = conv == VendorChoice.Impl.VENDOR ? ops : null;
        cudnnPool = pool == VendorChoice.Impl.VENDOR ? ops : null;
    }

    /** Whether cuDNN convolves g: chosen, and a batch that is not empty (cuDNN refuses empty tensors). */
    private boolean cudnnTakes(Conv2dGeom g) {
        return cudnnConv != null && g.n() > 0;
    }

    /** Whether cuDNN pools g: chosen, and a batch that is not empty. */
    private boolean cudnnTakes(Pool2dGeom g) {
        return cudnnPool != null && g.n() > 0;
    }

    /** "cudnn" or "own". */
    String convPath() {
        return cudnnConv != null ? "cudnn" : "own";
    }

    String poolPath() {
        return cudnnPool != null ? "cudnn" : "own";
    }

    private static MemorySegment geom(Arena a, Conv2dGeom g) {
        return longs(
                a,
                g.n(),
                g.c(),
                g.h(),
                g.w(),
                g.oc(),
                g.kh(),
                g.kw(),
                g.sh(),
                g.sw(),
                g.ph(),
                g.pw(),
                g.dh(),
                g.dw(),
                g.groups());
    }

    private static MemorySegment geom(Arena a, Pool2dGeom g) {
        return longs(a, g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw());
    }

    /** Runs a launcher with g as its int64 geometry array (valid during the call). */
    private static void withGeom(Conv2dGeom g, Consumer<MemorySegment> launch) {
        try (Arena a = Arena.ofConfined()) {
            launch.accept(geom(a, g));
        }
    }

    private static void withGeom(Pool2dGeom g, Consumer<MemorySegment> launch) {
        try (Arena a = Arena.ofConfined()) {
            launch.accept(geom(a, g));
        }
    }

    /** Whether the argmax tensor is what the pooling kernels read: contiguous int32. */
    private static boolean denseIndex(Tensor argmax) {
        return argmax.dtype() == DType.INT32 && argmax.isContiguous();
    }

    @Override
    public void conv2d(Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dGeom g) {
        if (!dense(out, x, w, bias)) host.conv2d(out, x, w, bias, g);
        else if (cudnnTakes(g)) cudnnConv.conv2d(out, x, w, bias, g);
        else
            withGeom(
                    g,
                    geom -> k.conv2dFwd(
                            stream, at(out), at(x), at(w), at(bias), geom, version(KernelVersions.Family.CONV)));
    }

    @Override
    public void conv2dBackward(Tensor dx, Tensor dw, Tensor db, Tensor dy, Tensor x, Tensor w, Conv2dGeom g) {
        if (!dense(dx, dw, db, dy, x, w)) {
            host.conv2dBackward(dx, dw, db, dy, x, w, g);
            return;
        }
        if (cudnnTakes(g)) {
            cudnnConv.conv2dBackward(dx, dw, db, dy, x, w, g);
            return;
        }
        withGeom(g, geom -> {
            if (dx != null) k.conv2dBwdData(stream, at(dx), at(dy), at(w), geom, version(KernelVersions.Family.CONV));
            if (dw != null || db != null)
                k.conv2dBwdWeight(stream, at(dw), at(db), at(dy), at(x), geom, version(KernelVersions.Family.CONV));
        });
    }

    @Override
    public void maxPool2d(Tensor out, Tensor argmax, Tensor x, Pool2dGeom g) {
        if (!dense(out, x) || !denseIndex(argmax)) host.maxPool2d(out, argmax, x, g);
        else if (cudnnTakes(g)) cudnnPool.pool(out, x, g, CudnnOps.poolMode(true, false)); // argmax unwritten
        else withGeom(g, geom -> k.maxPool2dFwd(stream, at(out), at(argmax), at(x), geom));
    }

    @Override
    public void maxPool2dBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor x, Tensor out, Pool2dGeom g) {
        // the same test as the forward's: what cuDNN pooled forward it pools backward
        if (!dense(dx, dy) || !denseIndex(argmax)) host.maxPool2dBackward(dx, dy, argmax, x, out, g);
        else if (cudnnTakes(g)) cudnnPool.poolBackward(dx, dy, x, out, g, CudnnOps.poolMode(true, false));
        else withGeom(g, geom -> k.maxPool2dBwd(stream, at(dx), at(dy), at(argmax), geom));
    }

    @Override
    public void avgPool2d(Tensor out, Tensor x, Pool2dGeom g, boolean countIncludePad) {
        if (!dense(out, x)) host.avgPool2d(out, x, g, countIncludePad);
        else if (cudnnTakes(g)) cudnnPool.pool(out, x, g, CudnnOps.poolMode(false, countIncludePad));
        else withGeom(g, geom -> k.avgPool2dFwd(stream, at(out), at(x), geom, countIncludePad ? 1 : 0));
    }

    @Override
    public void avgPool2dBackward(Tensor dx, Tensor dy, Tensor x, Tensor out, Pool2dGeom g, boolean countIncludePad) {
        if (!dense(dx, dy)) host.avgPool2dBackward(dx, dy, x, out, g, countIncludePad);
        else if (cudnnTakes(g) && dense(x, out))
            cudnnPool.poolBackward(dx, dy, x, out, g, CudnnOps.poolMode(false, countIncludePad));
        else withGeom(g, geom -> k.avgPool2dBwd(stream, at(dx), at(dy), geom, countIncludePad ? 1 : 0));
    }

    @Override
    public void adaptiveAvgPool2d(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow) {
        if (!dense(out, x)) host.adaptiveAvgPool2d(out, x, n, c, h, w, oh, ow);
        else k.adaptiveAvgPool2dFwd(stream, at(out), at(x), (long) n * c, h, w, oh, ow);
    }

    @Override
    public void adaptiveAvgPool2dBackward(Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow) {
        if (!dense(dx, dy)) host.adaptiveAvgPool2dBackward(dx, dy, n, c, h, w, oh, ow);
        else k.adaptiveAvgPool2dBwd(stream, at(dx), at(dy), (long) n * c, h, w, oh, ow);
    }

    @Override
    public void bilinear(Tensor out, Tensor x, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        if (!dense(out, x)) host.bilinear(out, x, n, c, h, w, oh, ow, alignCorners);
        else k.bilinearFwd(stream, at(out), at(x), (long) n * c, h, w, oh, ow, alignCorners ? 1 : 0);
    }

    @Override
    public void bilinearBackward(
            Tensor dx, Tensor dy, int n, int c, int h, int w, int oh, int ow, boolean alignCorners) {
        if (!dense(dx, dy)) host.bilinearBackward(dx, dy, n, c, h, w, oh, ow, alignCorners);
        else k.bilinearBwd(stream, at(dx), at(dy), (long) n * c, h, w, oh, ow, alignCorners ? 1 : 0);
    }
}
