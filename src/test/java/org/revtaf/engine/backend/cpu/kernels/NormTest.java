package org.revtaf.engine.backend.cpu.kernels;

import static org.revtaf.engine.backend.Buf.of;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.BatchNormArgs;
import org.revtaf.engine.backend.BatchNormGeom;
import org.revtaf.engine.backend.Buf;
import org.revtaf.engine.backend.LayerNormArgs;
import org.revtaf.engine.backend.reference.RefNorm;

class NormTest {
    @Test
    void layerNormMatchesReference() {
        Checks.bothThreadCounts(() -> {
            SplittableRandom r = new SplittableRandom(31);
            int[][] shapes = {{1, 1}, {3, 7}, {5, 16}, {4, 33}, {300, 65}, {2, 768}};
            for (int[] sh : shapes) {
                int rows = sh[0], d = sh[1], n = rows * d;
                float[] x = Checks.rand(r, n), g = Checks.rand(r, d), b = Checks.rand(r, d), dy = Checks.rand(r, n);
                for (int i = 0; i < n; i++) x[i] = x[i] * 3 + 5; // offset mean: tests the two-pass variance
                for (boolean affine : new boolean[] {true, false}) {
                    float[] gg = affine ? g : null, bb = affine ? b : null;
                    float[] yG = new float[n], mG = new float[rows], sG = new float[rows];
                    Buf.F64 yR = Checks.d(n), mR = Checks.d(rows), sR = Checks.d(rows);
                    RefNorm.layerNormForward(
                            new LayerNormArgs<>(yR, mR, sR, Checks.d(x), Checks.d(gg), Checks.d(bb)), rows, d, 1e-5f);
                    float[] yW = Checks.f(yR), mW = Checks.f(mR), sW = Checks.f(sR);
                    Norm.layerNormForward(
                            new LayerNormArgs<>(of(yG), of(mG), of(sG), of(x), of(gg), of(bb)), rows, d, 1e-5f);
                    String what = "layernorm " + rows + "x" + d + " affine=" + affine;
                    Checks.close(what + " y", yW, yG, 1e-5, 1e-4);
                    Checks.close(what + " mean", mW, mG, 1e-6, 1e-5);
                    Checks.close(what + " rstd", sW, sG, 1e-6, 1e-4);
                    float[] dxG = new float[n], dgG = new float[d], dbG = new float[d];
                    Buf.F64 dxR = Checks.d(n), dgR = Checks.d(d), dbR = Checks.d(d);
                    var savedR = new LayerNormArgs<>(null, Checks.d(mW), Checks.d(sW), Checks.d(x), Checks.d(gg), null);
                    RefNorm.layerNormBackward(dxR, dgR, dbR, Checks.d(dy), savedR, rows, d);
                    float[] dxW = Checks.f(dxR), dgW = Checks.f(dgR), dbW = Checks.f(dbR);
                    var saved = new LayerNormArgs<>(null, of(mW), of(sW), of(x), of(gg), null);
                    Norm.layerNormBackward(of(dxG), of(dgG), of(dbG), of(dy), saved, rows, d);
                    closeGrads(what, 1e-5, 1e-4, new float[][] {dxW, dgW, dbW}, new float[][] {dxG, dgG, dbG});
                }
            }
        });
    }

    @Test
    void layerNormGradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(32);
        int rows = 3, d = 11;
        float[] x = Checks.rand(r, rows * d),
                g = Checks.rand(r, d),
                b = Checks.rand(r, d),
                dy = Checks.rand(r, rows * d);
        float[] y = new float[x.length], mean = new float[rows], rstd = new float[rows];
        var a = new LayerNormArgs<>(of(y), of(mean), of(rstd), of(x), of(g), of(b));
        Norm.layerNormForward(a, rows, d, 1e-5f);
        float[] dx = new float[x.length], dg = new float[d], db = new float[d];
        Norm.layerNormBackward(of(dx), of(dg), of(db), of(dy), a, rows, d);
        double[] xd = Checks.toDouble(x), gd = Checks.toDouble(g), bd = Checks.toDouble(b), w = Checks.toDouble(dy);
        Checks.close(
                "ln dx",
                Checks.numericGrad(v -> DoubleRef.layerNorm(v, gd, bd, rows, d, 1e-5), xd, w, 1e-5),
                dx,
                1e-4,
                1e-3);
        Checks.close(
                "ln dg",
                Checks.numericGrad(v -> DoubleRef.layerNorm(xd, v, bd, rows, d, 1e-5), gd, w, 1e-5),
                dg,
                1e-4,
                1e-3);
        Checks.close(
                "ln db",
                Checks.numericGrad(v -> DoubleRef.layerNorm(xd, gd, v, rows, d, 1e-5), bd, w, 1e-5),
                db,
                1e-4,
                1e-3);
    }

    @Test
    void batchNormMatchesReferenceTrainEvalBackward() {
        Checks.bothThreadCounts(() -> {
            SplittableRandom r = new SplittableRandom(33);
            int[][] shapes = {{1, 1, 1}, {2, 3, 5}, {3, 7, 17}, {4, 16, 49}, {2, 5, 1}};
            for (int[] sh : shapes) {
                int n = sh[0], c = sh[1], hw = sh[2], size = n * c * hw;
                float[] x = Checks.rand(r, size),
                        g = Checks.rand(r, c),
                        b = Checks.rand(r, c),
                        dy = Checks.rand(r, size);
                for (int i = 0; i < size; i++) x[i] += 100; // mean >> std: tests the centered variance
                float[] rmW = Checks.rand(r, c), rvW = new float[c];
                for (int i = 0; i < c; i++) rvW[i] = 0.5f + i;
                float[] rmG = rmW.clone(), rvG = rvW.clone();
                float[] yG = new float[size], smG = new float[c], srG = new float[c];
                Buf.F64 yR = Checks.d(size),
                        rmR = Checks.d(rmW),
                        rvR = Checks.d(rvW),
                        smR = Checks.d(c),
                        srR = Checks.d(c);
                Buf.F64 xR = Checks.d(x), gR = Checks.d(g), bR = Checks.d(b);
                RefNorm.batchNormForwardTrain(
                        new BatchNormArgs<>(yR, smR, srR, rmR, rvR, xR, gR, bR, null), bn(n, c, hw, true, false));
                float[] yW = Checks.f(yR), smW = Checks.f(smR), srW = Checks.f(srR);
                rmW = Checks.f(rmR);
                rvW = Checks.f(rvR);
                Norm.batchNormForward(
                        new BatchNormArgs<>(of(yG), of(smG), of(srG), of(rmG), of(rvG), of(x), of(g), of(b), null),
                        bn(n, c, hw, true, false));
                String what = "batchnorm " + n + "x" + c + "x" + hw;
                Checks.close(what + " y", yW, yG, 1e-4, 1e-4);
                Checks.close(what + " running mean", rmW, rmG, 1e-6, 1e-5);
                Checks.close(what + " running var", rvW, rvG, 1e-6, 1e-5);
                Checks.close(what + " saved rstd", srW, srG, 1e-5, 1e-4);
                float[] eG = new float[size];
                Buf.F64 eR = Checks.d(size);
                RefNorm.batchNormForwardEval(
                        new BatchNormArgs<>(eR, null, null, Checks.d(rmW), Checks.d(rvW), xR, gR, bR, null),
                        bn(n, c, hw, false, false));
                float[] eW = Checks.f(eR);
                Norm.batchNormForward(eval(of(eG), x, g, b, rmW, rvW, null), bn(n, c, hw, false, false));
                Checks.close(what + " eval", eW, eG, 1e-5, 1e-5);
                // with the fused ReLU: max(0, the same outputs); the running stats move as without
                float[] yRelu = new float[size], rmRelu = rmG.clone(), rvRelu = rvG.clone();
                Norm.batchNormForward(train(of(yRelu), x, g, b, null), bn(n, c, hw, true, true));
                Checks.close(what + " relu", relu(yW), yRelu, 1e-4, 1e-4);
                Norm.batchNormForward(eval(of(yRelu), x, g, b, rmW, rvW, null), bn(n, c, hw, false, true));
                Checks.close(what + " eval relu", relu(eW), yRelu, 1e-5, 1e-5);
                // with a residual added before the ReLU
                float[] res = Checks.rand(r, size), sumW = new float[size];
                for (int i = 0; i < size; i++) sumW[i] = yW[i] + res[i];
                Norm.batchNormForward(train(of(yRelu), x, g, b, res), bn(n, c, hw, true, true));
                Checks.close(what + " residual relu", relu(sumW), yRelu, 1e-4, 1e-4);
                for (int i = 0; i < size; i++) sumW[i] = eW[i] + res[i];
                Norm.batchNormForward(eval(of(yRelu), x, g, b, rmW, rvW, res), bn(n, c, hw, false, false));
                Checks.close(what + " eval residual", sumW, yRelu, 1e-5, 1e-5);
                float[] dxG = new float[size], dgG = new float[c], dbG = new float[c];
                Buf.F64 dxR = Checks.d(size), dgR = Checks.d(c), dbR = Checks.d(c);
                RefNorm.batchNormBackward(
                        dxR,
                        dgR,
                        dbR,
                        Checks.d(dy),
                        new BatchNormArgs<>(null, Checks.d(smW), Checks.d(srW), null, null, xR, gR, null, null),
                        new BatchNormGeom(n, c, hw, true, 0.1, 1e-5));
                float[] dxW = Checks.f(dxR), dgW = Checks.f(dgR), dbW = Checks.f(dbR);
                Norm.batchNormBackward(
                        of(dxG),
                        of(dgG),
                        of(dbG),
                        of(dy),
                        saved(x, g, smW, srW),
                        new BatchNormGeom(n, c, hw, true, 0.1, 1e-5));
                closeGrads(what, 1e-4, 1e-3, new float[][] {dxW, dgW, dbW}, new float[][] {dxG, dgG, dbG});
            }
        });
    }

    @Test
    void batchNormGradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(34);
        int n = 3, c = 2, hw = 5, size = n * c * hw;
        float[] x = Checks.rand(r, size), g = Checks.rand(r, c), b = Checks.rand(r, c), dy = Checks.rand(r, size);
        float[] y = new float[size], sm = new float[c], sr = new float[c];
        Norm.batchNormForward(
                new BatchNormArgs<>(of(y), of(sm), of(sr), null, null, of(x), of(g), of(b), null),
                bn(n, c, hw, true, false));
        float[] dx = new float[size], dg = new float[c], db = new float[c];
        Norm.batchNormBackward(
                of(dx), of(dg), of(db), of(dy), saved(x, g, sm, sr), new BatchNormGeom(n, c, hw, true, 0.1, 1e-5));
        double[] xd = Checks.toDouble(x), gd = Checks.toDouble(g), bd = Checks.toDouble(b), w = Checks.toDouble(dy);
        Checks.close(
                "bn dx",
                Checks.numericGrad(v -> DoubleRef.batchNorm(v, gd, bd, n, c, hw, 1e-5), xd, w, 1e-5),
                dx,
                1e-4,
                1e-3);
        Checks.close(
                "bn dg",
                Checks.numericGrad(v -> DoubleRef.batchNorm(xd, v, bd, n, c, hw, 1e-5), gd, w, 1e-5),
                dg,
                1e-4,
                1e-3);
        Checks.close(
                "bn db",
                Checks.numericGrad(v -> DoubleRef.batchNorm(xd, gd, v, n, c, hw, 1e-5), bd, w, 1e-5),
                db,
                1e-4,
                1e-3);
    }

    /** dx within (dxAtol, dxRtol), dgamma and dbeta within (1e-5, 1e-4) of the reference's: want/got {dx, dgamma, dbeta}. */
    private static void closeGrads(String what, double dxAtol, double dxRtol, float[][] want, float[][] got) {
        Checks.close(what + " dx", want[0], got[0], dxAtol, dxRtol);
        Checks.close(what + " dgamma", want[1], got[1], 1e-5, 1e-4);
        Checks.close(what + " dbeta", want[2], got[2], 1e-5, 1e-4);
    }

    /** Batch norm with momentum 0.1 and eps 1e-5 (as float32 values). */
    private static BatchNormGeom bn(int n, int c, int hw, boolean training, boolean relu) {
        return new BatchNormGeom(n, c, hw, training, 0.1f, 1e-5f, relu);
    }

    /** Training forward of x into y, no statistics kept; residual may be null. */
    private static BatchNormArgs<Buf.F32> train(Buf.F32 y, float[] x, float[] g, float[] b, float[] res) {
        return new BatchNormArgs<>(y, null, null, null, null, of(x), of(g), of(b), of(res));
    }

    /** Eval forward of x into y with the running statistics rm, rv; residual may be null. */
    private static BatchNormArgs<Buf.F32> eval(
            Buf.F32 y, float[] x, float[] g, float[] b, float[] rm, float[] rv, float[] res) {
        return new BatchNormArgs<>(y, null, null, of(rm), of(rv), of(x), of(g), of(b), of(res));
    }

    /** What backward reads of a forward: x, gamma and the saved statistics. */
    private static BatchNormArgs<Buf.F32> saved(float[] x, float[] g, float[] mean, float[] rstd) {
        return new BatchNormArgs<>(null, of(mean), of(rstd), null, null, of(x), of(g), null, null);
    }

    private static float[] relu(float[] y) {
        float[] r = new float[y.length];
        for (int i = 0; i < y.length; i++) r[i] = Math.max(y[i], 0f);
        return r;
    }
}
