package org.revtaf.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** The cpu fill (split over the cores) and the copy of an expanded (stride 0) axis. */
class CpuFillCopyTest {
    @Test
    void zeroGradFillsEveryElementOfALargeGradient() {
        int n = 3 * (1 << 18) + 5; // several parts and an uneven tail
        Tensor p = Tensor.zeros(Device.CPU, DType.FLOAT32, n).requiresGrad(true);
        F.sum(F.scale(p, 3), false).backward();
        assertEquals(3.0, p.grad().toDoubles()[n - 1]);
        p.zeroGrad();
        for (float v : p.grad().toFloats()) assertEquals(0f, v);
    }

    @Test
    void copyOfAnExpandedAxisRepeatsTheValue() {
        float[] col = new float[37];
        Random rng = new Random(5);
        for (int i = 0; i < col.length; i++) col[i] = (float) rng.nextGaussian();
        Tensor x = Tensor.of(Device.CPU, col, 37, 1);
        float[] got = F.contiguous(F.expand(x, 37, 1001)).toFloats();
        float[] want = new float[37 * 1001];
        for (int r = 0; r < 37; r++) for (int c = 0; c < 1001; c++) want[r * 1001 + c] = col[r];
        assertArrayEquals(want, got, 0f);
    }
}
