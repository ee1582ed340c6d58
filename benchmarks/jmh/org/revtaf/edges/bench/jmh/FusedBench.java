package org.revtaf.edges.bench.jmh;

import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.revtaf.engine.backend.AttentionGeom;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.RowMap;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.backend.cpu.kernels.AttentionCpu;
import org.revtaf.engine.backend.cpu.kernels.HyperbolicCpu;
import org.revtaf.engine.backend.cpu.kernels.SinkhornCpu;
import org.revtaf.engine.backend.cpu.kernels.SoftIouCpu;
import org.revtaf.engine.backend.reference.AttentionRef;
import org.revtaf.engine.backend.reference.HyperbolicRef;
import org.revtaf.engine.backend.reference.SinkhornRef;
import org.revtaf.engine.backend.reference.SoftIouRef;

/**
 * REVTAF fused ops at paper-like sizes: the fast float cpu kernels and, as the named baseline
 * measured in the same run, the scalar double references (*Ref). The aux counter {@code gflop}
 * (or {@code gexp}, {@code gop}) is reported as a rate: GFLOP/s (GEMM-like flops), G exp/s
 * (Sinkhorn: exp evaluations), G min-max ops/s (soft IoU).
 *
 * <pre>
 * ./mvnw -B -o -Pbench test-compile exec:exec -Dapp.args="-f 1 -wi 2 -i 3 -w 1s -r 1s FusedBench"
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FusedBench {

    /** GEMM-like flops done, reported per second by JMH (GFLOP/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    /** exp evaluations done (Sinkhorn), reported per second (G exp/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Exps {
        public double gexp;

        @Setup(Level.Iteration)
        public void reset() {
            gexp = 0;
        }
    }

    /** min/max/add operations done (soft IoU), reported per second (G op/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Ops {
        public double gop;

        @Setup(Level.Iteration)
        public void reset() {
            gop = 0;
        }
    }

    static float[] randn(SplittableRandom r, int len, double scale) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) (scale * r.nextGaussian());
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    // ---- pairwise Poincare distance: rank loss [18, 18] and retrieval chunk [18, 4096], d = 512 ----

    @State(Scope.Benchmark)
    public static class Dist {
        @Param({"18", "4096"})
        public int m;

        final int n = 18, d = 512;
        final double c = 0.01;
        float[] x, y, out, g, dx, dy;
        double[] xd, yd, outd;

        @Setup
        public void setup() {
            SplittableRandom r = new SplittableRandom(1);
            x = ball(r, n);
            y = ball(r, m);
            out = new float[n * m];
            g = randn(r, n * m, 1);
            dx = new float[n * d];
            dy = new float[m * d];
            xd = toDouble(x);
            yd = toDouble(y);
            outd = new double[n * m];
        }

        float[] ball(SplittableRandom r, int rows) {
            float[] a = randn(r, rows * d, 1), o = new float[rows * d];
            HyperbolicCpu.poincareMap(of(o), of(a), rows, d, c, RowMap.EXPMAP0);
            return o;
        }

        double flop() {
            return 2.0 * n * m * d * 1e-9;
        }
    }

    @Benchmark
    public float[] poincareDist(Dist s, Flops w) {
        HyperbolicCpu.poincareDist(of(s.out), of(s.x), of(s.y), s.n, s.m, s.d, s.c);
        w.gflop += s.flop();
        return s.out;
    }

    @Benchmark
    public float[] poincareDistBackward(Dist s, Flops w) {
        HyperbolicCpu.poincareDistBackward(of(s.dx), of(s.dy), of(s.g), of(s.x), of(s.y), s.n, s.m, s.d, s.c);
        w.gflop += 3 * s.flop();
        return s.dx;
    }

    @Benchmark
    public double[] poincareDistRef(Dist s, Flops w) {
        HyperbolicRef.poincareDist(of(s.outd), of(s.xd), of(s.yd), s.n, s.m, s.d, s.c);
        w.gflop += s.flop();
        return s.outd;
    }

    // ---- Sinkhorn: B = 18, P = 49 pixels, T text tokens, cost = 1 - cos of random 256-d features ----

    @State(Scope.Benchmark)
    public static class Sink {
        @Param({"18", "75"})
        public int t;

        final int b = 18, p = 49, maxIter = 100;
        final double eps = 0.05, tol = 1e-6;
        float[] cost, plan, uh, vh, g, dCost;
        double[] costd, pland, uhd, vhd;
        int iters;

        @Setup
        public void setup() {
            SplittableRandom r = new SplittableRandom(2);
            int d = 256;
            float[] q = randn(r, b * p * d, 1), k = randn(r, b * t * d, 1);
            cost = new float[b * p * t];
            for (int bi = 0; bi < b; bi++)
                for (int i = 0; i < p; i++)
                    for (int j = 0; j < t; j++) {
                        double dot = 0, qq = 0, kk = 0;
                        for (int e = 0; e < d; e++) {
                            float a = q[(bi * p + i) * d + e], bb = k[(bi * t + j) * d + e];
                            dot += a * bb;
                            qq += a * a;
                            kk += bb * bb;
                        }
                        cost[(bi * p + i) * t + j] = (float) (1 - dot / Math.sqrt(qq * kk));
                    }
            plan = new float[b * p * t];
            uh = new float[SinkhornCpu.uHistSize(b, p, maxIter)];
            vh = new float[SinkhornCpu.vHistSize(b, t, maxIter)];
            g = randn(r, b * p * t, 1);
            dCost = new float[b * p * t];
            costd = toDouble(cost);
            pland = new double[b * p * t];
            uhd = new double[uh.length];
            vhd = new double[vh.length];
            iters = SinkhornCpu.forward(
                    of(plan), uh, vh, of(cost), null, null, new SinkhornGeom(b, p, t, eps, maxIter, tol));
            System.out.println("sinkhorn b=" + b + " p=" + p + " t=" + t + ": " + iters + " iterations");
        }
    }

    @Benchmark
    public float[] sinkhorn(Sink s, Exps w) {
        int k = SinkhornCpu.forward(
                of(s.plan),
                s.uh,
                s.vh,
                of(s.cost),
                null,
                null,
                new SinkhornGeom(s.b, s.p, s.t, s.eps, s.maxIter, s.tol));
        w.gexp += (2.0 * k + 1) * s.b * s.p * s.t * 1e-9;
        return s.plan;
    }

    @Benchmark
    public float[] sinkhornBackward(Sink s, Exps w) {
        SinkhornCpu.backward(
                of(s.dCost),
                of(s.g),
                of(s.plan),
                s.uh,
                s.vh,
                s.iters,
                of(s.cost),
                null,
                null,
                new SinkhornGeom(s.b, s.p, s.t, s.eps, s.iters, 0.0));
        w.gexp += 2.0 * s.iters * s.b * s.p * s.t * 1e-9;
        return s.dCost;
    }

    @Benchmark
    public double[] sinkhornRef(Sink s, Exps w) {
        int k = SinkhornRef.forward(
                of(s.pland),
                s.uhd,
                s.vhd,
                of(s.costd),
                null,
                null,
                new SinkhornGeom(s.b, s.p, s.t, s.eps, s.maxIter, s.tol));
        w.gexp += (2.0 * k + 1) * s.b * s.p * s.t * 1e-9;
        return s.pland;
    }

    // ---- soft IoU: B = 18, 75 region maps x 18 global maps, P = 49 (token grid) or 3136 (56 x 56) ----

    @State(Scope.Benchmark)
    public static class Iou {
        @Param({"49", "3136"})
        public int p;

        final int b = 18, n = 75, m = 18;
        float[] a, bm, out, g, da, db;
        double[] ad, bd, outd;

        @Setup
        public void setup() {
            SplittableRandom r = new SplittableRandom(3);
            a = new float[b * n * p];
            bm = new float[b * m * p];
            for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
            for (int i = 0; i < bm.length; i++) bm[i] = r.nextFloat();
            out = new float[b * n * m];
            g = randn(r, b * n * m, 1);
            da = new float[a.length];
            db = new float[bm.length];
            ad = toDouble(a);
            bd = toDouble(bm);
            outd = new double[b * n * m];
        }

        double gop() {
            return 4.0 * b * n * m * p * 1e-9;
        }
    }

    @Benchmark
    public float[] softIou(Iou s, Ops w) {
        SoftIouCpu.forward(of(s.out), of(s.a), of(s.bm), s.b, s.n, s.m, s.p);
        w.gop += s.gop();
        return s.out;
    }

    @Benchmark
    public float[] softIouBackward(Iou s, Ops w) {
        SoftIouCpu.backward(of(s.da), of(s.db), of(s.g), of(s.a), of(s.bm), s.b, s.n, s.m, s.p);
        w.gop += 3 * s.gop();
        return s.da;
    }

    @Benchmark
    public double[] softIouRef(Iou s, Ops w) {
        SoftIouRef.forward(of(s.outd), of(s.ad), of(s.bd), s.b, s.n, s.m, s.p);
        w.gop += s.gop();
        return s.outd;
    }

    // ---- attention: b = 8, h = 12, n = s = 100, d = 64, causal (decoder self-attention) ----

    @State(Scope.Benchmark)
    public static class Attn {
        final int b = 8, h = 12, n = 100, s = 100, d = 64;
        final boolean causal = true;
        float[] q, k, v, out, lse, g, dq, dk, dv;
        double[] qd, kd, vd, outd, lsed;

        @Setup
        public void setup() {
            SplittableRandom r = new SplittableRandom(4);
            q = randn(r, b * h * n * d, 1);
            k = randn(r, b * h * s * d, 1);
            v = randn(r, b * h * s * d, 1);
            g = randn(r, b * h * n * d, 1);
            out = new float[q.length];
            lse = new float[b * h * n];
            dq = new float[q.length];
            dk = new float[k.length];
            dv = new float[v.length];
            qd = toDouble(q);
            kd = toDouble(k);
            vd = toDouble(v);
            outd = new double[q.length];
            lsed = new double[b * h * n];
            AttentionCpu.forward(
                    of(out),
                    of(lse),
                    of(q),
                    of(k),
                    of(v),
                    null,
                    new AttentionGeom(b, h, n, s, d, 0.125, causal, DropoutMask.NONE));
        }

        /** 4 b h n s d, halved under the causal mask. */
        double fwdFlop() {
            return 4.0 * b * h * n * s * d * (causal ? 0.5 : 1.0) * 1e-9;
        }
    }

    @Benchmark
    public float[] attention(Attn s, Flops w) {
        AttentionCpu.forward(
                of(s.out),
                of(s.lse),
                of(s.q),
                of(s.k),
                of(s.v),
                null,
                new AttentionGeom(s.b, s.h, s.n, s.s, s.d, 0.125, s.causal, DropoutMask.NONE));
        w.gflop += s.fwdFlop();
        return s.out;
    }

    @Benchmark
    public float[] attentionBackward(Attn s, Flops w) {
        AttentionCpu.backward(
                of(s.dq),
                of(s.dk),
                of(s.dv),
                of(s.g),
                of(s.out),
                of(s.lse),
                of(s.q),
                of(s.k),
                of(s.v),
                null,
                new AttentionGeom(s.b, s.h, s.n, s.s, s.d, 0.125, s.causal, DropoutMask.NONE));
        w.gflop += 2.5 * s.fwdFlop(); // FlashAttention convention: backward = 2.5x forward flops
        return s.dq;
    }

    @Benchmark
    public double[] attentionRef(Attn s, Flops w) {
        AttentionRef.forward(
                of(s.outd),
                of(s.lsed),
                of(s.qd),
                of(s.kd),
                of(s.vd),
                null,
                new AttentionGeom(s.b, s.h, s.n, s.s, s.d, 0.125, s.causal, DropoutMask.NONE));
        w.gflop += s.fwdFlop();
        return s.outd;
    }
}
