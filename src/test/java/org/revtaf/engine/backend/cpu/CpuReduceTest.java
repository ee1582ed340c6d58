package org.revtaf.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * Reductions over a leading or middle axis (inner > 1: the column-block kernel): bit-identical to
 * a scalar loop combining the rows in order, at widths below, at and across the column block and
 * vector length, on one and several outer slices.
 */
class CpuReduceTest {
    @Test
    void columnReductionsEqualTheInOrderScalarLoop() {
        Random rng = new Random(7);
        int[][] shapes = {{1, 800, 768}, {1, 37, 30527 / 7}, {3, 5, 17}, {2, 64, 256}, {1, 1, 300}, {5, 3, 1000}};
        for (int[] sh : shapes) {
            int outer = sh[0], n = sh[1], inner = sh[2];
            float[] x = new float[outer * n * inner];
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
            Tensor t = Tensor.of(Device.CPU, x, outer, n, inner);
            for (String op : new String[] {"sum", "max", "min"}) {
                Tensor out = switch (op) {
                    case "sum" -> F.sum(t, false, 1);
                    case "max" -> F.max(t, false, 1);
                    default -> F.min(t, false, 1);
                };
                float[] want = new float[outer * inner];
                for (int r = 0; r < outer; r++)
                    for (int i = 0; i < inner; i++) {
                        float acc = op.equals("sum")
                                ? 0f
                                : op.equals("max") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            float v = x[(r * n + j) * inner + i];
                            acc = op.equals("sum") ? acc + v : op.equals("max") ? Math.max(acc, v) : Math.min(acc, v);
                        }
                        want[r * inner + i] = acc;
                    }
                assertArrayEquals(
                        want, out.toFloats(), 0f, op + " over the middle axis of " + outer + "x" + n + "x" + inner);
            }
        }
    }

    @Test
    void biasGradientSumOverRowsMatchesTheReferenceBackend() {
        // linear's bias gradient: sum over the leading axis of (rows, out)
        Tensor g = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(3), 1.0, 200, 1537);
        Tensor gr = Tensor.randn(Device.REFERENCE, DType.FLOAT32, new Random(3), 1.0, 200, 1537);
        org.revtaf.engine.tensor.TensorAssert.assertClose(
                "bias grad", F.sum(g, false, 0), F.sum(gr, false, 0), 1e-5, 1e-5);
    }
}
