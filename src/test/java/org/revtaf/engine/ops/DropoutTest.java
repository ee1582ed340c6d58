package org.revtaf.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** Dropout's mask: one draw per element in order, the same on the float and the double path. */
class DropoutTest {
    @Test
    void maskFollowsTheGeneratorElementByElementOnEveryPath() {
        double p = 0.1;
        Tensor x32 = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(1), 1.0, 7, 333);
        Tensor x64 = Tensor.randn(Device.CPU, DType.FLOAT64, new Random(1), 1.0, 7, 333);
        float[] y32 = F.dropout(x32, p, true, new Random(42)).toFloats();
        double[] y64 = F.dropout(x64, p, true, new Random(42)).toDoubles();
        float[] xs = x32.toFloats();
        double[] xd = x64.toDoubles();
        Random r = new Random(42);
        float keep32 = (float) (1.0 / (1 - p));
        int dropped = 0;
        for (int i = 0; i < xs.length; i++) {
            boolean drop = r.nextDouble() < p;
            if (drop) dropped++;
            assertEquals(drop ? 0f * xs[i] : xs[i] * keep32, y32[i], 0f, "float32 element " + i);
            assertEquals(drop ? 0.0 * xd[i] : xd[i] * (1.0 / (1 - p)), y64[i], 0.0, "float64 element " + i);
        }
        assertEquals(0.1, dropped / (double) xs.length, 0.02);
    }
}
