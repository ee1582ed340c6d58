package org.revtaf.backend.reference;

import org.revtaf.backend.ReduceKernels;
import org.revtaf.backend.ReduceOp;
import org.revtaf.tensor.Tensor;

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
        double[] v = x.toDoubles();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) m = Math.max(m, v[base + j * inner]);
                double s = 0;
                for (int j = 0; j < n; j++) s += Math.exp(v[base + j * inner] - m);
                double lse = m + Math.log(s);
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    v[k] = log ? v[k] - lse : Math.exp(v[k] - lse);
                }
            }
        out.setDoubles(v);
    }

    @Override
    public void softmaxBackward(Tensor dx, Tensor dy, Tensor y, int outer, int n, int inner, boolean log) {
        double[] g = dy.toDoubles(), yv = y.toDoubles();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double s = 0;
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    s += log ? g[k] : g[k] * yv[k];
                }
                for (int j = 0; j < n; j++) {
                    int k = base + j * inner;
                    g[k] = log ? g[k] - Math.exp(yv[k]) * s : yv[k] * (g[k] - s);
                }
            }
        dx.setDoubles(g);
    }
}
