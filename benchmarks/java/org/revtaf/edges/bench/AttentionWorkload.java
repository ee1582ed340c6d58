package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.backend.cuda.CudaBackend;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;

/**
 * {@code bench attention}: the fused scaled-dot-product attention op ({@code F.attention}, one kernel
 * per pass on every backend) against the unfused composition of our own ops that a framework without
 * it runs (scores = q k^T scale, causal mask by masked_fill, softmax, p v: three kernels and a
 * (b, h, n, n) score tensor per pass), forward or forward + backward, on any device. The flop count
 * is the four (two forward, causal halves included) matrix products' 4 b h n n d per forward pass, 2x
 * that more for backward; on cuda every timed call ends with a device synchronisation.
 */
public final class AttentionWorkload extends Workload {
    public AttentionWorkload() {
        super(
                "attention",
                "fused attention vs the unfused matmul-softmax-matmul composition (b, h, n, d)",
                List.of(Device.CPU, Device.REFERENCE, Device.CUDA, Device.CUDA_EMU),
                """
                        batch    8        sequences
                        heads    8        attention heads
                        seq      256      queries = keys per sequence
                        dim      64       head dimension
                        causal   true     hide later keys (true | false)
                        pass     forward  forward | train (forward + backward)
                        seconds  1        approximate timed duration per variant
                        warmup   1        seconds of warm-up calls of both variants before either is timed
                        """);
    }

    @Override
    public BenchResult run(Device device, BenchOptions o, PrintWriter log) {
        int b = o.integer("batch", 1, 4096), h = o.integer("heads", 1, 256);
        int n = o.integer("seq", 1, 16384), d = o.integer("dim", 1, 512);
        boolean causal = switch (o.string("causal")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BenchOptions.BadUsage("bench attention: --causal must be true or false");
        };
        String pass = o.string("pass");
        if (!pass.equals("forward") && !pass.equals("train"))
            throw new BenchOptions.BadUsage("bench attention: --pass must be forward or train, got '" + pass + "'");
        if ((long) b * h * n * n > Integer.MAX_VALUE / 2)
            throw new BenchOptions.BadUsage("bench attention: the unfused score tensor b*h*seq^2 must stay < 2^30");
        boolean train = pass.equals("train"), ref = device == Device.REFERENCE;
        double seconds = o.number("seconds");
        SplittableRandom r = new SplittableRandom(5);
        // q, k, v, dout: (b, h, n, d); the causal mask (n, n) is 1 above the diagonal (hidden keys)
        Tensor q = ConvWorkload.random(device, r, b, h, n, d).requiresGrad(train);
        Tensor k = ConvWorkload.random(device, r, b, h, n, d).requiresGrad(train);
        Tensor v = ConvWorkload.random(device, r, b, h, n, d).requiresGrad(train);
        Tensor dout = ConvWorkload.random(device, r, b, h, n, d);
        float[] hidden = new float[n * n];
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) hidden[i * n + j] = 1f;
        Tensor mask = causal ? Tensor.of(device, hidden, n, n) : null;
        double scale = 1 / Math.sqrt(d);
        CudaBackend cuda = Backends.of(device) instanceof CudaBackend cb ? cb : null;

        Supplier<Tensor> fusedOut = () -> F.attention(q, k, v, null, scale, causal);
        Supplier<Tensor> unfusedOut = () -> {
            // s: (b, h, n, n)
            Tensor s = F.scale(F.matmul(q, F.transpose(k, 2, 3)), scale);
            if (mask != null) s = F.maskedFill(s, mask, Double.NEGATIVE_INFINITY);
            return F.matmul(F.softmax(s, 3), v);
        };
        double maxDiff; // the two must compute the same thing before their times mean anything
        try (Scope s = Scope.open();
                var g = GradMode.noGrad()) {
            float[] a = fusedOut.get().toFloats(), u = unfusedOut.get().toFloats();
            maxDiff = 0;
            for (int i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - u[i]));
        }
        Runnable fused = step(train, cuda, fusedOut, dout, q, k, v);
        Runnable unfused = step(train, cuda, unfusedOut, dout, q, k, v);
        // both warmed up before either is timed (the JIT compiles what the other variant also runs),
        // then each timed twice, alternating; the faster median of each counts
        double warm = ref ? 0 : o.nonNegative("warmup");
        if (warm > 0) {
            Timer.time(fused, warm / 2, 1e-9);
            Timer.time(unfused, warm / 2, 1e-9);
        }
        Timer.Samples tf = Timer.time(fused, 0, seconds / 2), tu = Timer.time(unfused, 0, seconds / 2);
        Timer.Samples tf2 = Timer.time(fused, 0, seconds / 2), tu2 = Timer.time(unfused, 0, seconds / 2);
        if (tf2.median() < tf.median()) tf = tf2;
        if (tu2.median() < tu.median()) tu = tu2;
        double flops = 4.0 * b * h * n * n * d * (train ? 3 : 1);
        log.printf(
                "  attention %s (b %d, h %d, seq %d, d %d%s): fused %.3f ms (%.1f GFLOP/s), unfused %.3f ms"
                        + " (%.1f GFLOP/s): fused %.2fx; outputs differ by at most %.2g%n",
                pass,
                b,
                h,
                n,
                d,
                causal ? ", causal" : "",
                tf.median() * 1e3,
                flops / tf.median() * 1e-9,
                tu.median() * 1e3,
                flops / tu.median() * 1e-9,
                tu.median() / tf.median(),
                maxDiff);
        log.flush();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("batch", b);
        extra.put("heads", h);
        extra.put("seq", n);
        extra.put("dim", d);
        extra.put("causal", causal);
        extra.put("pass", pass);
        extra.put("threads", device == Device.CPU ? Parallel.threads() : 1);
        extra.put("unfused_seconds", tu.median());
        extra.put("unfused_gflops", flops / tu.median() * 1e-9);
        extra.put("fused_speedup", tu.median() / tf.median());
        extra.put("max_abs_diff", maxDiff);
        return new BenchResult(
                "attention", device, tf.median(), flops / tf.median() * 1e-9, Double.NaN, Double.NaN, extra);
    }

    /** One timed call: forward (no graph) or forward + backward from dout, in a scope; synchronised on cuda. */
    private static Runnable step(boolean train, CudaBackend cuda, Supplier<Tensor> forward, Tensor dout, Tensor... in) {
        return () -> {
            try (Scope s = Scope.open()) {
                if (train) {
                    forward.get().backward(dout);
                    for (Tensor t : in) t.zeroGrad();
                } else {
                    try (var g = GradMode.noGrad()) {
                        forward.get();
                    }
                }
            }
            if (cuda != null) cuda.synchronize();
        };
    }
}
