package org.revtaf.edges.bench.jmh;

import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.revtaf.engine.backend.cpu.kernels.Gemm;

/**
 * SGEMM of the cpu kernels, C(m,n) = op(A) op(B), square sizes and the transposes the autograd
 * needs (NT = forward of a linear layer, TN = its weight gradient). Secondary result "gflop" =
 * GFLOP/s. The OpenBLAS baseline is measured by benchmarks/gemm-vs-openblas.sh.
 *
 * <p>./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 2 -i 3 -w 1s -r 1s GemmBench"
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemmBench {
    @Param({"128", "512", "1024"})
    public int size;

    @Param({"NN", "NT", "TN"})
    public String op;

    float[] a, b, c;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() - 0.5);
            b[i] = (float) (r.nextDouble() - 0.5);
        }
    }

    @Benchmark
    public float[] sgemm(Counters k) {
        int n = size;
        Gemm.sgemm(op.charAt(0) == 'T', op.charAt(1) == 'T', n, n, n, 1f, of(a), n, of(b), n, 0f, of(c), n);
        k.gflop += 2.0 * n * n * n * 1e-9;
        return c;
    }
}
