package org.revtaf.edges.bench.jmh;

import static org.revtaf.engine.backend.Buf.of;

import java.util.Arrays;
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
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.cpu.kernels.AttentionCpu;
import org.revtaf.engine.backend.cpu.kernels.AttentionCpu.Kernel;

/**
 * The two cpu attention kernels side by side ({@code kernel}: DOT = scores as dot products of
 * rows, LANES = keys along the vector lanes) at the shapes that run: the foundation's entity
 * decoder cross-attention ({@code entity}: 16 images x 4 heads, 75 queries over 16 image keys, head
 * dim 16), its text encoder ({@code text}: 32 reports x 2 heads, 64 x 64, head dim 32, padded keys,
 * dropout 0.1) and the REVTAF decoder's causal self-attention ({@code decoder}: 8 x 12 heads, 100 x
 * 100, head dim 64; {@code ./revtaf bench decoder}'s defaults). "gflop" = GFLOP/s (4 b h n s d per
 * forward, halved under the causal mask; backward 2.5x forward).
 *
 * <pre>
 * ./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 3 -i 5 -w 1s -r 1s AttentionBench"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AttentionBench {
    @Param({"entity", "text", "decoder"})
    public String shape;

    @Param({"DOT", "LANES"})
    public Kernel kernel;

    AttentionGeom geom;
    float[] q, k, v, keyMask, out, lse, g, dq, dk, dv;

    @Setup
    public void setup() {
        geom = switch (shape) {
            case "entity" -> new AttentionGeom(16, 4, 75, 16, 16, 0.25, false, DropoutMask.NONE);
            case "text" -> new AttentionGeom(32, 2, 64, 64, 32, 1 / Math.sqrt(32), false, new DropoutMask(0.1, 7));
            case "decoder" -> new AttentionGeom(8, 12, 100, 100, 64, 0.125, true, DropoutMask.NONE);
            default -> throw new IllegalArgumentException("shape " + shape);
        };
        int b = geom.b(), h = geom.h(), n = geom.n(), s = geom.s(), d = geom.d();
        SplittableRandom r = new SplittableRandom(1);
        q = FusedBench.randn(r, b * h * n * d, 1);
        k = FusedBench.randn(r, b * h * s * d, 1);
        v = FusedBench.randn(r, b * h * s * d, 1);
        g = FusedBench.randn(r, b * h * n * d, 1);
        if (shape.equals("text")) { // every other report padded to 40 tokens
            keyMask = new float[b * s];
            Arrays.fill(keyMask, 1f);
            for (int i = 1; i < b; i += 2) Arrays.fill(keyMask, i * s + 40, (i + 1) * s, 0f);
        }
        out = new float[b * h * n * d];
        lse = new float[b * h * n];
        dq = new float[q.length];
        dk = new float[k.length];
        dv = new float[v.length];
    }

    double fwdFlop() {
        double f = 4.0 * geom.b() * geom.h() * geom.n() * geom.s() * geom.d() * 1e-9;
        return geom.causal() ? f / 2 : f;
    }

    @Benchmark
    public float[] forward(Counters c) {
        AttentionCpu.forward(kernel, of(out), of(lse), of(q), of(k), of(v), of(keyMask), geom);
        c.gflop += fwdFlop();
        return out;
    }

    @Benchmark
    public float[] forwardBackward(Counters c) {
        AttentionCpu.forward(kernel, of(out), of(lse), of(q), of(k), of(v), of(keyMask), geom);
        AttentionCpu.backward(
                kernel, of(dq), of(dk), of(dv), of(g), of(out), of(lse), of(q), of(k), of(v), of(keyMask), geom);
        c.gflop += 3.5 * fwdFlop();
        return dq;
    }
}
