package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.learning.nn.NnTesting.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;

class SinkhornAttentionTest {
    private static final RevtafConfig.Ot REAL = RevtafConfig.Ot.defaults();
    private static final RevtafConfig.Ot RELEASED = new RevtafConfig.Ot(RevtafConfig.OtMode.RELEASED, 0.05, 100, 1e-6);

    /** An attention of width {@code d} without dropout, in eval mode. */
    private static SinkhornAttention evalMode(NnContext ctx, int d, RevtafConfig.Ot ot) {
        SinkhornAttention a = new SinkhornAttention(ctx, d, 0.0, ot);
        a.eval();
        return a;
    }

    /** An eval-mode attention of width 6 with images {@code v} (B, P, 6) and tokens {@code txt} (B, T, 6). */
    private record Case(NnContext ctx, SinkhornAttention a, Tensor v, Tensor txt) {
        /** float64 context of {@code seed}, inputs drawn from the next two seeds. */
        static Case of(int seed, RevtafConfig.Ot ot, int b, int p, int t) {
            NnContext ctx = NnTesting.f64(seed);
            return new Case(
                    ctx,
                    evalMode(ctx, 6, ot),
                    NnTesting.randn(ctx, seed + 1, b, p, 6),
                    NnTesting.randn(ctx, seed + 2, b, t, 6));
        }
    }

    /** cos(Q_p, K_t) from the module's own projections, (B, P, T). */
    private static double[] similarity(SinkhornAttention a, Tensor v, Tensor t) {
        return SinkhornAttention.normalize(a.phiQ.forward(v))
                .matmul(SinkhornAttention.normalize(a.phiK.forward(t)).transpose(1, 2))
                .toDoubles();
    }

    @Test
    void realTransportHasUniformMarginalsOverPixelsAndValidTokens() {
        int b = 2, p = 5, t = 4;
        Case c = Case.of(1, REAL, b, p, t);
        NnContext ctx = c.ctx();
        SinkhornAttention a = c.a();
        Tensor v = c.v(), txt = c.txt();
        Tensor mask = Tensor.ofDoubles(ctx.device(), ctx.dtype(), new double[] {1, 1, 1, 1, 1, 0, 1, 0}, b, t);
        SinkhornAttention.Result r = a.forward(v, txt, mask);
        assertArrayEquals(new int[] {b, p, t}, r.plan().shape());
        assertArrayEquals(new int[] {b, t, p}, r.maps().shape());
        assertArrayEquals(new int[] {b, p, 6}, r.fused().shape());
        double[] plan = r.plan().toDoubles(), maps = r.maps().toDoubles(), sim = similarity(a, v, txt);
        double[] m = mask.toDoubles();
        for (int bi = 0; bi < b; bi++) {
            int valid = 0;
            for (int j = 0; j < t; j++) valid += (int) m[bi * t + j];
            for (int i = 0; i < p; i++) {
                double row = 0;
                for (int j = 0; j < t; j++) row += plan[(bi * p + i) * t + j];
                // rows converge to the stopping tolerance (mean |u - u_prev| < 1e-6); columns are exact up to the
                // reference code's log(nu + 1e-8)
                assertEquals(1.0 / p, row, 1e-4, "row " + i + " of item " + bi);
            }
            for (int j = 0; j < t; j++) {
                double col = 0;
                for (int i = 0; i < p; i++) col += plan[(bi * p + i) * t + j];
                assertEquals(m[bi * t + j] == 0 ? 0.0 : 1.0 / valid, col, 2e-8, "column " + j + " of item " + bi);
                for (int i = 0; i < p; i++) {
                    int e = (bi * p + i) * t + j;
                    // M = P * T_valid * sim * plan, stored (B, T, P)
                    assertEquals(p * valid * sim[e] * plan[e], maps[(bi * t + j) * p + i], 1e-12);
                }
            }
        }
        // a real transport is not uniform: it follows the similarities
        assertNotEquals(1.0 / (p * 4), plan[0], 1e-4);
    }

    @Test
    void releasedModeReproducesThePublicCodesDegeneratePlan() {
        int b = 2, p = 7, t = 3;
        Case c = Case.of(4, RELEASED, b, p, t);
        SinkhornAttention a = c.a();
        Tensor v = c.v(), txt = c.txt();
        SinkhornAttention.Result r = a.forward(v, txt, null);
        for (double x : r.plan().toDoubles()) assertEquals(1.0 / p, x, 1e-7);
        double[] maps = r.maps().toDoubles(), sim = similarity(a, v, txt);
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < p; i++)
                for (int j = 0; j < t; j++)
                    assertEquals(sim[(bi * p + i) * t + j], maps[(bi * t + j) * p + i], 1e-6, "maps = similarity");
        // the output is the same for every pixel before the residual: proj((1/P) sum_t V_t)
        Tensor attnOut = a.proj.forward(a.phiV.forward(txt).sum(1).mul(1.0 / p)); // (B, d)
        Tensor expect = a.fProj.forward(a.norm.forward(attnOut.reshape(b, 1, 6).add(v)));
        assertClose("released output", expect.toDoubles(), r.fused().toDoubles(), 1e-6);
    }

    @Test
    void gradientChecksThroughTheTransportOnTheReferenceBackend() {
        NnContext ctx = NnTesting.f64(7);
        // tolerance 0: always the full iteration count, so the stopping step does not move under perturbation
        SinkhornAttention a = evalMode(ctx, 4, new RevtafConfig.Ot(RevtafConfig.OtMode.REAL, 0.5, 30, 0));
        Tensor v = NnTesting.randn(ctx, 8, 1, 3, 4).requiresGrad(true);
        Tensor txt = NnTesting.randn(ctx, 9, 1, 3, 4).requiresGrad(true);
        Tensor mask = Tensor.ofDoubles(ctx.device(), ctx.dtype(), new double[] {1, 1, 0}, 1, 3);
        NnTesting.gradCheck("fused", () -> a.forward(v, txt, mask).fused(), v, txt, a.phiQ.weight, a.phiK.weight);
        NnTesting.gradCheck("maps", () -> a.forward(v, txt, mask).maps(), txt, a.phiQ.weight, a.phiK.bias);
    }

    @Test
    void cpuMatchesTheReferenceForwardAndBackward() {
        for (RevtafConfig.Ot ot : List.of(REAL, RELEASED)) {
            NnContext ref = NnTesting.f64(11), cpu = NnTesting.f32(11);
            SinkhornAttention a = new SinkhornAttention(ref, 8, 0.0, ot), c = new SinkhornAttention(cpu, 8, 0.0, ot);
            Tensor v = NnTesting.randn(ref, 12, 2, 6, 8), t = NnTesting.randn(ref, 13, 2, 4, 8);
            Tensor mask = Tensor.ofDoubles(ref.device(), ref.dtype(), new double[] {1, 1, 1, 1, 1, 1, 0, 0}, 2, 4);
            SinkhornAttention.Result ra = a.forward(v, t, mask);
            SinkhornAttention.Result rc =
                    c.forward(RevtafTesting.on(cpu, v), RevtafTesting.on(cpu, t), RevtafTesting.on(cpu, mask));
            assertClose(ot.mode() + " fused", ra.fused().toDoubles(), rc.fused().toDoubles(), 1e-4);
            assertClose(ot.mode() + " maps", ra.maps().toDoubles(), rc.maps().toDoubles(), 1e-3);
            ra.fused().sum().add(ra.maps().sum()).backward();
            rc.fused().sum().add(rc.maps().sum()).backward();
            assertClose(
                    ot.mode() + " d phi_q",
                    a.phiQ.weight.grad().toDoubles(),
                    c.phiQ.weight.grad().toDoubles(),
                    3e-3);
            assertClose(
                    ot.mode() + " d phi_v",
                    a.phiV.weight.grad().toDoubles(),
                    c.phiV.weight.grad().toDoubles(),
                    1e-3);
            assertTrue(a.phiQ.weight.grad().toDoubles()[0] != 0
                    || a.phiQ.weight.grad().toDoubles()[1] != 0);
        }
    }
}
