package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.learning.nn.NnTesting.assertClose;

import org.junit.jupiter.api.Test;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.NnTesting;

class FccLossTest {
    private static final RevtafConfig.Fcc SOFT = RevtafConfig.Fcc.defaults();
    private static final RevtafConfig.Fcc HARD = new RevtafConfig.Fcc(RevtafConfig.FccMode.HARD, 0, 0.5);
    private static final int B = 2, N = 3, M = 4, H = 2, W = 3, P = H * W, D = 5;

    private static double cos(double[] a, int ao, double[] b, int bo, int d) {
        double ab = 0, aa = 0, bb = 0;
        for (int k = 0; k < d; k++) {
            ab += a[ao + k] * b[bo + k];
            aa += a[ao + k] * a[ao + k];
            bb += b[bo + k] * b[bo + k];
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The loss written out in loops; hard: global min-max over the valid maps, threshold, binary IoU. */
    private static double direct(boolean hard, double[] mg, double[] ml, double[] tg, double[] tl, double[] mask) {
        double[] g = hard ? binary(mg, mask, P) : perMap(mg, P), l = hard ? binary(ml, null, P) : perMap(ml, P);
        double sum = 0;
        int count = 0;
        for (int b = 0; b < B; b++)
            for (int n = 0; n < N; n++) {
                if (mask[b * N + n] == 0) continue;
                for (int m = 0; m < M; m++) {
                    double inter = 0, union = 0;
                    for (int p = 0; p < P; p++) {
                        double x = g[(b * N + n) * P + p], y = l[(b * M + m) * P + p];
                        inter += Math.min(x, y);
                        union += Math.max(x, y);
                    }
                    double s = sigmoid(cos(tg, (b * N + n) * D, tl, (b * M + m) * D, D));
                    sum += 1 - s * inter / (union + 1e-8);
                    count++;
                }
            }
        return sum / count;
    }

    private static double[] perMap(double[] x, int p) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length / p; i++) {
            double mn = Double.MAX_VALUE, mx = -Double.MAX_VALUE;
            for (int j = 0; j < p; j++) {
                mn = Math.min(mn, x[i * p + j]);
                mx = Math.max(mx, x[i * p + j]);
            }
            for (int j = 0; j < p; j++) out[i * p + j] = (x[i * p + j] - mn) / (mx - mn + 1e-6);
        }
        return out;
    }

    private static double[] binary(double[] x, double[] valid, int p) {
        double mn = Double.MAX_VALUE, mx = -Double.MAX_VALUE;
        for (int i = 0; i < x.length; i++)
            if (valid == null || valid[i / p] != 0) {
                mn = Math.min(mn, x[i]);
                mx = Math.max(mx, x[i]);
            }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (x[i] - mn) / (mx - mn + 1e-6) >= 0.5 ? 1 : 0;
        return out;
    }

    private static double direct(boolean hard, Inputs in) {
        return direct(
                hard,
                in.mg().toDoubles(),
                in.ml().toDoubles(),
                in.tg().toDoubles(),
                in.tl().toDoubles(),
                in.mask().toDoubles());
    }

    private record Inputs(Tensor mg, Tensor ml, Tensor tg, Tensor tl, Tensor mask) {}

    private static Inputs inputs(NnContext ctx) {
        Tensor mask = Tensor.ofDoubles(ctx.device(), ctx.dtype(), new double[] {1, 1, 0, 1, 0, 0}, B, N);
        return new Inputs(
                NnTesting.randn(ctx, 1, B, N, P).requiresGrad(true),
                NnTesting.randn(ctx, 2, B, M, P).requiresGrad(true),
                NnTesting.randn(ctx, 3, B, N, D).requiresGrad(true),
                NnTesting.randn(ctx, 4, B, M, D).requiresGrad(true),
                mask);
    }

    private static Tensor loss(RevtafConfig.Fcc cfg, Inputs in) {
        return FccLoss.loss(cfg, in.mg(), in.ml(), in.tg(), in.tl(), in.mask(), H, W);
    }

    @Test
    void softLossIsTheMaskedMeanOfOneMinusSigmoidCosineTimesSoftIou() {
        Inputs in = inputs(NnTesting.f64(1));
        double expect = direct(false, in);
        assertEquals(expect, loss(SOFT, in).item(), 1e-12);
    }

    @Test
    void hardLossReproducesTheReleasedCode() {
        Inputs in = inputs(NnTesting.f64(2));
        double expect = direct(true, in);
        assertEquals(expect, loss(HARD, in).item(), 1e-12);
    }

    @Test
    void softGradientReachesTheMapsAndTheHardOneDoesNot() {
        Inputs soft = inputs(NnTesting.f64(3));
        loss(SOFT, soft).backward();
        assertTrue(nonZero(soft.mg().grad()) && nonZero(soft.ml().grad()), "soft FCC trains the attention maps");
        assertTrue(nonZero(soft.tg().grad()) && nonZero(soft.tl().grad()));
        Inputs hard = inputs(NnTesting.f64(3));
        loss(HARD, hard).backward();
        assertNull(hard.mg().grad(), "hard FCC has no gradient into the maps");
        assertNull(hard.ml().grad());
        assertTrue(nonZero(hard.tg().grad()) && nonZero(hard.tl().grad()), "only through sigmoid(cos)");
    }

    @Test
    void throughTheFusionOnlyTheSoftLossTrainsTheAttention() {
        for (RevtafConfig.Fcc cfg : new RevtafConfig.Fcc[] {SOFT, HARD}) {
            NnContext ctx = NnTesting.f64(8);
            Fvtaf f = new Fvtaf(ctx, 4, D, new RevtafConfig.Fusion(6, false, 0.0), RevtafConfig.Ot.defaults());
            Tensor tokens = NnTesting.randn(ctx, 9, B, P, 4);
            Tensor grp = NnTesting.randn(ctx, 10, B, N, D), lrp = NnTesting.randn(ctx, 11, B, 75, D);
            Tensor mask = Tensor.ofDoubles(ctx.device(), ctx.dtype(), new double[] {1, 1, 0, 1, 1, 1}, B, N);
            Fvtaf.Output o = f.forward(tokens, grp, mask, lrp);
            FccLoss.loss(cfg, o.mapsGlobal(), o.mapsLocal(), o.textGlobal(), o.textLocal(), mask, H, W)
                    .backward();
            boolean soft = cfg.mode() == RevtafConfig.FccMode.SOFT;
            // phi_q reaches the loss only through the maps
            assertEquals(soft, nonZero(f.global.phiQ.weight.grad()), cfg.mode() + ": d phi_q (global)");
            assertEquals(soft, nonZero(f.local.phiQ.weight.grad()), cfg.mode() + ": d phi_q (local)");
            assertTrue(nonZero(f.textProjGlobal.weight.grad()), cfg.mode() + ": S always has a gradient");
            assertNull(f.global.phiV.weight.grad(), "the values do not enter the maps");
        }
    }

    @Test
    void softLossGradientChecks() {
        Inputs in = inputs(NnTesting.f64(4));
        NnTesting.gradCheck("fcc", () -> loss(SOFT, in), in.mg(), in.ml(), in.tg(), in.tl());
        RevtafConfig.Fcc up = new RevtafConfig.Fcc(RevtafConfig.FccMode.SOFT, 5, 0.5);
        NnTesting.gradCheck("fcc upsampled", () -> loss(up, in), in.mg(), in.ml());
    }

    @Test
    void resolutionUpsamplesTheMapsBilinearlyFirst() {
        Inputs in = inputs(NnTesting.f64(5));
        RevtafConfig.Fcc up = new RevtafConfig.Fcc(RevtafConfig.FccMode.SOFT, 7, 0.5);
        Tensor g = F.bilinear(in.mg().reshape(B, N, H, W), 7, 7, false).reshape(B, N, 49);
        Tensor l = F.bilinear(in.ml().reshape(B, M, H, W), 7, 7, false).reshape(B, M, 49);
        double atFull =
                FccLoss.loss(SOFT, g, l, in.tg(), in.tl(), in.mask(), 7, 7).item();
        assertEquals(atFull, loss(up, in).item(), 1e-12);
        assertTrue(Math.abs(atFull - loss(SOFT, in).item()) > 1e-6, "resolution changes the loss");
    }

    @Test
    void noValidSentenceGivesZeroAndCpuMatchesTheReference() {
        NnContext ref = NnTesting.f64(6), cpu = NnTesting.f32(6);
        Inputs in = inputs(ref);
        Tensor none = Tensor.zeros(ref.device(), ref.dtype(), B, N);
        for (RevtafConfig.Fcc cfg : new RevtafConfig.Fcc[] {SOFT, HARD}) // hard: no valid map to scale by
        assertEquals(
                    0.0,
                    FccLoss.loss(cfg, in.mg(), in.ml(), in.tg(), in.tl(), none, H, W)
                            .item(),
                    cfg.mode().toString());
        for (RevtafConfig.Fcc cfg : new RevtafConfig.Fcc[] {SOFT, HARD}) {
            Inputs a = inputs(ref),
                    c =
                            new Inputs(
                                    RevtafTesting.on(cpu, a.mg()).requiresGrad(true),
                                    RevtafTesting.on(cpu, a.ml()).requiresGrad(true),
                                    RevtafTesting.on(cpu, a.tg()).requiresGrad(true),
                                    RevtafTesting.on(cpu, a.tl()).requiresGrad(true),
                                    RevtafTesting.on(cpu, a.mask()));
            Tensor la = loss(cfg, a), lc = loss(cfg, c);
            assertEquals(la.item(), lc.item(), 1e-5);
            la.backward();
            lc.backward();
            assertClose(
                    cfg.mode() + " d tg",
                    a.tg().grad().toDoubles(),
                    c.tg().grad().toDoubles(),
                    1e-4);
            if (cfg.mode() == RevtafConfig.FccMode.SOFT)
                assertClose(
                        "soft d maps", a.mg().grad().toDoubles(), c.mg().grad().toDoubles(), 1e-4);
        }
    }

    private static boolean nonZero(Tensor g) {
        if (g == null) return false;
        for (double v : g.toDoubles()) if (v != 0) return true;
        return false;
    }
}
