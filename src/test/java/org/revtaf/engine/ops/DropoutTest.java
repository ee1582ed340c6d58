package org.revtaf.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * Dropout's mask is {@link DropoutMask}'s counter-based one, keyed by one draw of the caller's
 * Random: the same on the float and the double path, the same again from a Random in the same
 * state (resume), a fresh one per call, and keeping about 1-p of the elements.
 */
class DropoutTest {
    @Test
    void maskIsTheCounterMaskKeyedByOneDrawOfTheGenerator() {
        double p = 0.1;
        Tensor x32 = Tensor.randn(Device.CPU, DType.FLOAT32, new Random(1), 1.0, 7, 333);
        Tensor x64 = Tensor.randn(Device.CPU, DType.FLOAT64, new Random(1), 1.0, 7, 333);
        Random r32 = new Random(42), r64 = new Random(42);
        float[] y32 = F.dropout(x32, p, true, r32).toFloats();
        double[] y64 = F.dropout(x64, p, true, r64).toDoubles();
        Random r = new Random(42);
        DropoutMask mask = new DropoutMask(p, r.nextLong());
        assertEquals(r.nextLong(), r32.nextLong(), "one draw per call");
        assertEquals(r64.nextLong(), new Random(42).longs(2).toArray()[1]);
        float[] xs = x32.toFloats();
        double[] xd = x64.toDoubles();
        float keep32 = (float) (1.0 / (1 - p));
        for (int i = 0; i < xs.length; i++) {
            boolean keep = mask.keep(i);
            assertEquals(keep ? xs[i] * keep32 : 0f, y32[i], 0f, "float32 element " + i);
            assertEquals(keep ? xd[i] * (1.0 / (1 - p)) : 0.0, y64[i], 0.0, "float64 element " + i);
        }
    }

    @Test
    void sameGeneratorStateSameMaskNextCallAnotherMask() {
        Tensor x = Tensor.ones(Device.CPU, DType.FLOAT32, 4096);
        Random a = new Random(5);
        float[] first = F.dropout(x, 0.5, true, a).toFloats();
        float[] second = F.dropout(x, 0.5, true, a).toFloats();
        assertArrayEquals(first, F.dropout(x, 0.5, true, new Random(5)).toFloats(), "resumed Random");
        assertFalse(Arrays.equals(first, second), "the next call draws a new key");
    }

    @Test
    void keepRateIsOneMinusP() {
        int n = 1 << 18;
        Tensor x = Tensor.ones(Device.CPU, DType.FLOAT32, n);
        for (double p : new double[] {0.05, 0.3, 0.7}) {
            float[] y = F.dropout(x, p, true, new Random(11)).toFloats();
            int kept = 0;
            for (float v : y) if (v != 0) kept++;
            double sigma = Math.sqrt(p * (1 - p) / n); // binomial standard deviation of the rate
            assertEquals(1 - p, kept / (double) n, 5 * sigma, "keep rate at p=" + p);
        }
    }
}
