package org.revtaf.engine.ops;

import java.util.Random;
import java.util.function.Function;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;

/**
 * Central-difference gradient check on the reference backend in float64: the analytic gradient of
 * L = sum(f(inputs) * r), r random, against (L(x+h) - L(x-h)) / 2h for every element of every
 * floating input that requires grad.
 */
final class GradCheck {
    static final double H = 1e-6, ATOL = 1e-6, RTOL = 1e-5;

    private GradCheck() {}

    static Tensor rand(long seed, int... shape) {
        return Tensor.randn(Device.REFERENCE, DType.FLOAT64, new Random(seed), 1.0, shape)
                .requiresGrad(true);
    }

    static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(Device.REFERENCE, DType.FLOAT64, new Random(seed), lo, hi, shape)
                .requiresGrad(true);
    }

    static Tensor longs(long[] v, int... shape) {
        return Tensor.ofLongs(Device.REFERENCE, v, shape);
    }

    static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(name, ATOL, RTOL, f, inputs);
    }

    static void check(String name, double atol, double rtol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) if (t.requiresGrad()) t.clearGrad();
        Tensor out = f.apply(inputs);
        Tensor r = Tensor.randn(out.device(), out.dtype(), new Random(99), 1.0, out.shapeRef());
        out.backward(r);
        double[] rv = r.toDoubles();
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            if (!x.requiresGrad() || !x.dtype().isFloating()) continue;
            if (x.grad() == null) throw new AssertionError(name + ": input " + k + " got no gradient");
            double[] data = x.f64();
            double[] num = new double[x.numel()];
            try (var g = GradMode.noGrad()) {
                for (int i = 0; i < num.length; i++) {
                    int o = x.offset() + i;
                    double keep = data[o];
                    data[o] = keep + H;
                    double lp = dot(f.apply(inputs).toDoubles(), rv);
                    data[o] = keep - H;
                    double lm = dot(f.apply(inputs).toDoubles(), rv);
                    data[o] = keep;
                    num[i] = (lp - lm) / (2 * H);
                }
            }
            TensorAssert.assertClose(name + " d/dinput" + k, x.grad().toDoubles(), num, atol, rtol);
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
