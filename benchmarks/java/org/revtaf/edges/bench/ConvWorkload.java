package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.ConvKernels;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * {@code bench conv}: the distinct convolution layers of a ResNet-18 (stem 7x7/2, the 3x3 layers of
 * the four stages, a 1x1/2 downsample) at a given batch and image size. With {@code --pass train}
 * each layer also runs backward-data and backward-weight (3x the forward flops). Reports the total
 * time over the layers and per-layer GFLOP/s. Runs the device's conv kernels (the calls the conv2d op
 * makes).
 */
public final class ConvWorkload extends Workload {
    public ConvWorkload() {
        super("conv", "ResNet-18 convolution layers (NCHW fp32), forward or forward+backward", CPU_AND_REFERENCE, """
                        batch    4        images per batch
                        size     224      input image side (pixels)
                        pass     forward  forward | train (forward + both backward kernels)
                        seconds  0.5      approximate timed duration per layer
                        """);
    }

    /** ResNet-18 layers at input side {@code size}: name -> shape. */
    public static Map<String, Conv2dGeom> layers(int batch, int size) {
        Map<String, Conv2dGeom> m = new LinkedHashMap<>();
        int s = size;
        m.put("stem7x7s2", Conv2dGeom.of(batch, 3, s, s, 64, 7, 2, 3));
        int f = (s + 1) / 2; // after stem
        f = (f + 1) / 2; // after max pool 3x3/2 pad 1
        m.put("l1_3x3_64", Conv2dGeom.of(batch, 64, f, f, 64, 3, 1, 1));
        m.put("l2_3x3s2_128", Conv2dGeom.of(batch, 64, f, f, 128, 3, 2, 1));
        m.put("l2_1x1s2_down", Conv2dGeom.of(batch, 64, f, f, 128, 1, 2, 0));
        int f2 = (f + 1) / 2, f3 = (f2 + 1) / 2, f4 = (f3 + 1) / 2;
        m.put("l2_3x3_128", Conv2dGeom.of(batch, 128, f2, f2, 128, 3, 1, 1));
        m.put("l3_3x3_256", Conv2dGeom.of(batch, 256, f3, f3, 256, 3, 1, 1));
        m.put("l4_3x3_512", Conv2dGeom.of(batch, 512, f4, f4, 512, 3, 1, 1));
        return m;
    }

    @Override
    public BenchResult run(Device device, BenchOptions o, PrintWriter log) {
        int batch = o.integer("batch", 1, 1024), size = o.integer("size", 16, 1024);
        String pass = o.string("pass");
        if (!pass.equals("forward") && !pass.equals("train"))
            throw new BenchOptions.BadUsage("bench conv: --pass must be forward or train, got '" + pass + "'");
        boolean train = pass.equals("train"), ref = device == Device.REFERENCE;
        double seconds = o.number("seconds");
        ConvKernels conv = Backends.of(device, DType.FLOAT32).conv();
        SplittableRandom r = new SplittableRandom(3);
        double totalSeconds = 0, totalFlops = 0;
        Map<String, Object> perLayer = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (var e : layers(batch, size).entrySet()) {
            Conv2dGeom g = e.getValue();
            // x: (n, c, h, w), w: (oc, c, kh, kw), y: (n, oc, oh, ow)
            Tensor x = random(device, r, g.n(), g.c(), g.h(), g.w());
            Tensor w = random(device, r, g.oc(), g.cg(), g.kh(), g.kw()), bias = random(device, r, g.oc());
            Tensor dy = random(device, r, g.n(), g.oc(), g.oh(), g.ow());
            Tensor y = Tensor.empty(device, DType.FLOAT32, dy.shapeRef());
            Tensor dx = Tensor.empty(device, DType.FLOAT32, x.shapeRef());
            Tensor dw = Tensor.empty(device, DType.FLOAT32, w.shapeRef()),
                    db = Tensor.empty(device, DType.FLOAT32, g.oc());
            Runnable op = () -> {
                conv.conv2d(y, x, w, bias, g);
                if (train) conv.conv2dBackward(dx, dw, db, dy, x, w, g);
            };
            Timer.Samples t = Timer.time(op, ref ? 0 : 0.3, seconds);
            double flops = g.flops() * (train ? 3 : 1);
            totalSeconds += t.median();
            totalFlops += flops;
            perLayer.put(e.getKey(), Math.round(flops / t.median() * 1e-8) / 10.0);
            lines.add(String.format(
                    "  %-14s %s  %.3f ms  %.1f GFLOP/s",
                    e.getKey(), describe(g), t.median() * 1e3, flops / t.median() * 1e-9));
        }
        lines.forEach(log::println);
        log.flush();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("batch", batch);
        extra.put("size", size);
        extra.put("pass", pass);
        extra.put("threads", ref ? 1 : Parallel.threads());
        extra.put("layers_gflops", perLayer);
        return new BenchResult(
                "conv", device, totalSeconds, totalFlops / totalSeconds * 1e-9, Double.NaN, Double.NaN, extra);
    }

    private static String describe(Conv2dGeom s) {
        return String.format("%dx%dx%d -> %d, k%d s%d p%d", s.c(), s.h(), s.w(), s.oc(), s.kh(), s.sh(), s.ph());
    }

    /** A float32 tensor of uniform values in [-0.5, 0.5) from r. */
    static Tensor random(Device device, SplittableRandom r, int... shape) {
        float[] a = new float[org.revtaf.engine.tensor.Shapes.numel(shape)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() - 0.5);
        return Tensor.of(device, a, shape);
    }
}
