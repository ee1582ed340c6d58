package org.revtaf.engine.kernels;

import static org.revtaf.engine.kernels.KernelTestSupport.STREAM;
import static org.revtaf.engine.kernels.KernelTestSupport.check;

import java.util.Random;
import org.revtaf.engine.backend.BinaryOp;
import org.revtaf.engine.backend.ScalarMath;
import org.revtaf.engine.bindings.DeviceBuffer;
import org.revtaf.engine.bindings.RevtafKernels;

/**
 * The elementwise CUDA kernels against ScalarMath: rt_ge on odd sizes, with ties and NaN, each input
 * contiguous or one broadcast value. Comparisons are exact (the result is 0 or 1).
 */
final class ElementwiseParity {
    private ElementwiseParity() {}

    static void geMatchesReference(RevtafKernels k) {
        Random r = new Random(17);
        for (int n : new int[] {1, 31, 257, 4099}) {
            float[] a = KernelTestSupport.gaussian(r, n, 1.0), b = KernelTestSupport.gaussian(r, n, 1.0);
            for (int i = 0; i < n; i += 3) b[i] = a[i]; // ties: a >= b holds
            a[n / 2] = Float.NaN; // NaN compares false
            for (int sa = 0; sa <= 1; sa++)
                for (int sb = 0; sb <= 1; sb++) {
                    try (KernelTestSupport t = new KernelTestSupport(k)) {
                        DeviceBuffer out = t.out(n);
                        k.ge(STREAM, out.ptr(), t.in(a).ptr(), sa, t.in(b).ptr(), sb, n);
                        float[] got = out.toFloats();
                        for (int i = 0; i < n; i++) {
                            double want = ScalarMath.apply(BinaryOp.GE, a[i * sa], b[i * sb]);
                            check(
                                    got[i] == want,
                                    "ge n=" + n + " strides " + sa + "," + sb + " at " + i + ": " + a[i * sa] + " >= "
                                            + b[i * sb] + " gave " + got[i]);
                        }
                    }
                }
        }
    }
}
