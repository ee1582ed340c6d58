package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.GemmGeom;
import org.revtaf.engine.backend.MatmulKernels;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * {@code bench gemm --m --n --k}: C = A * B, fp32, row-major, through the device's matmul kernels
 * (the same call the matmul op makes); 2*m*n*k flops per call.
 */
public final class GemmWorkload extends Workload {
    public GemmWorkload() {
        super("gemm", "fp32 matrix multiply C(m,n) = A(m,k) * B(k,n)", CPU_AND_REFERENCE, """
                        m        1024  rows of A and C
                        n        1024  columns of B and C
                        k        1024  columns of A, rows of B
                        seconds  2     approximate timed duration
                        warmup   1     approximate warm-up duration in seconds (0 = none)
                        """);
    }

    @Override
    public BenchResult run(Device device, BenchOptions o, PrintWriter log) {
        int m = o.integer("m", 1, 1 << 15), n = o.integer("n", 1, 1 << 15), k = o.integer("k", 1, 1 << 15);
        double seconds = o.number("seconds"), warmup = o.nonNegative("warmup");
        if ((long) m * k > Integer.MAX_VALUE / 2
                || (long) k * n > Integer.MAX_VALUE / 2
                || (long) m * n > Integer.MAX_VALUE / 2)
            throw new BenchOptions.BadUsage("bench gemm: matrices too large for float[] (m*k, k*n, m*n < 2^30)");
        SplittableRandom r = new SplittableRandom(1);
        // a: (m, k), b: (k, n), c: (m, n)
        Tensor a = ConvWorkload.random(device, r, m, k), b = ConvWorkload.random(device, r, k, n);
        Tensor c = Tensor.empty(device, DType.FLOAT32, m, n);
        MatmulKernels mm = Backends.of(device, DType.FLOAT32).matmul();
        boolean ref = device == Device.REFERENCE;
        Timer.Samples s = Timer.time(
                () -> mm.gemm(c, a, b, new GemmGeom(1, m, n, k, false, false, 0, 0, 1, 0)), ref ? 0 : warmup, seconds);
        double flops = 2.0 * m * n * k;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("m", m);
        extra.put("n", n);
        extra.put("k", k);
        extra.put("threads", ref ? 1 : Parallel.threads());
        extra.put("reps", s.sorted().length);
        extra.put("gflops_max", flops / s.min() * 1e-9);
        extra.put("gflops_min", flops / s.max() * 1e-9);
        return new BenchResult("gemm", device, s.median(), flops / s.median() * 1e-9, Double.NaN, Double.NaN, extra);
    }
}
