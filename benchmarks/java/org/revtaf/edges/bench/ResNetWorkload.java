package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.util.Map;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.ResNet;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.Rng;

/**
 * {@code bench resnet}: a torchvision-layout ResNet (18/34/50/101, 1000 classes) training step,
 * cross-entropy on random labels, forward + backward, in images per second; the forward-only
 * (eval) rate of the same run is reported beside it.
 */
public final class ResNetWorkload extends Workload {
    public ResNetWorkload() {
        super("resnet", "ResNet-18/34/50/101 training step (forward + backward), images/s", CPU_AND_REFERENCE, """
                        depth  18   18 | 34 | 50 | 101
                        size   224  input image side (pixels)
                        batch  8    images per step
                        width  64   base width (64 = torchvision)
                        iters  3    timed steps (median)
                        warmup 3    untimed steps first, of each pass (JIT compilation, allocator pool)
                        """);
    }

    @Override
    public BenchResult run(Device dev, BenchOptions o, PrintWriter log) {
        int depth = o.integer("depth", 18, 101);
        if (depth != 18 && depth != 34 && depth != 50 && depth != 101)
            throw new BenchOptions.BadUsage("bench resnet: --depth must be 18, 34, 50 or 101, got " + depth);
        int size = o.integer("size", 32, 1024), batch = o.integer("batch", 2, 1024), iters = o.integer("iters", 1, 100);
        int width = o.integer("width", 1, 256), warmup = o.integer("warmup", 0, 100);
        ResNet net = new ResNet(NnContext.of(dev, 1), new ResNet.Config(depth, 3, width, 4, 1000));
        Tensor x = Tensor.randn(dev, DType.FLOAT32, new Rng(2), 1.0, batch, 3, size, size);
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) labels[i] = i * 37 % 1000;
        Tensor y = Tensor.ofLongs(dev, labels, batch);
        var t = ModelStepTimer.trainAndForward(
                net, () -> F.crossEntropy(net.forward(x), y, -100, 0.0), () -> net.forward(x), warmup, iters);
        log.printf(
                "  resnet-%d batch %d at %dx%d: train step %.3f s (%.2f img/s), forward %.3f s (%.2f img/s)%n",
                depth, batch, size, size, t.train(), batch / t.train(), t.forward(), batch / t.forward());
        Map<String, Object> extra = t.logCpu(log);
        extra.put("depth", depth);
        extra.put("size", size);
        extra.put("batch", batch);
        extra.put("width", width);
        extra.put("parameters", net.parameterCount());
        return t.result("resnet", dev, batch, extra);
    }
}
