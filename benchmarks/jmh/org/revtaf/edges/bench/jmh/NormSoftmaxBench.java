package org.revtaf.edges.bench.jmh;

import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.LayerNormArgs;
import org.revtaf.engine.backend.cpu.kernels.Norm;
import org.revtaf.engine.backend.cpu.kernels.Softmax;
import org.revtaf.engine.backend.cpu.kernels.VecMath;

/**
 * Memory-bound kernels: layer norm (4096 x 768), softmax (4096 x 512, attention-like rows), batch
 * norm (8 x 64 x 56 x 56), gelu; secondary result "gb" = GB/s of compulsory traffic (each input
 * read once, each output written once). Baseline in the same run: {@code copy}, a parallel-free
 * System.arraycopy of the layer-norm tensor (read + write), the practical memory roofline.
 *
 * <p>./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 2 -i 3 -w 1s -r 1s NormSoftmaxBench"
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NormSoftmaxBench {
    static final int ROWS = 4096, D = 768, COLS = 512, N = 8, C = 64, HW = 56 * 56;
    float[] x, y, dy, dx, g, b, mean, rstd, dg, db, sx, sy, bx, by, rm, rv, sm, sr;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(3);
        x = fill(r, ROWS * D);
        y = new float[ROWS * D];
        dy = fill(r, ROWS * D);
        dx = new float[ROWS * D];
        g = fill(r, D);
        b = fill(r, D);
        dg = new float[D];
        db = new float[D];
        mean = new float[ROWS];
        rstd = new float[ROWS];
        sx = fill(r, ROWS * COLS);
        sy = new float[ROWS * COLS];
        bx = fill(r, N * C * HW);
        by = new float[N * C * HW];
        rm = new float[C];
        rv = new float[C];
        sm = new float[C];
        sr = new float[C];
        Norm.layerNormForward(new LayerNormArgs<>(of(y), of(mean), of(rstd), of(x), of(g), of(b)), ROWS, D, 1e-5f);
    }

    static float[] fill(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Benchmark
    public float[] copy(Counters k) {
        System.arraycopy(x, 0, y, 0, x.length);
        k.gb += 8.0 * x.length * 1e-9;
        return y;
    }

    @Benchmark
    public float[] layerNormForward(Counters k) {
        Norm.layerNormForward(new LayerNormArgs<>(of(y), of(mean), of(rstd), of(x), of(g), of(b)), ROWS, D, 1e-5f);
        k.gb += 8.0 * x.length * 1e-9;
        return y;
    }

    @Benchmark
    public float[] layerNormBackward(Counters k) {
        Norm.layerNormBackward(
                of(dx),
                of(dg),
                of(db),
                of(dy),
                new LayerNormArgs<>(null, of(mean), of(rstd), of(x), of(g), null),
                ROWS,
                D);
        k.gb += 12.0 * x.length * 1e-9;
        return dx;
    }

    @Benchmark
    public float[] softmaxForward(Counters k) {
        Softmax.forward(of(sx), of(sy), ROWS, COLS);
        k.gb += 8.0 * sx.length * 1e-9;
        return sy;
    }

    @Benchmark
    public float[] softmaxBackward(Counters k) {
        Softmax.backward(of(sy), of(sx), of(dx), ROWS, COLS);
        k.gb += 12.0 * sx.length * 1e-9;
        return dx;
    }

    @Benchmark
    public float[] batchNormForwardTrain(Counters k) {
        Norm.batchNormForward(
                new BatchNormArgs<>(of(by), of(sm), of(sr), of(rm), of(rv), of(bx), null, null, null),
                new BatchNormGeom(N, C, HW, true, 0.1, 1e-5));
        k.gb += 8.0 * bx.length * 1e-9;
        return by;
    }

    @Benchmark
    public float[] gelu(Counters k) {
        VecMath.map(VecMath.Fn.GELU, of(x), of(y), x.length);
        k.gb += 8.0 * x.length * 1e-9;
        return y;
    }
}
