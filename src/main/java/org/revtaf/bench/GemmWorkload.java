package org.revtaf.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.revtaf.backend.cpu.kernels.Gemm;
import org.revtaf.backend.cpu.kernels.GemmRef;
import org.revtaf.backend.cpu.kernels.Parallel;

/** {@code bench gemm --m --n --k}: C = A * B, fp32, row-major; 2*m*n*k flops per call. */
public final class GemmWorkload implements Workload {
    @Override
    public String name() {
        return "gemm";
    }

    @Override
    public String description() {
        return "fp32 matrix multiply C(m,n) = A(m,k) * B(k,n)";
    }

    @Override
    public List<String> devices() {
        return List.of("cpu", "reference");
    }

    @Override
    public List<BenchOptions.Spec> options() {
        return List.of(
                new BenchOptions.Spec("m", "1024", "rows of A and C"),
                new BenchOptions.Spec("n", "1024", "columns of B and C"),
                new BenchOptions.Spec("k", "1024", "columns of A, rows of B"),
                new BenchOptions.Spec("seconds", "2", "approximate timed duration"),
                new BenchOptions.Spec("warmup", "1", "approximate warm-up duration in seconds (0 = none)"));
    }

    @Override
    public BenchResult run(String device, BenchOptions o, PrintWriter log) {
        int m = o.integer("m", 1, 1 << 15), n = o.integer("n", 1, 1 << 15), k = o.integer("k", 1, 1 << 15);
        double seconds = o.number("seconds"), warmup = o.nonNegative("warmup");
        if ((long) m * k > Integer.MAX_VALUE / 2
                || (long) k * n > Integer.MAX_VALUE / 2
                || (long) m * n > Integer.MAX_VALUE / 2)
            throw new BenchOptions.BadUsage("bench gemm: matrices too large for float[] (m*k, k*n, m*n < 2^30)");
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() - 0.5);
        for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextDouble() - 0.5);
        Runnable op = device.equals("reference")
                ? () -> GemmRef.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n)
                : () -> Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        Timer.Samples s = Timer.time(op, device.equals("reference") ? 0 : warmup, seconds);
        double flops = 2.0 * m * n * k;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("m", m);
        extra.put("n", n);
        extra.put("k", k);
        extra.put("threads", device.equals("reference") ? 1 : Parallel.threads());
        extra.put("reps", s.sorted().length);
        extra.put("gflops_max", flops / s.min() * 1e-9);
        extra.put("gflops_min", flops / s.max() * 1e-9);
        return new BenchResult("gemm", device, s.median(), flops / s.median() * 1e-9, Double.NaN, Double.NaN, extra);
    }
}
