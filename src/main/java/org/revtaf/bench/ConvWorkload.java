package org.revtaf.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.revtaf.backend.cpu.kernels.Conv2d;
import org.revtaf.backend.cpu.kernels.Conv2dRef;
import org.revtaf.backend.cpu.kernels.ConvShape;
import org.revtaf.backend.cpu.kernels.Parallel;

/**
 * {@code bench conv}: the distinct convolution layers of a ResNet-18 (stem 7x7/2, the 3x3 layers of
 * the four stages, a 1x1/2 downsample) at a given batch and image size. With {@code --pass train}
 * each layer also runs backward-data and backward-weight (3x the forward flops). Reports the total
 * time over the layers and per-layer GFLOP/s.
 */
public final class ConvWorkload implements Workload {
    @Override
    public String name() {
        return "conv";
    }

    @Override
    public String description() {
        return "ResNet-18 convolution layers (NCHW fp32), forward or forward+backward";
    }

    @Override
    public List<String> devices() {
        return List.of("cpu", "reference");
    }

    @Override
    public List<BenchOptions.Spec> options() {
        return List.of(
                new BenchOptions.Spec("batch", "4", "images per batch"),
                new BenchOptions.Spec("size", "224", "input image side (pixels)"),
                new BenchOptions.Spec("pass", "forward", "forward | train (forward + both backward kernels)"),
                new BenchOptions.Spec("seconds", "0.5", "approximate timed duration per layer"));
    }

    /** ResNet-18 layers at input side {@code size}: name -> shape. */
    static Map<String, ConvShape> layers(int batch, int size) {
        Map<String, ConvShape> m = new LinkedHashMap<>();
        int s = size;
        m.put("stem7x7s2", ConvShape.of(batch, 3, s, s, 64, 7, 2, 3));
        int f = (s + 1) / 2; // after stem
        f = (f + 1) / 2; // after max pool 3x3/2 pad 1
        m.put("l1_3x3_64", ConvShape.of(batch, 64, f, f, 64, 3, 1, 1));
        m.put("l2_3x3s2_128", ConvShape.of(batch, 64, f, f, 128, 3, 2, 1));
        m.put("l2_1x1s2_down", ConvShape.of(batch, 64, f, f, 128, 1, 2, 0));
        int f2 = (f + 1) / 2, f3 = (f2 + 1) / 2, f4 = (f3 + 1) / 2;
        m.put("l2_3x3_128", ConvShape.of(batch, 128, f2, f2, 128, 3, 1, 1));
        m.put("l3_3x3_256", ConvShape.of(batch, 256, f3, f3, 256, 3, 1, 1));
        m.put("l4_3x3_512", ConvShape.of(batch, 512, f4, f4, 512, 3, 1, 1));
        return m;
    }

    @Override
    public BenchResult run(String device, BenchOptions o, PrintWriter log) {
        int batch = o.integer("batch", 1, 1024), size = o.integer("size", 16, 1024);
        String pass = o.string("pass");
        if (!pass.equals("forward") && !pass.equals("train"))
            throw new BenchOptions.BadUsage("bench conv: --pass must be forward or train, got '" + pass + "'");
        boolean train = pass.equals("train"), ref = device.equals("reference");
        double seconds = o.number("seconds");
        SplittableRandom r = new SplittableRandom(3);
        double totalSeconds = 0, totalFlops = 0;
        Map<String, Object> perLayer = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (var e : layers(batch, size).entrySet()) {
            ConvShape s = e.getValue();
            float[] x = fill(r, s.xSize()),
                    w = fill(r, s.wSize()),
                    bias = fill(r, s.oc()),
                    y = new float[(int) s.ySize()];
            float[] dy = fill(r, s.ySize()), dx = new float[(int) s.xSize()], dw = new float[(int) s.wSize()];
            float[] db = new float[s.oc()];
            Runnable op = () -> {
                if (ref) Conv2dRef.forward(s, x, 0, w, 0, bias, 0, y, 0);
                else Conv2d.forward(s, x, 0, w, 0, bias, 0, y, 0);
                if (train && ref) {
                    Conv2dRef.backwardData(s, dy, 0, w, 0, dx, 0);
                    Conv2dRef.backwardWeight(s, x, 0, dy, 0, dw, 0, db, 0);
                } else if (train) {
                    Conv2d.backwardData(s, dy, 0, w, 0, dx, 0);
                    Conv2d.backwardWeight(s, x, 0, dy, 0, dw, 0, db, 0);
                }
            };
            Timer.Samples t = Timer.time(op, ref ? 0 : 0.3, seconds);
            double flops = s.flops() * (train ? 3 : 1);
            totalSeconds += t.median();
            totalFlops += flops;
            perLayer.put(e.getKey(), Math.round(flops / t.median() * 1e-8) / 10.0);
            lines.add(String.format(
                    "  %-14s %s  %.3f ms  %.1f GFLOP/s",
                    e.getKey(), describe(s), t.median() * 1e3, flops / t.median() * 1e-9));
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

    private static String describe(ConvShape s) {
        return String.format("%dx%dx%d -> %d, k%d s%d p%d", s.c(), s.h(), s.w(), s.oc(), s.kh(), s.sh(), s.ph());
    }

    private static float[] fill(SplittableRandom r, long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() - 0.5);
        return a;
    }
}
