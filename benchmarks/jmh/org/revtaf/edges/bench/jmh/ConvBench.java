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
import org.revtaf.edges.bench.ConvWorkload;
import org.revtaf.engine.backend.Conv2dGeom;
import org.revtaf.engine.backend.cpu.kernels.Conv2d;

/**
 * Conv2d forward / backward-data / backward-weight on ResNet-18 layers (batch 4, 224 input; the
 * layer names of {@code revtaf bench conv}). Secondary result "gflop" = GFLOP/s (2 * MACs).
 *
 * <p>./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 2 -i 3 -w 1s -r 1s ConvBench"
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConvBench {
    @Param({"stem7x7s2", "l1_3x3_64", "l2_1x1s2_down", "l3_3x3_256", "l4_3x3_512"})
    public String layer;

    Conv2dGeom s;
    float[] x, w, bias, y, dy, dx, dw, db;

    @Setup
    public void setup() {
        s = ConvWorkload.layers(4, 224).get(layer);
        SplittableRandom r = new SplittableRandom(2);
        x = fill(r, s.xSize());
        w = fill(r, s.wSize());
        bias = fill(r, s.oc());
        dy = fill(r, s.ySize());
        y = new float[(int) s.ySize()];
        dx = new float[(int) s.xSize()];
        dw = new float[(int) s.wSize()];
        db = new float[s.oc()];
    }

    static float[] fill(SplittableRandom r, long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() - 0.5);
        return a;
    }

    /** Counts one pass's flops (every pass does the forward's) and hands back its output for JMH. */
    private float[] counted(Counters k, float[] out) {
        k.gflop += s.flops() * 1e-9;
        return out;
    }

    @Benchmark
    public float[] forward(Counters k) {
        Conv2d.forward(s, of(x), of(w), of(bias), of(y));
        return counted(k, y);
    }

    @Benchmark
    public float[] backwardData(Counters k) {
        Conv2d.backwardData(s, of(dy), of(w), of(dx));
        return counted(k, dx);
    }

    @Benchmark
    public float[] backwardWeight(Counters k) {
        Conv2d.backwardWeight(s, of(x), of(dy), of(dw), of(db));
        return counted(k, dw);
    }
}
