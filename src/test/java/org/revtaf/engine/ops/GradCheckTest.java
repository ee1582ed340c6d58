package org.revtaf.engine.ops;

import static org.revtaf.engine.ops.ConvOps.conv2d;
import static org.revtaf.engine.ops.ConvOps.conv2dUneven;
import static org.revtaf.engine.ops.GradCheck.check;
import static org.revtaf.engine.ops.GradCheck.longs;
import static org.revtaf.engine.ops.GradCheck.rand;
import static org.revtaf.engine.ops.GradCheck.uniform;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/** Finite-difference gradient checks of every differentiable op (reference backend, float64). */
class GradCheckTest {
    @Test
    void binaryOpsWithBroadcasting() {
        check("add", in -> F.add(in[0], in[1]), rand(1, 3, 1, 4), rand(2, 5, 1));
        check("sub", in -> F.sub(in[0], in[1]), rand(3, 2, 3), rand(4, 3));
        check("mul", in -> F.mul(in[0], in[1]), rand(5, 4, 1), rand(6, 1, 5));
        check("div", in -> F.div(in[0], in[1]), rand(7, 3, 4), uniform(8, 0.5, 2, 4));
        check("maximum", in -> F.maximum(in[0], in[1]), rand(9, 3, 4), rand(10, 3, 4));
        check("minimum", in -> F.minimum(in[0], in[1]), rand(11, 2, 5), rand(12, 5));
    }

    @Test
    void unaryOps() {
        check("neg", in -> F.neg(in[0]), rand(1, 7));
        check("exp", in -> F.exp(in[0]), rand(2, 3, 3));
        check("log", in -> F.log(in[0]), uniform(3, 0.2, 3, 6));
        check("sqrt", in -> F.sqrt(in[0]), uniform(4, 0.2, 3, 6));
        check("pow", in -> F.pow(in[0], 2.5), uniform(5, 0.2, 3, 6));
        check("pow-int", in -> F.pow(in[0], 3), rand(5, 6));
        check("abs", in -> F.abs(in[0]), awayFromZero(6, 8));
        check("clamp", in -> F.clamp(in[0], -0.5, 0.5), awayFrom(7, 10, -0.5, 0.5));
        check("relu", in -> F.relu(in[0]), awayFromZero(8, 9));
        check("gelu", in -> F.gelu(in[0]), uniform(9, -4, 4, 11));
        check(
                "gelu-tails",
                in -> F.gelu(in[0]),
                Tensor.ofDoubles(Device.REFERENCE, new double[] {-7, -3.2, -2.6, -2.4, 2.4, 2.6, 3.2, 7}, 8)
                        .requiresGrad(true));
        check("tanh", in -> F.tanh(in[0]), rand(10, 2, 4));
        check("sigmoid", in -> F.sigmoid(in[0]), uniform(11, -8, 8, 9));
        check("scale+shift", in -> F.addScalar(F.scale(in[0], -1.5), 0.25), rand(12, 5));
    }

    @Test
    void whereAndMaskedFill() {
        Tensor cond = Tensor.ofDoubles(Device.REFERENCE, new double[] {1, 0, 0, 1}, 4);
        check("where", in -> F.where(cond, in[0], in[1]), rand(1, 3, 4), rand(2, 4));
        Tensor mask = Tensor.ofLongs(Device.REFERENCE, new long[] {0, 1, 0}, 3, 1);
        check("masked_fill", in -> F.maskedFill(in[0], mask, -3.0), rand(3, 3, 5));
    }

    @Test
    void reductions() {
        check("sum-all", in -> F.sum(in[0], false), rand(1, 3, 4, 2));
        check("sum-mid", in -> F.sum(in[0], false, 1), rand(2, 3, 4, 2));
        check("sum-nonadjacent", in -> F.sum(in[0], true, 0, 2), rand(3, 3, 4, 2));
        check("mean", in -> F.mean(in[0], false, -1, 0), rand(4, 3, 5));
        check("max", in -> F.max(in[0], false, 1), rand(5, 4, 6));
        check("min", in -> F.min(in[0], true, 0, 2), rand(6, 3, 2, 4));
        check("logsumexp", in -> F.logsumexp(in[0], false, 1), rand(7, 3, 7));
        check("logsumexp-nonadjacent", in -> F.logsumexp(in[0], false, 0, 2), rand(8, 2, 3, 4));
        check("softmax-last", in -> F.softmax(in[0], -1), rand(9, 3, 5));
        check("softmax-axis0", in -> F.softmax(in[0], 0), rand(10, 4, 3));
        check("log_softmax", in -> F.logSoftmax(in[0], 1), rand(11, 2, 5, 3));
    }

    @Test
    void viewsAndLayout() {
        check("permute", in -> F.mul(F.permute(in[0], 2, 0, 1), in[1]), rand(1, 2, 3, 4), rand(2, 4, 2, 3));
        check("transpose+reshape", in -> F.reshape(F.transpose(in[0], 0, 1), 12), rand(3, 3, 4));
        check("slice", in -> F.slice(in[0], 1, 1, 4), rand(4, 2, 5));
        check("expand", in -> F.mul(F.expand(in[0], 3, 4), in[1]), rand(5, 1, 4), rand(6, 3, 4));
        check("unsqueeze+squeeze", in -> F.squeeze(F.unsqueeze(in[0], 1), 1), rand(7, 3, 2));
        check("to-and-back", in -> F.to(F.to(in[0], Device.CPU), Device.REFERENCE), rand(8, 3));
    }

    @Test
    void matmulAndLinear() {
        check("matmul-2d", in -> F.matmul(in[0], in[1]), rand(1, 3, 4), rand(2, 4, 5));
        check("matmul-batched", in -> F.matmul(in[0], in[1]), rand(3, 2, 3, 4), rand(4, 2, 4, 5));
        check("matmul-shared-b", in -> F.matmul(in[0], in[1]), rand(5, 2, 3, 4), rand(6, 4, 2));
        check("matmul-broadcast-batch", in -> F.matmul(in[0], in[1]), rand(7, 1, 3, 4), rand(8, 2, 4, 2));
        check("matmul-transposed-view", in -> F.matmul(F.transpose(in[0], 0, 1), in[1]), rand(9, 4, 3), rand(10, 4, 2));
        check("linear", in -> F.linear(in[0], in[1], in[2]), rand(11, 2, 3, 5), rand(12, 4, 5), rand(13, 4));
        check("linear-nobias", in -> F.linear(in[0], in[1], null), rand(14, 3, 5), rand(15, 2, 5));
    }

    @Test
    void convolutionAndPooling() {
        check("conv2d", conv2d(1, 1, 1, 1), rand(1, 2, 3, 5, 4), rand(2, 4, 3, 3, 3), rand(3, 4));
        check("conv2d-stride-dil", conv2dUneven(), rand(4, 1, 2, 7, 6), rand(5, 3, 2, 3, 2));
        check("conv2d-groups", conv2d(1, 0, 1, 2), rand(6, 2, 4, 4, 4), rand(7, 6, 2, 2, 2), rand(8, 6));
        check("max_pool2d", in -> F.maxPool2d(in[0], 3, 2, 1), rand(9, 2, 2, 5, 6));
        check("avg_pool2d", in -> F.avgPool2d(in[0], 3, 2, 1, true), rand(10, 1, 2, 5, 5));
        check("avg_pool2d-exclude-pad", in -> F.avgPool2d(in[0], 2, 1, 1, false), rand(11, 1, 2, 4, 3));
        check("adaptive_avg_pool2d", in -> F.adaptiveAvgPool2d(in[0], 3, 2), rand(12, 2, 2, 7, 5));
        check("bilinear-up", in -> F.bilinear(in[0], 7, 5, false), rand(13, 1, 2, 3, 4));
        check("bilinear-down-aligned", in -> F.bilinear(in[0], 3, 2, true), rand(14, 2, 1, 6, 5));
    }

    @Test
    void normalisation() {
        check("layer_norm", in -> F.layerNorm(in[0], in[1], in[2], 1e-5), rand(1, 3, 6), rand(2, 6), rand(3, 6));
        check("layer_norm-noaffine", in -> F.layerNorm(in[0], null, null, 1e-5), rand(4, 2, 2, 5));
        Tensor rm = Tensor.zeros(Device.REFERENCE, DType.FLOAT64, 3),
                rv = Tensor.full(Device.REFERENCE, DType.FLOAT64, 1, 3);
        batchNorm("batch_norm-train", true, false, false, rm, rv, 5);
        batchNorm("batch_norm-eval", false, false, false, rm, rv, 8);
        batchNorm("batch_norm_relu-train", true, false, true, rm, rv, 11);
        batchNorm("batch_norm_relu-eval", false, false, true, rm, rv, 14);
        batchNorm("batch_norm_add_relu-train", true, true, true, rm, rv, 17);
        batchNorm("batch_norm_add-eval", false, true, false, rm, rv, 21);
    }

    /**
     * Batch norm of x (2, 3, 2, 2) with weight and bias (3), in training or eval (running statistics
     * rm, rv), + a residual like x when {@code add}, then the ReLU when {@code relu}; inputs from
     * seeds seed, seed + 1, ...
     */
    private static void batchNorm(
            String name, boolean training, boolean add, boolean relu, Tensor rm, Tensor rv, int seed) {
        Tensor x = rand(seed, 2, 3, 2, 2), w = rand(seed + 1, 3), b = rand(seed + 2, 3);
        Tensor[] ins = add ? new Tensor[] {x, w, b, rand(seed + 3, 2, 3, 2, 2)} : new Tensor[] {x, w, b};
        Tensor m = training ? null : rm, v = training ? null : rv;
        check(name, in -> F.batchNorm2d(in[0], in[1], in[2], m, v, training, 0.1, 1e-5, add ? in[3] : null, relu), ins);
    }

    @Test
    void indexingAndJoining() {
        check("embedding", in -> F.embedding(in[0], longs(new long[] {2, 0, 2, 4, 1, 2}, 2, 3)), rand(1, 5, 3));
        check("index_select", in -> F.indexSelect(in[0], 1, longs(new long[] {3, 0, 3}, 3)), rand(2, 2, 4, 2));
        check("gather", in -> F.gather(in[0], 1, longs(new long[] {0, 2, 2, 1, 1, 0}, 3, 2)), rand(3, 3, 4));
        check("concat", in -> F.concat(1, in[0], in[1]), rand(4, 2, 3), rand(5, 2, 1));
        check("stack", in -> F.stack(0, in[0], in[1], in[2]), rand(6, 2, 2), rand(7, 2, 2), rand(8, 2, 2));
    }

    @Test
    void lossesAndComposites() {
        Tensor target = longs(new long[] {1, -100, 3, 0, 3}, 5);
        check("cross_entropy", in -> F.crossEntropy(in[0], target, -100, 0.0), rand(1, 5, 4));
        check("cross_entropy-smoothing", in -> F.crossEntropy(in[0], target, -100, 0.1), rand(2, 5, 4));
        check(
                "cross_entropy-3d",
                in -> F.crossEntropy(in[0], longs(new long[] {0, 2, 1, 2}, 2, 2), -100, 0.1),
                rand(3, 2, 2, 3));
        check("cosine_similarity", in -> F.cosineSimilarity(in[0], in[1], -1, 1e-8), rand(4, 3, 5), rand(5, 3, 5));
        check(
                "cosine_similarity-broadcast",
                in -> F.cosineSimilarity(in[0], in[1], 1, 1e-8),
                rand(6, 3, 4),
                rand(7, 1, 4));
        check("dropout", in -> F.dropout(in[0], 0.3, true, new Random(42)), rand(8, 4, 5));
    }

    private static Tensor awayFromZero(long seed, int n) {
        return awayFrom(seed, n, 0, 0);
    }

    /** Values at least 0.05 away from the kinks lo and hi. */
    private static Tensor awayFrom(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x;
            do x = r.nextGaussian();
            while (Math.abs(x - lo) < 0.05 || Math.abs(x - hi) < 0.05);
            v[i] = x;
        }
        return Tensor.ofDoubles(Device.REFERENCE, v, n).requiresGrad(true);
    }
}
