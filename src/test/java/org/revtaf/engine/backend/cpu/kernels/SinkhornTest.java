package org.revtaf.engine.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.engine.backend.Buf.of;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.dotLoss;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.gradCheck;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.randn;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.roundTrip;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.toFloat;
import static org.revtaf.engine.backend.cpu.kernels.FusedAssert.uniform;
import static org.revtaf.engine.tensor.TensorAssert.assertClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.SinkhornGeom;
import org.revtaf.engine.backend.reference.SinkhornRef;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** Log-domain Sinkhorn: gradient checks (double), marginals, masks, released mode, cpu vs reference. */
class SinkhornTest {

    /** Masks for b items: item 0 all valid, item 1 with some invalid pixels and tokens, etc. */
    private static float[] mask(int b, int len, int... invalidPerItem) {
        float[] m = new float[b * len];
        java.util.Arrays.fill(m, 1f);
        for (int bi = 0; bi < b && bi < invalidPerItem.length; bi++)
            for (int k = 0; k < invalidPerItem[bi]; k++) m[bi * len + len - 1 - 2 * k % len] = 0f;
        return m;
    }

    private record Run(double[] plan, double[] uHist, double[] vHist, int iters) {}

    private static Run ref(double[] cost, float[] pm, float[] tm, SinkhornGeom geom) {
        int b = geom.b(), p = geom.p(), t = geom.t(), maxIter = geom.maxIter();
        double[] plan = new double[b * p * t],
                uh = new double[(maxIter + 1) * b * p],
                vh = new double[(maxIter + 1) * b * t];
        int k = SinkhornRef.forward(of(plan), uh, vh, of(cost), of(pm), of(tm), geom);
        return new Run(plan, uh, vh, k);
    }

    /** The oracle's gradient of the cost for upstream g through {@code iters} iterations of run. */
    private static double[] refGrad(
            Run run, int iters, double[] g, double[] cost, float[] pm, float[] tm, SinkhornGeom geom) {
        double[] dCost = new double[cost.length];
        SinkhornRef.backward(
                of(dCost), of(g), of(run.plan), run.uHist, run.vHist, iters, of(cost), of(pm), of(tm), geom);
        return dCost;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.01})
    void gradientMatchesFiniteDifferencesWithMasks(double eps) {
        SplittableRandom r = new SplittableRandom(21);
        int b = 3, p = 5, t = 4, maxIter = 40;
        double[] cost = uniform(r, b * p * t, 0, 2), g = randn(r, b * p * t, 1);
        float[] pm = mask(b, p, 0, 2, 0), tm = mask(b, t, 0, 1, 2);
        Run run =
                ref(cost, pm, tm, new SinkhornGeom(b, p, t, eps, maxIter, 0.0)); // tol 0: a fixed number of iterations
        assertEquals(maxIter, run.iters);
        double[] dCost = refGrad(run, run.iters, g, cost, pm, tm, new SinkhornGeom(b, p, t, eps, maxIter, 0.0));
        double[] plan = new double[b * p * t],
                uh = new double[(maxIter + 1) * b * p],
                vh = new double[(maxIter + 1) * b * t];
        gradCheck(
                "sinkhorn eps=" + eps,
                cost,
                dCost,
                () -> {
                    SinkhornRef.forward(
                            of(plan), uh, vh, of(cost), of(pm), of(tm), new SinkhornGeom(b, p, t, eps, maxIter, 0.0));
                    return dotLoss(g, plan);
                },
                1e-5,
                1e-7,
                1e-5,
                1000);
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < p; i++)
                for (int j = 0; j < t; j++)
                    if (pm[bi * p + i] == 0f || tm[bi * t + j] == 0f) {
                        assertEquals(0.0, run.plan[(bi * p + i) * t + j], "masked plan entry");
                        assertEquals(0.0, dCost[(bi * p + i) * t + j], "masked gradient entry");
                    }
    }

    @Test
    void gradientWithToleranceStopAgreesToo() {
        SplittableRandom r = new SplittableRandom(22);
        int b = 2, p = 6, t = 3;
        double eps = 0.05;
        // a realistic cost range (1 - cosine similarity in [0, 0.4]): converges within 100 iterations
        double[] cost = uniform(r, b * p * t, 0.6, 1.0), g = randn(r, b * p * t, 1);
        Run run = ref(cost, null, null, new SinkhornGeom(b, p, t, eps, 100, 1e-6));
        assertTrue(run.iters > 1 && run.iters < 100, "stopped early by tolerance: " + run.iters);
        double[] dCost = refGrad(run, run.iters, g, cost, null, null, new SinkhornGeom(b, p, t, eps, run.iters, 0.0));
        gradCheck(
                "sinkhorn tol-stop",
                cost,
                dCost,
                () -> dotLoss(g, ref(cost, null, null, new SinkhornGeom(b, p, t, eps, run.iters, 0.0)).plan),
                1e-5,
                1e-7,
                1e-5,
                1000);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.01})
    void convergedPlanHasTheUniformMarginals(double eps) {
        SplittableRandom r = new SplittableRandom(23);
        int b = 2, p = 49, t = 18;
        // Sinkhorn contracts slowly when range(C)/eps is large: keep it at 8 and 10
        double[] cost = eps == 0.05 ? uniform(r, b * p * t, 0.6, 1.0) : uniform(r, b * p * t, 0.9, 1.0);
        float[] pm = mask(b, p, 0, 9), tm = mask(b, t, 3, 0);
        // tol 1e-7: the +1e-8 of log(mu + 1e-8) unbalances the masses, u drifts by ~eps (P - T) 1e-8 per step
        Run run = ref(cost, pm, tm, new SinkhornGeom(b, p, t, eps, 1000, 1e-7));
        assertTrue(run.iters < 1000, "converged in " + run.iters);
        for (int bi = 0; bi < b; bi++) {
            int pv = SinkhornRef.count(pm, bi * p, p), tv = SinkhornRef.count(tm, bi * t, t);
            for (int j = 0; j < t; j++) {
                double col = 0;
                for (int i = 0; i < p; i++) col += run.plan[(bi * p + i) * t + j];
                assertEquals(tm[bi * t + j] == 0f ? 0.0 : 1.0 / tv + 1e-8, col, 1e-9, "column " + j + " sum = nu");
            }
            for (int i = 0; i < p; i++) {
                double row = 0;
                for (int j = 0; j < t; j++) row += run.plan[(bi * p + i) * t + j];
                assertEquals(pm[bi * p + i] == 0f ? 0.0 : 1.0 / pv, row, 1e-6, "row " + i + " sum = mu");
            }
        }
    }

    @Test
    void itemWithoutValidTokenGivesZeroPlanAndGradient() {
        int b = 2, p = 3, t = 2;
        double[] cost = uniform(new SplittableRandom(24), b * p * t, 0, 2), g = new double[b * p * t];
        java.util.Arrays.fill(g, 1.0);
        float[] tm = {1, 1, 0, 0};
        Run run = ref(cost, null, tm, new SinkhornGeom(b, p, t, 0.05, 50, 1e-6));
        double[] dCost = refGrad(run, run.iters, g, cost, null, tm, new SinkhornGeom(b, p, t, 0.05, 50, 1e-6));
        for (int e = p * t; e < 2 * p * t; e++) {
            assertEquals(0.0, run.plan[e]);
            assertEquals(0.0, dCost[e]);
        }
        double total = 0;
        for (int e = 0; e < p * t; e++) total += run.plan[e];
        assertEquals(1.0, total, 1e-5, "item 0 transports unit mass");
        assertEquals(
                0,
                ref(cost, null, new float[b * t], new SinkhornGeom(b, p, t, 0.05, 50, 1e-6)).iters,
                "nothing valid: 0 iterations");
    }

    @Test
    void cpuMatchesReferenceAtOddShapes() {
        SplittableRandom r = new SplittableRandom(25);
        int[][] shapes = {{1, 1, 1}, {2, 7, 5}, {3, 49, 18}, {2, 49, 75}, {1, 17, 33}}; // (b, p, t)
        for (double eps : new double[] {0.05, 0.01})
            for (int[] s : shapes) {
                int b = s[0], p = s[1], t = s[2], maxIter = 100;
                String tag = "sinkhorn b=" + b + " p=" + p + " t=" + t + " eps=" + eps;
                double[] cost = roundTrip(uniform(r, b * p * t, 0, 2)), g = roundTrip(randn(r, b * p * t, 1));
                float[] pm = b > 1 ? mask(b, p, 0, Math.min(p - 1, 3)) : null,
                        tm = b > 1 ? mask(b, t, Math.min(t - 1, 2), 0) : null;
                float[] fPlan = new float[b * p * t], fu = new float[SinkhornCpu.uHistSize(b, p, maxIter)];
                float[] fv = new float[SinkhornCpu.vHistSize(b, t, maxIter)];
                Buf.F32 fCost = of(toFloat(cost)), fPm = of(pm), fTm = of(tm);
                int k = SinkhornCpu.forward(
                        of(fPlan), fu, fv, fCost, fPm, fTm, new SinkhornGeom(b, p, t, eps, maxIter, 1e-6));
                SinkhornGeom unrolled = new SinkhornGeom(b, p, t, eps, k, 0.0); // the cpu run's unroll depth
                Run run = ref(cost, pm, tm, unrolled);
                Run tolRun = ref(cost, pm, tm, new SinkhornGeom(b, p, t, eps, maxIter, 1e-6));
                assertTrue(
                        Math.abs(tolRun.iters - k) <= 2,
                        tag + ": iterations cpu " + k + " vs reference " + tolRun.iters);
                assertClose(tag + " plan", fPlan, run.plan, 1e-7, 2e-3);
                double[] dCost = refGrad(run, k, g, cost, pm, tm, unrolled);
                float[] fd = new float[b * p * t];
                SinkhornCpu.backward(of(fd), of(toFloat(g)), of(fPlan), fu, fv, k, fCost, fPm, fTm, unrolled);
                double scale = 0;
                for (double v : dCost) scale = Math.max(scale, Math.abs(v));
                assertClose(tag + " dCost", fd, dCost, 2e-3 * scale, 2e-2);
            }
    }

    @Test
    void releasedModeIsPerTokenColumnAndGivesOneOverP() {
        SplittableRandom r = new SplittableRandom(26);
        int b = 2, p = 7, t = 5, maxIter = 100;
        double eps = 0.05;
        double[] cost = roundTrip(uniform(r, b * p * t, 0, 2)), g = roundTrip(randn(r, b * p * t, 1));
        float[] tm = mask(b, t, 0, 2);
        // released mode = one problem per (batch item, token): cost [b, p, t] -> [b*t, p, 1]
        double[] costT = new double[b * t * p], gT = new double[b * t * p];
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < p; i++)
                for (int j = 0; j < t; j++) {
                    costT[(bi * t + j) * p + i] = cost[(bi * p + i) * t + j];
                    gT[(bi * t + j) * p + i] = g[(bi * p + i) * t + j];
                }
        float[] planT = new float[b * t * p], uh = new float[SinkhornCpu.uHistSize(b * t, p, maxIter)];
        float[] vh = new float[SinkhornCpu.vHistSize(b * t, 1, maxIter)];
        int k = SinkhornCpu.forward(
                of(planT), uh, vh, of(toFloat(costT)), null, of(tm), new SinkhornGeom(b * t, p, 1, eps, maxIter, 1e-6));
        // the op (F.sinkhornReleased, on the cpu backend) is that problem, forward and backward
        Tensor costIn = Tensor.of(Device.CPU, toFloat(cost), b, p, t).requiresGrad(true);
        Tensor out = F.sinkhornReleased(costIn, null, Tensor.of(Device.CPU, tm, b, t), eps, maxIter, 1e-6);
        out.backward(Tensor.of(Device.CPU, toFloat(g), b, p, t));
        float[] plan = out.toFloats(), dCost = costIn.grad().toFloats();
        Run run = ref(costT, null, tm, new SinkhornGeom(b * t, p, 1, eps, k, 0.0));
        double[] want = new double[b * p * t];
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < p; i++)
                for (int j = 0; j < t; j++) {
                    want[(bi * p + i) * t + j] = run.plan[(bi * t + j) * p + i];
                    double expect = tm[bi * t + j] == 0f ? 0.0 : 1.0 / p;
                    assertEquals(expect, plan[(bi * p + i) * t + j], 1e-6, "released plan is 1/P");
                    assertEquals(planT[(bi * t + j) * p + i], plan[(bi * p + i) * t + j], 1e-7, "the op's plan");
                }
        assertClose("released plan", plan, want, 1e-7, 1e-5);
        double[] dT = refGrad(run, k, gT, costT, null, tm, new SinkhornGeom(b * t, p, 1, eps, k, 0.0));
        double[] dWant = new double[b * p * t];
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < p; i++)
                for (int j = 0; j < t; j++) dWant[(bi * p + i) * t + j] = dT[(bi * t + j) * p + i];
        assertClose("released dCost", dCost, dWant, 1e-5, 1e-2);
    }
}
