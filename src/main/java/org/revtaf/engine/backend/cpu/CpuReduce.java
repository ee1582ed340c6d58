package org.revtaf.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.CrossEntropyArgs;
import org.revtaf.engine.backend.ReduceKernels;
import org.revtaf.engine.backend.ReduceOp;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.backend.cpu.kernels.Softmax;
import org.revtaf.engine.backend.cpu.kernels.VecMath;
import org.revtaf.engine.tensor.Tensor;

/**
 * float32 reductions over the middle axis of (outer, n, inner): vector loops along the contiguous
 * axis (n when inner = 1, else inner), fork-join over outer; softmax rows through the Softmax kernel,
 * softmax over a non-last axis as a fork-join loop over strided columns.
 */
final class CpuReduce implements ReduceKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void reduce(Tensor out, Tensor x, int outer, int n, int inner, ReduceOp op) {
        float[] xa = x.f32();
        int xo = x.offset();
        if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
            long[] oa = out.heap().i64();
            int oo = out.offset();
            boolean max = op == ReduceOp.ARGMAX;
            Parallel.range(outer * inner, 256, (s, e) -> {
                for (int q = s; q < e; q++) {
                    int base = xo + (q / inner) * n * inner + q % inner, best = 0;
                    for (int j = 1; j < n; j++) {
                        float v = xa[base + j * inner], bv = xa[base + best * inner];
                        if (max ? v > bv : v < bv) best = j;
                    }
                    oa[oo + q] = best;
                }
            });
            return;
        }
        float[] oa = out.f32();
        int oo = out.offset();
        if (inner == 1) {
            Parallel.range(outer, Math.max(1, 8192 / Math.max(n, 1)), (s, e) -> {
                for (int r = s; r < e; r++) oa[oo + r] = row(op, xa, xo + r * n, n);
            });
            return;
        }
        if (op != ReduceOp.LOGSUMEXP) {
            // inner > 1: column blocks of COLS along inner, each combined over the n rows in order
            // (vectorized along inner); fork-join over (outer, column block), so a reduction over the
            // leading axis (a bias gradient: outer = 1) runs on every core too
            int blocks = (inner + COLS - 1) / COLS;
            Parallel.range(outer * blocks, Math.max(1, 32768 / Math.max(n * COLS, 1)), (s, e) -> {
                for (int q = s; q < e; q++) {
                    int r = q / blocks, c0 = (q % blocks) * COLS;
                    combine(op, oa, oo + r * inner, xa, xo + r * n * inner, n, inner, c0, Math.min(inner, c0 + COLS));
                }
            });
            return;
        }
        Parallel.range(outer, Math.max(1, 8192 / Math.max(n * inner, 1)), (s, e) -> {
            float[] mx = new float[inner];
            for (int r = s; r < e; r++) {
                int base = xo + r * n * inner, ob = oo + r * inner;
                combine(ReduceOp.MAX, mx, 0, xa, base, n, inner, 0, inner);
                for (int i = 0; i < inner; i++) {
                    double sum = 0;
                    for (int j = 0; j < n; j++) sum += Math.exp(xa[base + j * inner + i] - mx[i]);
                    oa[ob + i] = mx[i] == Float.NEGATIVE_INFINITY ? mx[i] : (float) (mx[i] + Math.log(sum));
                }
            }
        });
    }

    /** Columns per work item of a reduction over a middle axis (a multiple of the vector length). */
    private static final int COLS = Math.max(L, 256 / L * L);

    /**
     * o[ob + i] = op over j of x[base + j*inner + i], for c0 <= i < c1, combined in the order of j
     * (SUM, MAX or MIN).
     */
    private static void combine(ReduceOp op, float[] o, int ob, float[] x, int base, int n, int inner, int c0, int c1) {
        float init = switch (op) {
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
            default -> 0f;
        };
        java.util.Arrays.fill(o, ob + c0, ob + c1, init);
        int vecEnd = c0 + (c1 - c0) / L * L;
        VectorMask<Float> tail = S.indexInRange(vecEnd, c1);
        for (int j = 0; j < n; j++) {
            int rb = base + j * inner;
            for (int i = c0; i < vecEnd; i += L)
                apply(op, FloatVector.fromArray(S, o, ob + i), FloatVector.fromArray(S, x, rb + i))
                        .intoArray(o, ob + i);
            if (vecEnd < c1)
                apply(
                                op,
                                FloatVector.fromArray(S, o, ob + vecEnd, tail),
                                FloatVector.fromArray(S, x, rb + vecEnd, tail))
                        .intoArray(o, ob + vecEnd, tail);
        }
    }

    /** a op b lane-wise; each vector operator a constant at its call site (a run-time one is not intrinsified). */
    private static FloatVector apply(ReduceOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            default -> a.add(b);
        };
    }

    /** Reduction of one contiguous row. */
    private static float row(ReduceOp op, float[] x, int o, int n) {
        switch (op) {
            case SUM -> {
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (; i + L <= n; i += L) acc = acc.add(FloatVector.fromArray(S, x, o + i));
                double s = VecMath.sum(acc);
                for (; i < n; i++) s += x[o + i];
                return (float) s;
            }
            case MAX, MIN -> {
                boolean max = op == ReduceOp.MAX;
                FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
                int i = 0;
                for (; i + L <= n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, o + i);
                    acc = max ? acc.max(v) : acc.min(v);
                }
                float m = acc.reduceLanes(max ? VectorOperators.MAX : VectorOperators.MIN);
                for (; i < n; i++) m = max ? Math.max(m, x[o + i]) : Math.min(m, x[o + i]);
                return m;
            }
            default -> { // LOGSUMEXP
                float m = row(ReduceOp.MAX, x, o, n);
                if (m == Float.NEGATIVE_INFINITY) return m;
                double s = 0;
                for (int i = 0; i < n; i++) s += Math.exp(x[o + i] - m);
                return (float) (m + Math.log(s));
            }
        }
    }

    @Override
    public void softmax(Tensor out, Tensor x, int outer, int n, int inner, boolean log) {
        float[] xa = x.f32(), ya = out.f32();
        if (inner == 1) {
            if (log) Softmax.logForward(Buf.F32.of(x), Buf.F32.of(out), outer, n);
            else Softmax.forward(Buf.F32.of(x), Buf.F32.of(out), outer, n);
            return;
        }
        // strided columns (axis not last): one (outer, inner) column of n values at a time
        int xo = x.offset(), yo = out.offset();
        Parallel.range(outer * inner, Math.max(1, 4096 / Math.max(n, 1)), (s, e) -> {
            for (int q = s; q < e; q++) {
                int bx = xo + (q / inner) * n * inner + q % inner, by = yo + (q / inner) * n * inner + q % inner;
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) m = Math.max(m, xa[bx + j * inner]);
                double sum = 0;
                for (int j = 0; j < n; j++) sum += Math.exp(xa[bx + j * inner] - m);
                double lse = m + Math.log(sum);
                for (int j = 0; j < n; j++) {
                    double v = xa[bx + j * inner] - lse;
                    ya[by + j * inner] = (float) (log ? v : Math.exp(v));
                }
            }
        });
    }

    @Override
    public void softmaxBackward(Tensor dx, Tensor dy, Tensor y, int outer, int n, int inner, boolean log) {
        float[] ya = y.f32(), ga = dy.f32(), da = dx.f32();
        if (inner == 1) {
            if (log) Softmax.logBackward(Buf.F32.of(y), Buf.F32.of(dy), Buf.F32.of(dx), outer, n);
            else Softmax.backward(Buf.F32.of(y), Buf.F32.of(dy), Buf.F32.of(dx), outer, n);
            return;
        }
        int yo = y.offset(), go = dy.offset(), dO = dx.offset();
        Parallel.range(outer * inner, Math.max(1, 4096 / Math.max(n, 1)), (s, e) -> {
            for (int q = s; q < e; q++) {
                int base = (q / inner) * n * inner + q % inner;
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    dot += log ? ga[go + k] : (double) ga[go + k] * ya[yo + k];
                }
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    da[dO + k] =
                            (float) (log ? ga[go + k] - Math.exp(ya[yo + k]) * dot : ya[yo + k] * (ga[go + k] - dot));
                }
            }
        });
    }

    @Override
    public void crossEntropy(CrossEntropyArgs a) {
        CpuCrossEntropy.forward(a);
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dloss, CrossEntropyArgs a) {
        CpuCrossEntropy.backward(dlogits, dloss, a);
    }
}
