package org.revtaf.learning.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** Helpers for module tests: float64 reference contexts, random inputs, closeness, gradient checks. */
public final class NnTesting {
    private NnTesting() {}

    /** float64 parameters on the reference backend. */
    public static NnContext f64(long seed) {
        Rng r = new Rng(seed);
        return new NnContext(Device.REFERENCE, DType.FLOAT64, r.fork(1), r.fork(2));
    }

    /** float32 parameters on the cpu backend. */
    public static NnContext f32(long seed) {
        return NnContext.of(Device.CPU, seed);
    }

    public static Tensor randn(NnContext ctx, long seed, int... shape) {
        return Tensor.randn(ctx.device(), ctx.dtype(), new Rng(seed), 1.0, shape);
    }

    /** |actual - expected| <= tol (1 + |expected|) elementwise (TensorAssert). */
    public static void assertClose(String what, double[] expected, double[] actual, double tol) {
        org.revtaf.engine.tensor.TensorAssert.assertClose(what, actual, expected, tol, tol);
    }

    /**
     * Central differences (double) of L = sum(out * r) with respect to every element of the given
     * tensors (parameters or inputs that require grad) against their analytic gradients.
     */
    public static void gradCheck(String what, Supplier<Tensor> f, Tensor... wrt) {
        for (Tensor t : wrt) t.zeroGrad();
        Tensor out = f.get();
        Tensor r = Tensor.randn(out.device(), out.dtype(), new Rng(99), 1.0, out.shapeRef());
        out.backward(r);
        double[] rv = r.toDoubles();
        double h = 1e-6;
        for (int k = 0; k < wrt.length; k++) {
            Tensor x = wrt[k];
            if (x.grad() == null) fail(what + ": tensor " + k + " got no gradient");
            double[] g = x.grad().toDoubles();
            double[] data = x.f64();
            try (var ng = GradMode.noGrad()) {
                for (int i = 0; i < x.numel(); i++) {
                    int o = x.offset() + i;
                    double keep = data[o];
                    data[o] = keep + h;
                    double lp = dot(f.get().toDoubles(), rv);
                    data[o] = keep - h;
                    double lm = dot(f.get().toDoubles(), rv);
                    data[o] = keep;
                    double num = (lp - lm) / (2 * h);
                    if (Math.abs(num - g[i]) > 1e-5 * (1 + Math.abs(num)))
                        fail(what + ": d/d tensor " + k + "[" + i + "] analytic " + g[i] + " numeric " + num);
                }
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
