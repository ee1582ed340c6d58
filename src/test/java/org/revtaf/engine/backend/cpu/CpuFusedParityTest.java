package org.revtaf.engine.backend.cpu;

import static org.revtaf.engine.backend.cpu.Parity.check;
import static org.revtaf.engine.backend.cpu.Parity.fixed;
import static org.revtaf.engine.backend.cpu.Parity.randn;
import static org.revtaf.engine.backend.cpu.Parity.unif;

import org.junit.jupiter.api.Test;
import org.revtaf.engine.ops.F;

/** cpu vs reference for the REVTAF fused ops through the autograd layer, odd shapes. */
class CpuFusedParityTest {
    private static final double C = 0.5;

    @Test
    void hyperbolic() {
        for (int d : new int[] {1, 7, 19}) {
            // scale 0.2 keeps points inside the ball of radius 1/sqrt(0.5)
            check(
                    "mobius_add" + d,
                    in -> F.mobiusAdd(F.scale(in[0], 0.2), F.scale(in[1], 0.2), C),
                    randn(1, 5, d),
                    randn(2, 5, d));
            check(
                    "mobius_add-shared" + d,
                    in -> F.mobiusAdd(F.scale(in[0], 0.2), F.scale(in[1], 0.2), C),
                    randn(3, 3, d),
                    randn(4, d));
            check("expmap0-logmap0" + d, in -> F.logmap0(F.expmap0(in[0], C), C), randn(5, 4, d));
            check("proj" + d, in -> F.proj(in[0], C), randn(6, 4, d));
            check(
                    "mobius_matvec" + d,
                    in -> F.mobiusMatvec(in[0], F.scale(in[1], 0.2), C),
                    randn(7, 11, d),
                    randn(8, 3, d));
            check(
                    "poincare_dist" + d,
                    1e-4,
                    1e-4,
                    in -> F.poincareDist(F.scale(in[0], 0.2), F.scale(in[1], 0.2), C),
                    randn(9, 5, d),
                    randn(10, 13, d));
        }
    }

    @Test
    void sinkhornSoftIouAttention() {
        check("sinkhorn", 1e-5, 1e-3, in -> F.sinkhorn(in[0], null, null, 0.1, 40, 0), unif(1, 0, 2, 2, 7, 5));
        check(
                "sinkhorn-masked",
                1e-5,
                1e-3,
                in -> F.sinkhorn(in[0], in[1], in[2], 0.1, 40, 0),
                unif(2, 0, 2, 2, 5, 3),
                fixed(new double[] {1, 1, 0, 1, 1, 1, 1, 1, 1, 0}, 2, 5),
                fixed(new double[] {1, 1, 1, 0, 1, 1}, 2, 3));
        check("soft_iou", in -> F.softIou(in[0], in[1]), unif(3, 0, 1, 2, 3, 17), unif(4, 0, 1, 2, 5, 17));
        check(
                "attention",
                1e-4,
                1e-4,
                in -> F.attention(in[0], in[1], in[2], null, Double.NaN, false),
                randn(5, 2, 3, 7, 17),
                randn(6, 2, 3, 11, 17),
                randn(7, 2, 3, 11, 17));
        check(
                "attention-causal-masked",
                1e-4,
                1e-4,
                in -> F.attention(in[0], in[1], in[2], in[3], Double.NaN, true),
                randn(8, 2, 1, 5, 3),
                randn(9, 2, 1, 5, 3),
                randn(10, 2, 1, 5, 3),
                fixed(new double[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, 2, 5));
        check(
                "attention-dropout",
                1e-4,
                1e-4,
                in -> F.attention(in[0], in[1], in[2], in[3], Double.NaN, true, 0.2, 31),
                randn(11, 2, 3, 33, 5),
                randn(12, 2, 3, 67, 5),
                randn(13, 2, 3, 67, 5),
                fixed(padLast(2, 67, 3), 2, 67));
    }

    /** Key mask [b, s] of ones with the last {@code pad} keys of the last item padded. */
    private static double[] padLast(int b, int s, int pad) {
        double[] m = new double[b * s];
        java.util.Arrays.fill(m, 0, b * s - pad, 1.0);
        return m;
    }
}
