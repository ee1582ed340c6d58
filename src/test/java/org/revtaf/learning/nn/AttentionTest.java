package org.revtaf.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.learning.nn.NnTesting.assertClose;
import static org.revtaf.learning.nn.NnTesting.f64;
import static org.revtaf.learning.nn.NnTesting.randn;

import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.DropoutMask;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

class AttentionTest {
    /** Naive double attention of one batch row: x (Tq, d), m (Tk, kv), mask bias (Tq, Tk) or null. */
    private static double[] naive(
            MultiHeadAttention a, double[] x, int tq, double[] m, int tk, int d, int kv, double[] bias) {
        return naive(a, x, tq, m, tk, d, kv, bias, null, 0);
    }

    /** As above, with dropout factors drop (B, H, Tq, Tk) (null: none) applied to the probabilities of batch row bi. */
    private static double[] naive(
            MultiHeadAttention a,
            double[] x,
            int tq,
            double[] m,
            int tk,
            int d,
            int kv,
            double[] bias,
            double[] drop,
            int bi) {
        double[] q = lin(a.query, x, tq, d, d), k = lin(a.key, m, tk, kv, d), v = lin(a.value, m, tk, kv, d);
        int h = a.heads(), dh = d / h;
        double[] ctx = new double[tq * d];
        for (int hh = 0; hh < h; hh++)
            for (int i = 0; i < tq; i++) {
                double[] s = new double[tk];
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    double dot = 0;
                    for (int c = 0; c < dh; c++) dot += q[i * d + hh * dh + c] * k[j * d + hh * dh + c];
                    s[j] = dot / Math.sqrt(dh) + (bias == null ? 0 : bias[i * tk + j]);
                    mx = Math.max(mx, s[j]);
                }
                double z = 0;
                for (int j = 0; j < tk; j++) z += s[j] = Math.exp(s[j] - mx);
                for (int j = 0; j < tk; j++)
                    for (int c = 0; c < dh; c++)
                        ctx[i * d + hh * dh + c] += s[j]
                                / z
                                * (drop == null ? 1 : drop[((bi * h + hh) * tq + i) * tk + j])
                                * v[j * d + hh * dh + c];
            }
        return lin(a.out, ctx, tq, d, d);
    }

    private static double[] lin(Linear l, double[] x, int rows, int in, int out) {
        double[] w = l.weight.toDoubles(), b = l.bias.toDoubles(), y = new double[rows * out];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
                y[r * out + o] = s;
            }
        return y;
    }

    @Test
    void crossAttentionMatchesNaiveComputation() {
        NnContext ctx = f64(1);
        MultiHeadAttention a = new MultiHeadAttention(ctx, 6, 3, 4, 0.0, TransformerInit.BERT);
        Tensor x = randn(ctx, 2, 1, 3, 6), m = randn(ctx, 3, 1, 5, 4);
        double[] got = a.forward(x, m, null, null).toDoubles();
        assertClose("cross", naive(a, x.toDoubles(), 3, m.toDoubles(), 5, 6, 4, null), got, 1e-10);
    }

    @Test
    void causalAndPaddingMasksBlockPositions() {
        NnContext ctx = f64(2);
        MultiHeadAttention a = new MultiHeadAttention(ctx, 4, 2, 4, 0.0, TransformerInit.DETR);
        Tensor x = randn(ctx, 4, 1, 4, 4);
        Tensor keep = Tensor.ofDoubles(ctx.device(), new double[] {1, 1, 1, 0}, 1, 4);
        AttentionMask mask = AttentionMask.causalPadding(keep);
        double[] b = mask.bias(ctx.device(), ctx.dtype(), 4, 4).toDoubles();
        assertEquals(0.0, b[0]);
        assertEquals(AttentionMask.BLOCKED, b[1]); // query 0 cannot see key 1
        assertEquals(AttentionMask.BLOCKED, b[15]); // query 3 may see key 3 causally, but it is padding
        assertEquals(AttentionMask.BLOCKED, b[11]); // future and padding: blocked once
        double[] got = a.forward(x, x, mask, null).toDoubles(); // fused op
        double[] expect = naive(a, x.toDoubles(), 4, x.toDoubles(), 4, 4, 4, b);
        assertClose("masked, fused", expect, got, 1e-10);
        assertClose(
                "masked, composite",
                expect,
                a.attend(x, x, x, mask, null, true).out().toDoubles(),
                1e-10);
        // changing a future token does not change earlier outputs
        double[] xv = x.toDoubles();
        xv[3 * 4] += 5;
        Tensor x2 = Tensor.ofDoubles(ctx.device(), xv, 1, 4, 4);
        double[] got2 = a.forward(x2, x2, mask, null).toDoubles();
        assertArrayEquals(java.util.Arrays.copyOf(got, 12), java.util.Arrays.copyOf(got2, 12), 1e-12);
    }

    @Test
    void trainingWithAttentionDropoutRunsTheFusedOpWithItsOwnMask() {
        NnContext ctx = f64(8);
        int b = 2, tq = 4, d = 6, h = 3;
        MultiHeadAttention a = new MultiHeadAttention(ctx, d, h, d, 0.3, TransformerInit.BERT);
        a.train(true);
        Tensor x = randn(ctx, 9, b, tq, d);
        Rng twin = Rng.fromState(ctx.dropout().state());
        DropoutMask mask = new DropoutMask(0.3, twin.nextLong()); // the seed the layer will draw
        MultiHeadAttention.Result res = a.attend(x, x, x, AttentionMask.causalOnly(), null, false);
        assertNull(res.probs(), "fused path: no (B, H, Tq, Tk) probabilities built");
        assertArrayEquals(twin.state(), ctx.dropout().state(), "one seed drawn from the dropout generator");
        double[] f = mask.factors(b * h, tq, tq),
                bias = new double[tq * tq],
                xs = x.toDoubles(),
                got = res.out().toDoubles();
        for (int i = 0; i < tq; i++) for (int j = i + 1; j < tq; j++) bias[i * tq + j] = AttentionMask.BLOCKED;
        assertTrue(java.util.Arrays.stream(f).anyMatch(v -> v == 0), "some probabilities dropped");
        for (int bi = 0; bi < b; bi++) {
            double[] row = java.util.Arrays.copyOfRange(xs, bi * tq * d, (bi + 1) * tq * d);
            assertClose(
                    "dropout item " + bi,
                    naive(a, row, tq, row, tq, d, d, bias, f, bi),
                    java.util.Arrays.copyOfRange(got, bi * tq * d, (bi + 1) * tq * d),
                    1e-10);
        }
        // a second call draws a new seed: another mask
        assertTrue(!java.util.Arrays.equals(
                got,
                a.attend(x, x, x, AttentionMask.causalOnly(), null, false).out().toDoubles()));
        a.eval(); // eval: no dropout
        assertClose(
                "eval",
                naive(a, java.util.Arrays.copyOf(xs, tq * d), tq, java.util.Arrays.copyOf(xs, tq * d), tq, d, d, bias),
                java.util.Arrays.copyOf(
                        a.forward(x, x, AttentionMask.causalOnly(), null).toDoubles(), tq * d),
                1e-10);
    }

    @Test
    void incrementalDecodingWithCacheEqualsFullPass() {
        NnContext ctx = f64(3);
        TransformerDecoderLayer layer = new TransformerDecoderLayer(ctx, TransformerLayerSpec.bert(8, 2, 16, 0.1, 6));
        layer.eval();
        Tensor x = randn(ctx, 5, 2, 5, 8), mem = randn(ctx, 6, 2, 3, 6);
        Tensor full = layer.forward(x, mem, AttentionMask.causalOnly(), null, null, null, null);
        TransformerDecoderLayer.Cache cache = TransformerDecoderLayer.Cache.create();
        Tensor first = layer.forward(x.slice(1, 0, 2), mem, AttentionMask.causalOnly(), null, null, null, cache);
        assertClose("prefix", full.slice(1, 0, 2).toDoubles(), first.toDoubles(), 1e-10);
        for (int t = 2; t < 5; t++) {
            Tensor step = layer.forward(x.slice(1, t, t + 1), mem, AttentionMask.causalOnly(), null, null, null, cache);
            assertClose("step " + t, full.slice(1, t, t + 1).toDoubles(), step.toDoubles(), 1e-10);
        }
        assertEquals(5, cache.self().length());
        assertEquals(3, cache.cross().length());
        // beam reorder keeps the selected rows
        cache.reorder(Tensor.ofLongs(ctx.device(), new long[] {1, 1}, 2));
        assertArrayEquals(
                cache.self().keys().slice(0, 0, 1).toDoubles(),
                cache.self().keys().slice(0, 1, 2).toDoubles(),
                0.0);
    }

    @Test
    void encoderLayerPostAndPreNormFollowTheirFormulas() {
        NnContext ctx = f64(4);
        Tensor x = randn(ctx, 7, 1, 3, 4);
        for (boolean pre : new boolean[] {false, true}) {
            TransformerLayerSpec s =
                    new TransformerLayerSpec(4, 2, 8, 0.0, pre, !pre, true, 1e-5, 4, TransformerInit.DETR);
            TransformerEncoderLayer l = new TransformerEncoderLayer(ctx, s);
            Tensor expect;
            if (pre) {
                Tensor h = l.norm1.forward(x);
                Tensor y = x.add(l.selfAttn.forward(h, h, null, null));
                expect = y.add(l.linear2.forward(F.relu(l.linear1.forward(l.norm2.forward(y)))));
            } else {
                Tensor y = l.norm1.forward(x.add(l.selfAttn.forward(x, x, null, null)));
                expect = l.norm2.forward(y.add(l.linear2.forward(F.gelu(l.linear1.forward(y)))));
            }
            assertClose(
                    pre ? "pre-norm" : "post-norm",
                    expect.toDoubles(),
                    l.forward(x, null, null).toDoubles(),
                    1e-12);
        }
    }

    @Test
    void attentionGradientsMatchCentralDifferences() {
        NnContext ctx = f64(5);
        MultiHeadAttention a = new MultiHeadAttention(ctx, 4, 2, 3, 0.0, TransformerInit.BERT);
        Tensor x = randn(ctx, 1, 1, 2, 4).requiresGrad(true),
                m = randn(ctx, 2, 1, 3, 3).requiresGrad(true);
        AttentionMask pad = AttentionMask.padding(Tensor.ofDoubles(ctx.device(), new double[] {1, 0, 1}, 1, 3));
        for (boolean composite : new boolean[] {false, true})
            NnTesting.gradCheck(
                    composite ? "mha composite" : "mha fused",
                    () -> a.attend(x, m, m, pad, null, composite).out(),
                    x,
                    m,
                    a.query.weight,
                    a.key.weight,
                    a.value.bias,
                    a.out.weight);
    }

    @Test
    void detrTransformerHasDetrNamesAndShapes() {
        NnContext ctx = f64(6);
        DetrTransformer t = new DetrTransformer(ctx, TransformerLayerSpec.detr(8, 2, 16, 0.1), 2, 2);
        t.eval();
        Tensor out = t.forward(randn(ctx, 1, 3, 5, 8), null, randn(ctx, 2, 3, 1, 8));
        assertArrayEquals(new int[] {3, 1, 8}, out.shape());
        var names = t.namedParameters().keySet();
        for (String n : new String[] {
            "encoder.layers.1.self_attn.query.weight",
            "encoder.layers.0.linear1.bias",
            "decoder.layers.1.multihead_attn.out.weight",
            "decoder.layers.0.norm3.weight",
            "decoder.norm.bias"
        }) org.junit.jupiter.api.Assertions.assertTrue(names.contains(n), n + " in " + names);
        // decoder.norm normalises the output: each row has mean ~0 before the affine (weight 1, bias 0)
        double[] o = out.toDoubles();
        double mean = 0;
        for (int i = 0; i < 8; i++) mean += o[i] / 8;
        assertEquals(0, mean, 1e-9);
    }

    @Test
    void decoderLayerGradientsMatchCentralDifferences() {
        NnContext ctx = f64(8);
        for (boolean pre : new boolean[] {false, true}) {
            TransformerLayerSpec s =
                    new TransformerLayerSpec(4, 2, 6, 0.0, pre, !pre, true, 1e-5, 3, TransformerInit.MEDKLIP);
            TransformerDecoderLayer l = new TransformerDecoderLayer(ctx, s);
            Tensor x = randn(ctx, 1, 1, 3, 4).requiresGrad(true),
                    m = randn(ctx, 2, 1, 2, 3).requiresGrad(true);
            NnTesting.gradCheck(
                    pre ? "pre-norm decoder layer" : "post-norm decoder layer",
                    () -> l.forward(x, m, AttentionMask.causalOnly(), null, null, null, null),
                    x,
                    m,
                    l.selfAttn.value.weight,
                    l.crossAttn.key.weight,
                    l.linear1.weight,
                    l.norm3.bias);
        }
    }
}
