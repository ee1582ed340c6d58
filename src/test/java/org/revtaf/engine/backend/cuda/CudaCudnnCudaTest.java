package org.revtaf.engine.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.Pool2dGeom;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.bindings.VendorLibraries;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

/**
 * On a real GPU with cuDNN 9 (tag cuda: run by benchmarks/gpu-check.sh, which says when cuDNN is
 * missing there): the cuDNN paths of {@link CudaConv} and {@link CudaNorm} agree with our kernels -
 * convolution forward and its three gradients over strides, padding, dilation and groups, batch
 * norm in training (output, saved statistics, running statistics) and eval and its backward, max
 * and average pooling forward and backward. fp32 math (FMA only), so the tolerances are those of
 * summation order.
 */
@Tag("cuda")
class CudaCudnnCudaTest {
    private static final double TOL = 1e-4;
    private static CudaDevice dev;

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.Cuda());
        assumeTrue(
                VendorLibraries.available(VendorLibraries.Vendor.CUDNN),
                "cuDNN 9 (libcudnn.so.9) is not installed on this GPU machine: the cuDNN paths are not checked");
        dev = new CudaDevice(RevtafKernels.forDevice("cuda"), Device.CUDA);
    }

    @AfterAll
    static void unregister() {
        Backends.unregister(Device.CUDA);
    }

    private static Tensor randn(Random r, int... shape) {
        return Tensor.randn(Device.CUDA, DType.FLOAT32, r, 1, shape);
    }

    private static Tensor zeros(int... shape) {
        return Tensor.zeros(Device.CUDA, DType.FLOAT32, shape);
    }

    @Test
    void convolutionAndItsGradientsMatchTheImplicitGemmKernel() {
        CudaConv vendor = new CudaConv(dev, VendorChoice.Impl.VENDOR, VendorChoice.Impl.OWN, VendorChoice.Math.FP32);
        CudaConv own = new CudaConv(dev, VendorChoice.Impl.OWN, VendorChoice.Impl.OWN, VendorChoice.Math.FP32);
        Random r = new Random(3);
        Conv2dGeom[] gs = {
            Conv2dGeom.of(2, 3, 32, 32, 16, 7, 2, 3), // the ResNet stem
            Conv2dGeom.of(4, 16, 8, 8, 32, 1, 2, 0), // a projection shortcut
            new Conv2dGeom(1, 8, 17, 13, 12, 3, 5, 2, 1, 1, 2, 2, 1, 4), // odd sizes, dilation, groups
            new Conv2dGeom(3, 6, 9, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6) // depthwise
        };
        for (Conv2dGeom g : gs) {
            Tensor x = randn(r, g.n(), g.c(), g.h(), g.w()), w = randn(r, g.oc(), g.cg(), g.kh(), g.kw());
            Tensor bias = randn(r, g.oc()), dy = randn(r, g.n(), g.oc(), g.oh(), g.ow());
            Tensor yv = zeros(g.n(), g.oc(), g.oh(), g.ow()), yo = zeros(g.n(), g.oc(), g.oh(), g.ow());
            vendor.conv2d(yv, x, w, bias, g);
            own.conv2d(yo, x, w, bias, g);
            TensorAssert.assertClose("conv " + g, yv, yo, TOL, TOL);
            Tensor[] v = grads(g), o = grads(g);
            vendor.conv2dBackward(v[0], v[1], v[2], dy, x, w, g);
            own.conv2dBackward(o[0], o[1], o[2], dy, x, w, g);
            String[] names = {"dx", "dw", "db"};
            for (int i = 0; i < 3; i++) TensorAssert.assertClose(names[i] + " " + g, v[i], o[i], TOL * 10, TOL);
        }
    }

    private static Tensor[] grads(Conv2dGeom g) {
        return new Tensor[] {zeros(g.n(), g.c(), g.h(), g.w()), zeros(g.oc(), g.cg(), g.kh(), g.kw()), zeros(g.oc())};
    }

    @Test
    void batchNormMatchesOursInTrainingEvalAndBackward() {
        CudaNorm vendor = new CudaNorm(dev, VendorChoice.Impl.VENDOR), own = new CudaNorm(dev, VendorChoice.Impl.OWN);
        Random r = new Random(5);
        int n = 4, c = 6, hw = 25;
        for (boolean training : new boolean[] {true, false})
            for (boolean relu : new boolean[] {false, true}) {
                BatchNormGeom g = new BatchNormGeom(n, c, hw, training, 0.1, 1e-5, relu);
                Tensor x = randn(r, n, c, hw), w = randn(r, c), b = randn(r, c);
                Tensor rm = randn(r, c),
                        rv = Tensor.randn(Device.CUDA, DType.FLOAT32, r, 0.3, c).exp(); // positive variances
                BatchNormArgs<Tensor> av = args(x, w, b, rm, rv), ao = args(x, w, b, rm, rv);
                vendor.batchNorm(av, g);
                own.batchNorm(ao, g);
                String what = (training ? "training" : "eval") + (relu ? " + relu" : "");
                TensorAssert.assertClose("out " + what, av.out(), ao.out(), TOL, TOL);
                TensorAssert.assertClose("running mean " + what, av.runMean(), ao.runMean(), TOL, TOL);
                TensorAssert.assertClose("running var " + what, av.runVar(), ao.runVar(), TOL, TOL);
                if (!training) continue;
                TensorAssert.assertClose("saved mean", av.saveMean(), ao.saveMean(), TOL, TOL);
                TensorAssert.assertClose("saved 1/std", av.saveInvStd(), ao.saveInvStd(), TOL, TOL);
                Tensor dy = randn(r, n, c, hw);
                Tensor[] gv = {zeros(n, c, hw), zeros(c), zeros(c)}, go = {zeros(n, c, hw), zeros(c), zeros(c)};
                vendor.batchNormBackward(gv[0], gv[1], gv[2], dy, av, g);
                own.batchNormBackward(go[0], go[1], go[2], dy, ao, g);
                TensorAssert.assertClose("bn dx", gv[0], go[0], TOL * 10, TOL);
                TensorAssert.assertClose("bn dw", gv[1], go[1], TOL * 10, TOL);
                TensorAssert.assertClose("bn db", gv[2], go[2], TOL * 10, TOL);
            }
    }

    /** Fresh outputs and copies of the running statistics (each path updates its own). */
    private static BatchNormArgs<Tensor> args(Tensor x, Tensor w, Tensor b, Tensor rm, Tensor rv) {
        int c = w.shape(0);
        return new BatchNormArgs<>(
                Tensor.zeros(Device.CUDA, DType.FLOAT32, x.shapeRef()),
                zeros(c),
                zeros(c),
                rm.copyTo(Device.CUDA),
                rv.copyTo(Device.CUDA),
                x,
                w,
                b,
                null);
    }

    @Test
    void poolingMatchesOursForwardAndBackward() {
        CudaConv vendor = new CudaConv(dev, VendorChoice.Impl.OWN, VendorChoice.Impl.VENDOR, VendorChoice.Math.FP32);
        CudaConv own = new CudaConv(dev, VendorChoice.Impl.OWN, VendorChoice.Impl.OWN, VendorChoice.Math.FP32);
        Random r = new Random(9);
        Pool2dGeom[] gs = {Pool2dGeom.of(2, 3, 32, 32, 3, 2, 1), new Pool2dGeom(1, 4, 9, 7, 3, 2, 2, 1, 1, 0)};
        for (Pool2dGeom g : gs) {
            // distinct values: no ties inside a window, where cuDNN and our first-index rule may differ
            Tensor x = randn(r, g.n(), g.c(), g.h(), g.w()), dy = randn(r, g.n(), g.c(), g.oh(), g.ow());
            Tensor yv = zeros(g.n(), g.c(), g.oh(), g.ow()), yo = zeros(g.n(), g.c(), g.oh(), g.ow());
            Tensor arg = Tensor.zeros(Device.CUDA, DType.INT32, g.n(), g.c(), g.oh(), g.ow());
            Tensor dxv = zeros(g.n(), g.c(), g.h(), g.w()), dxo = zeros(g.n(), g.c(), g.h(), g.w());
            vendor.maxPool2d(yv, arg, x, g);
            own.maxPool2d(yo, arg, x, g);
            TensorAssert.assertClose("max pool " + g, yv, yo, 0, 0);
            vendor.maxPool2dBackward(dxv, dy, arg, x, yv, g);
            own.maxPool2dBackward(dxo, dy, arg, x, yo, g);
            TensorAssert.assertClose("max pool dx " + g, dxv, dxo, TOL, TOL);
            for (boolean include : new boolean[] {true, false}) {
                vendor.avgPool2d(yv, x, g, include);
                own.avgPool2d(yo, x, g, include);
                TensorAssert.assertClose("avg pool " + include + " " + g, yv, yo, TOL, TOL);
                vendor.avgPool2dBackward(dxv, dy, x, yv, g, include);
                own.avgPool2dBackward(dxo, dy, x, yo, g, include);
                TensorAssert.assertClose("avg pool dx " + include + " " + g, dxv, dxo, TOL, TOL);
            }
        }
    }
}
