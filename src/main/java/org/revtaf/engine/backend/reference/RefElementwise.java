package org.revtaf.engine.backend.reference;

import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.backend.ElementwiseKernels;
import org.revtaf.engine.backend.ScalarMath;
import org.revtaf.engine.backend.UnaryOp;
import org.revtaf.engine.tensor.StridedIndex;
import org.revtaf.engine.tensor.Tensor;

/** Scalar elementwise kernels (double arithmetic, any strides). */
public final class RefElementwise implements ElementwiseKernels {
    @Override
    public void unary(Tensor out, Tensor x, int n, UnaryOp op, double a, double b) {
        double[] v = x.toDoubles();
        for (int i = 0; i < n; i++) v[i] = ScalarMath.apply(op, v[i], a, b);
        out.setDoubles(v);
    }

    @Override
    public void unaryBackward(Tensor dx, Tensor dy, Tensor x, Tensor y, int n, UnaryOp op, double a, double b) {
        double[] g = dy.toDoubles(), xv = x.toDoubles(), yv = y.toDoubles();
        for (int i = 0; i < n; i++) g[i] *= ScalarMath.derivative(op, xv[i], yv[i], a, b);
        dx.setDoubles(g);
    }

    @Override
    public void binary(Tensor out, Tensor a, Tensor b, BinaryOp op) {
        double[] av = a.toDoubles(), bv = b.toDoubles();
        for (int i = 0; i < av.length; i++) av[i] = ScalarMath.apply(op, av[i], bv[i]);
        out.setDoubles(av);
    }

    @Override
    public void where(Tensor out, Tensor cond, Tensor a, Tensor b) {
        double[] c = cond.toDoubles(), av = a.toDoubles(), bv = b.toDoubles();
        for (int i = 0; i < c.length; i++) av[i] = c[i] != 0 ? av[i] : bv[i];
        out.setDoubles(av);
    }

    @Override
    public void dropout(Tensor out, Tensor x, int n, DropoutMask mask) {
        double[] v = x.toDoubles();
        for (int i = 0; i < n; i++) v[i] = mask.keep(i) ? v[i] * mask.keepScale() : 0;
        out.setDoubles(v);
    }

    @Override
    public void fill(Tensor out, double value) {
        double[] v = new double[out.numel()];
        java.util.Arrays.fill(v, value);
        out.setDoubles(v);
    }

    @Override
    public void copy(Tensor out, Tensor x) {
        StridedIndex.copy(out, x);
    }
}
