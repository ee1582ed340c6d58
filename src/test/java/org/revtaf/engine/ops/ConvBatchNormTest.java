package org.revtaf.engine.ops;

import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.engine.tensor.TensorAssert;
import org.revtaf.learning.nn.Rng;

/**
 * conv2d + batch norm as one op: in eval mode without gradients the norm is folded into the conv
 * (the cpu's fused epilogue; the reference backend has none and runs the two ops): both must give
 * what conv2d then batchNorm2d give, with and without the shortcut and ReLU. The training-mode and
 * gradient paths are the two ops themselves (GradCheckTest checks their gradients).
 */
class ConvBatchNormTest {
    private static Tensor randn(Device d, int seed, int... shape) {
        return Tensor.randn(d, d == Device.CPU ? DType.FLOAT32 : DType.FLOAT64, new Rng(seed), 1.0, shape);
    }

    @Test
    void evalFoldMatchesConvThenNorm() {
        for (Device d : new Device[] {Device.CPU, Device.REFERENCE})
            for (boolean withRes : new boolean[] {false, true})
                for (boolean relu : new boolean[] {false, true}) {
                    Tensor x = randn(d, 1, 2, 5, 9, 11), w = randn(d, 2, 6, 5, 3, 3), b = randn(d, 3, 6);
                    Tensor g = randn(d, 4, 6), be = randn(d, 5, 6), mean = randn(d, 6, 6);
                    Tensor var = F.addScalar(F.abs(randn(d, 7, 6)), 0.3);
                    Tensor res = withRes ? randn(d, 8, 2, 6, 5, 6) : null;
                    try (var ng = GradMode.noGrad()) {
                        Tensor want = F.batchNorm2d(
                                F.conv2d(x, w, b, 2, 1, 1, 1), g, be, mean, var, false, 0.1, 1e-5, res, relu);
                        Tensor got =
                                F.conv2dBatchNorm(x, w, b, 2, 1, 1, 1, g, be, mean, var, false, 0.1, 1e-5, res, relu);
                        TensorAssert.assertClose("fold " + d + " " + withRes + " " + relu, got, want, 1e-5, 1e-4);
                        assertNull(got.gradFn());
                    }
                }
    }
}
