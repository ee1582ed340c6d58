package org.revtaf.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.revtaf.engine.backend.Buf.of;
import static org.revtaf.engine.ops.GradCheck.check;
import static org.revtaf.engine.ops.GradCheck.rand;
import static org.revtaf.engine.ops.GradCheck.uniform;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** Gradient checks of the REVTAF fused ops through the autograd layer, including hard regions. */
class FusedGradCheckTest {
    private static final double C = 0.7;

    /** Rows with norms spread up to fraction `edge` of the ball radius 1/sqrt(c). */
    private static Tensor ball(long seed, double edge, int n, int d) {
        Random r = new Random(seed);
        double[] v = new double[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) {
                v[i * d + k] = r.nextGaussian();
                norm += v[i * d + k] * v[i * d + k];
            }
            double target = edge * (0.3 + 0.7 * (i + 1.0) / n) / Math.sqrt(C);
            for (int k = 0; k < d; k++) v[i * d + k] *= target / Math.sqrt(norm);
        }
        return Tensor.ofDoubles(Device.REFERENCE, v, n, d).requiresGrad(true);
    }

    /** A check at the looser tolerance of the iterative and artanh-clamped ops (atol 1e-5, rtol 1e-4). */
    private static void checkLoose(String name, java.util.function.Function<Tensor[], Tensor> f, Tensor... ins) {
        check(name, 1e-5, 1e-4, f, ins);
    }

    @Test
    void hyperbolicOpsInsideAndNearTheBoundary() {
        for (double edge : new double[] {0.5, 0.99}) {
            check("mobius_add@" + edge, in -> F.mobiusAdd(in[0], in[1], C), ball(1, edge, 4, 3), ball(2, edge, 4, 3));
            check(
                    "mobius_add-shared-y@" + edge,
                    in -> F.mobiusAdd(in[0], F.reshape(in[1], 3), C),
                    ball(3, edge, 4, 3),
                    ball(4, edge, 1, 3));
            check("logmap0@" + edge, in -> F.logmap0(in[0], C), ball(5, edge, 3, 4));
            checkLoose(
                    "poincare_dist@" + edge,
                    in -> F.poincareDist(in[0], in[1], C),
                    ball(6, edge, 3, 4),
                    ball(7, edge, 2, 4));
            check("mobius_matvec@" + edge, in -> F.mobiusMatvec(in[0], in[1], C), rand(8, 3, 4), ball(9, edge, 2, 4));
        }
        check("expmap0", in -> F.expmap0(in[0], C), rand(10, 3, 4));
        check("proj-outside", in -> F.proj(in[0], C), uniform(11, 1.0, 2.0, 3, 4));
        check("proj-inside", in -> F.proj(in[0], C), ball(12, 0.8, 3, 4));
    }

    @Test
    void sinkhornWithSmallEpsAndMasks() {
        Tensor pm = mask(new double[] {1, 1, 1, 0, 1, 1, 1, 1}, 2, 4);
        Tensor tm = mask(new double[] {1, 1, 0, 1, 1, 1}, 2, 3);
        check("sinkhorn", in -> F.sinkhorn(in[0], null, null, 0.5, 20, 0), uniform(1, 0, 2, 2, 4, 3));
        checkLoose(
                "sinkhorn-small-eps-masked", in -> F.sinkhorn(in[0], pm, tm, 0.05, 30, 0), uniform(2, 0, 1, 2, 4, 3));
        // the plan's marginals: rows sum to 1/P_valid, columns to 1/T_valid (converged)
        Tensor plan = F.sinkhorn(uniform(3, 0, 1, 1, 5, 4), null, null, 0.05, 500, 1e-12);
        double[] row = F.sum(plan, false, 2).toDoubles(),
                col = F.sum(plan, false, 1).toDoubles();
        for (double r : row) assertEquals(0.2, r, 1e-6);
        for (double c : col) assertEquals(0.25, c, 1e-6);
    }

    @Test
    void sinkhornReleasedModeMatchesTheFusedKernelsDefinition() {
        Tensor pm = mask(new double[] {1, 1, 0, 1, 1, 1, 1, 1}, 2, 4);
        Tensor tm = mask(new double[] {1, 0, 1, 1, 1, 1}, 2, 3);
        checkLoose("sinkhorn-released", in -> F.sinkhornReleased(in[0], pm, tm, 0.1, 20, 0), uniform(1, 0, 2, 2, 4, 3));
        Tensor cost = Tensor.uniform(Device.CPU, DType.FLOAT32, new Random(5), 0, 2, 2, 4, 3);
        Tensor ours = F.sinkhornReleased(cost, pm.to(Device.CPU), tm.to(Device.CPU), 0.1, 50, 1e-7);
        // the definition: Sinkhorn of the fused kernels on each (batch item, token) column, cost [b*t, p, 1]
        float[] c = cost.toFloats(), pmv = pm.toFloats(), tmv = tm.toFloats();
        float[] costT = new float[24], pmT = new float[24], planT = new float[24];
        for (int bi = 0; bi < 2; bi++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++) {
                    costT[(bi * 3 + j) * 4 + i] = c[(bi * 4 + i) * 3 + j];
                    pmT[(bi * 3 + j) * 4 + i] = pmv[bi * 4 + i];
                }
        float[] u = new float[51 * 2 * 3 * 4], v = new float[51 * 2 * 3];
        org.revtaf.engine.backend.cpu.kernels.SinkhornCpu.forward(
                of(planT), u, v, of(costT), of(pmT), of(tmv), new SinkhornGeom(6, 4, 1, 0.1, 50, 1e-7));
        double[] expected = new double[24];
        for (int bi = 0; bi < 2; bi++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++) expected[(bi * 4 + i) * 3 + j] = planT[(bi * 3 + j) * 4 + i];
        org.revtaf.engine.tensor.TensorAssert.assertClose("released plan", ours.toDoubles(), expected, 1e-6, 1e-5);
    }

    @Test
    void softIouIncludingAnEmptyMap() {
        check("soft_iou", in -> F.softIou(in[0], in[1]), uniform(1, 0, 1, 2, 3, 5), uniform(2, 0, 1, 2, 2, 5));
        Tensor empty = Tensor.zeros(Device.REFERENCE, DType.FLOAT64, 1, 1, 4).requiresGrad(true);
        check("soft_iou-empty", in -> F.softIou(in[0], in[1]), empty, uniform(3, 0.1, 1, 1, 2, 4));
    }

    @Test
    void attentionWithPaddingCausalAndAFullyMaskedRow() {
        check(
                "attention",
                in -> F.attention(in[0], in[1], in[2], null, Double.NaN, false),
                rand(1, 1, 2, 3, 4),
                rand(2, 1, 2, 5, 4),
                rand(3, 1, 2, 5, 4));
        Tensor km = mask(new double[] {1, 1, 0, 1, 0, 0, 0, 0, 0, 0}, 2, 5);
        check(
                "attention-masked-causal",
                in -> F.attention(in[0], in[1], in[2], km, 0.4, true),
                rand(4, 2, 1, 3, 2),
                rand(5, 2, 1, 5, 2),
                rand(6, 2, 1, 5, 2));
        Tensor q = rand(7, 2, 1, 3, 2);
        Tensor out = F.attention(q, rand(8, 2, 1, 5, 2), rand(9, 2, 1, 5, 2), km, 0.4, false);
        for (double v : F.slice(out, 0, 1, 2).toDoubles()) assertEquals(0.0, v); // batch 1 has no visible key
    }

    @Test
    void attentionWithDropoutOnTheProbabilities() {
        check(
                "attention-dropout",
                in -> F.attention(in[0], in[1], in[2], null, Double.NaN, true, 0.4, 77),
                rand(10, 2, 2, 4, 3),
                rand(11, 2, 2, 6, 3),
                rand(12, 2, 2, 6, 3));
    }

    /** A float32 0/1 mask (rows, cols) on the reference device. */
    private static Tensor mask(double[] v, int rows, int cols) {
        return Tensor.ofDoubles(Device.REFERENCE, DType.FLOAT32, v, rows, cols);
    }
}
