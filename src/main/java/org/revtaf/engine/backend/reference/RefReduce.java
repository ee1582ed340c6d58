package org.revtaf.engine.backend.reference;

import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.CrossEntropyArgs;
import org.revtaf.engine.backend.ReduceKernels;
import org.revtaf.engine.backend.ReduceOp;
import org.revtaf.engine.tensor.Tensor;

/** Scalar reductions and softmax over the middle axis of (outer, n, inner). */
public final class RefReduce implements ReduceKernels {
    @Override
    public void reduce(Tensor out, Tensor x, int outer, int n, int inner, ReduceOp op) {
        double[] v = x.toDoubles();
        double[] r = new double[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                r[o * inner + i] = switch (op) {
                    case SUM -> {
                        double s = 0;
                        for (int j = 0; j < n; j++) s += v[base + j * inner];
                        yield s;
                    }
                    case MAX, MIN -> {
                        double m = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            double e = v[base + j * inner];
                            if (Double.isNaN(e)) {
                                m = e;
                                break;
                            }
                            m = op == ReduceOp.MAX ? Math.max(m, e) : Math.min(m, e);
                        }
                        yield m;
                    }
                    case LOGSUMEXP -> {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < n; j++) m = Math.max(m, v[base + j * inner]);
                        if (m == Double.NEGATIVE_INFINITY) yield m;
                        double s = 0;
                        for (int j = 0; j < n; j++) s += Math.exp(v[base + j * inner] - m);
                        yield m + Math.log(s);
                    }
                    case ARGMAX, ARGMIN -> {
                        int best = 0;
                        for (int j = 1; j < n; j++) {
                            double e = v[base + j * inner], bv = v[base + best * inner];
                            if (op == ReduceOp.ARGMAX ? e > bv : e < bv) best = j;
                        }
                        yield best;
                    }
                };
            }
        out.setDoubles(r);
    }

    @Override
    public void softmax(Tensor out, Tensor x, int outer, int n, int inner, boolean log) {
        Staging.run(s -> softmax(log, s.in(x), s.out(out), outer, n, inner));
    }

    @Override
    public void softmaxBackward(Tensor dx, Tensor dy, Tensor y, int outer, int n, int inner, boolean log) {
        Staging.run(s -> softmaxBackward(log, s.in(y), s.in(dy), s.out(dx), outer, n, inner));
    }

    /** y = softmax (or log_softmax) of x over axis n of (outer, n, inner). */
    public static void softmax(boolean log, Buf.F64 x, Buf.F64 y, int outer, int n, int inner) {
        double[] v = x.a(), out = y.a();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) m = Math.max(m, v[x.off() + base + j * inner]);
                double s = 0;
                for (int j = 0; j < n; j++) s += Math.exp(v[x.off() + base + j * inner] - m);
                double lse = m + Math.log(s);
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    double d = v[x.off() + k] - lse;
                    out[y.off() + k] = log ? d : Math.exp(d);
                }
            }
    }

    /** dx from dy and the forward output y (softmax or log_softmax), layout (outer, n, inner). */
    public static void softmaxBackward(boolean log, Buf.F64 y, Buf.F64 dy, Buf.F64 dx, int outer, int n, int inner) {
        double[] g = dy.a(), yv = y.a(), d = dx.a();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double s = 0;
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    s += log ? g[dy.off() + k] : g[dy.off() + k] * yv[y.off() + k];
                }
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    double gk = g[dy.off() + k], yk = yv[y.off() + k];
                    d[dx.off() + k] = log ? gk - Math.exp(yk) * s : yk * (gk - s);
                }
            }
    }

    @Override
    public void crossEntropy(CrossEntropyArgs a) {
        int rows = a.rows(), c = a.c();
        double[] x = a.logits().toDoubles(), l = new double[rows], per = new double[rows];
        double sum = 0, s = a.smoothing();
        int count = 0;
        for (int r = 0; r < rows; r++) {
            int b = r * c;
            double m = Double.NEGATIVE_INFINITY, e = 0, mean = 0;
            for (int j = 0; j < c; j++) m = Math.max(m, x[b + j]);
            for (int j = 0; j < c; j++) {
                e += Math.exp(x[b + j] - m);
                mean += x[b + j] / c;
            }
            l[r] = m + Math.log(e);
            int t = a.hostTarget(r);
            if (t < 0) continue;
            per[r] = (1 - s) * (l[r] - x[b + t]) + s * (l[r] - mean);
            sum += per[r];
            count++;
        }
        a.lse().setDoubles(l);
        a.rowLoss().setDoubles(per);
        a.loss().setDoubles(new double[] {sum / Math.max(count, 1), count});
    }

    @Override
    public void crossEntropyBackward(Tensor dlogits, Tensor dloss, CrossEntropyArgs a) {
        int rows = a.rows(), c = a.c();
        double[] x = a.logits().toDoubles(), l = a.lse().toDoubles(), d = new double[rows * c];
        double g = dloss.toDoubles()[0] / Math.max(a.loss().toDoubles()[1], 1), s = a.smoothing();
        for (int r = 0; r < rows; r++) {
            int t = a.hostTarget(r);
            if (t < 0) continue;
            for (int j = 0; j < c; j++)
                d[r * c + j] = g * (Math.exp(x[r * c + j] - l[r]) - (j == t ? 1 - s : 0) - s / c);
        }
        dlogits.setDoubles(d);
    }
}
