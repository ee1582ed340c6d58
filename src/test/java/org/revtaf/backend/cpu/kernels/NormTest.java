package org.revtaf.backend.cpu.kernels;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

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
                    float[] yW = new float[n], yG = new float[n], mW = new float[rows], mG = new float[rows];
                    float[] sW = new float[rows], sG = new float[rows];
                    NormRef.layerNormForward(x, 0, gg, 0, bb, 0, yW, 0, mW, 0, sW, 0, rows, d, 1e-5f);
                    Norm.layerNormForward(x, 0, gg, 0, bb, 0, yG, 0, mG, 0, sG, 0, rows, d, 1e-5f);
                    String what = "layernorm " + rows + "x" + d + " affine=" + affine;
                    Checks.close(what + " y", yW, yG, 1e-5, 1e-4);
                    Checks.close(what + " mean", mW, mG, 1e-6, 1e-5);
                    Checks.close(what + " rstd", sW, sG, 1e-6, 1e-4);
                    float[] dxW = new float[n], dxG = new float[n], dgW = new float[d], dgG = new float[d];
                    float[] dbW = new float[d], dbG = new float[d];
                    NormRef.layerNormBackward(dy, 0, x, 0, mW, 0, sW, 0, gg, 0, dxW, 0, dgW, 0, dbW, 0, rows, d);
                    Norm.layerNormBackward(dy, 0, x, 0, mW, 0, sW, 0, gg, 0, dxG, 0, dgG, 0, dbG, 0, rows, d);
                    Checks.close(what + " dx", dxW, dxG, 1e-5, 1e-4);
                    Checks.close(what + " dgamma", dgW, dgG, 1e-5, 1e-4);
                    Checks.close(what + " dbeta", dbW, dbG, 1e-5, 1e-4);
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
        Norm.layerNormForward(x, 0, g, 0, b, 0, y, 0, mean, 0, rstd, 0, rows, d, 1e-5f);
        float[] dx = new float[x.length], dg = new float[d], db = new float[d];
        Norm.layerNormBackward(dy, 0, x, 0, mean, 0, rstd, 0, g, 0, dx, 0, dg, 0, db, 0, rows, d);
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
                float[] yW = new float[size], yG = new float[size], smW = new float[c], smG = new float[c];
                float[] srW = new float[c], srG = new float[c];
                NormRef.batchNormForwardTrain(
                        x, 0, g, 0, b, 0, yW, 0, rmW, 0, rvW, 0, smW, 0, srW, 0, n, c, hw, 1e-5f, 0.1f);
                Norm.batchNormForwardTrain(
                        x, 0, g, 0, b, 0, yG, 0, rmG, 0, rvG, 0, smG, 0, srG, 0, n, c, hw, 1e-5f, 0.1f);
                String what = "batchnorm " + n + "x" + c + "x" + hw;
                Checks.close(what + " y", yW, yG, 1e-4, 1e-4);
                Checks.close(what + " running mean", rmW, rmG, 1e-6, 1e-5);
                Checks.close(what + " running var", rvW, rvG, 1e-6, 1e-5);
                Checks.close(what + " saved rstd", srW, srG, 1e-5, 1e-4);
                float[] eW = new float[size], eG = new float[size];
                NormRef.batchNormForwardEval(x, 0, g, 0, b, 0, eW, 0, rmW, 0, rvW, 0, n, c, hw, 1e-5f);
                Norm.batchNormForwardEval(x, 0, g, 0, b, 0, eG, 0, rmW, 0, rvW, 0, n, c, hw, 1e-5f);
                Checks.close(what + " eval", eW, eG, 1e-5, 1e-5);
                float[] dxW = new float[size], dxG = new float[size], dgW = new float[c], dgG = new float[c];
                float[] dbW = new float[c], dbG = new float[c];
                NormRef.batchNormBackward(dy, 0, x, 0, smW, 0, srW, 0, g, 0, dxW, 0, dgW, 0, dbW, 0, n, c, hw);
                Norm.batchNormBackward(dy, 0, x, 0, smW, 0, srW, 0, g, 0, dxG, 0, dgG, 0, dbG, 0, n, c, hw);
                Checks.close(what + " dx", dxW, dxG, 1e-4, 1e-3);
                Checks.close(what + " dgamma", dgW, dgG, 1e-5, 1e-4);
                Checks.close(what + " dbeta", dbW, dbG, 1e-5, 1e-4);
            }
        });
    }

    @Test
    void batchNormGradientsMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(34);
        int n = 3, c = 2, hw = 5, size = n * c * hw;
        float[] x = Checks.rand(r, size), g = Checks.rand(r, c), b = Checks.rand(r, c), dy = Checks.rand(r, size);
        float[] y = new float[size], sm = new float[c], sr = new float[c];
        Norm.batchNormForwardTrain(x, 0, g, 0, b, 0, y, 0, null, 0, null, 0, sm, 0, sr, 0, n, c, hw, 1e-5f, 0.1f);
        float[] dx = new float[size], dg = new float[c], db = new float[c];
        Norm.batchNormBackward(dy, 0, x, 0, sm, 0, sr, 0, g, 0, dx, 0, dg, 0, db, 0, n, c, hw);
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
}
