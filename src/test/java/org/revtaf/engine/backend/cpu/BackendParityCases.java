package org.revtaf.engine.backend.cpu;

import static org.revtaf.engine.backend.cpu.Parity.fixed;
import static org.revtaf.engine.backend.cpu.Parity.indices;
import static org.revtaf.engine.backend.cpu.Parity.randn;
import static org.revtaf.engine.backend.cpu.Parity.unif;
import static org.revtaf.engine.ops.ConvOps.conv2d;
import static org.revtaf.engine.ops.ConvOps.conv2dUneven;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.cpu.Parity.In;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * A float32 backend vs the reference backend for every op family at odd shapes (1, primes,
 * non-multiples of the vector width), forward and backward: run for cpu ({@link CpuParityTest}) and
 * for cuda-emu (backend/cuda/CudaParityTest).
 */
public abstract class BackendParityCases {
    /** The device under test. */
    protected abstract Device device();

    private void check(String name, Function<Tensor[], Tensor> f, In... ins) {
        Parity.check(device(), name, f, ins);
    }

    private void check(String name, double atol, double rtol, Function<Tensor[], Tensor> f, In... ins) {
        Parity.check(device(), name, atol, rtol, f, ins);
    }

    /** Ops that sum many products (matmul, conv, norms): atol = rtol = 1e-4. */
    private void checkAcc(String name, Function<Tensor[], Tensor> f, In... ins) {
        check(name, 1e-4, 1e-4, f, ins);
    }

    @Test
    public void elementwise() {
        for (int n : new int[] {1, 7, 17, 33, 1000}) {
            check("add" + n, in -> F.add(in[0], in[1]), randn(1, 3, n), randn(2, 3, n));
            check("mul-bcast" + n, in -> F.mul(in[0], in[1]), randn(3, 5, n), randn(4, n));
            check("sub-col" + n, in -> F.sub(in[0], in[1]), randn(5, 2, n, 3), randn(6, 2, n, 1));
            check("div" + n, in -> F.div(in[0], in[1]), randn(7, n), unif(8, 0.5, 2, n));
            // a broadcast left operand (column stride 0) over rows longer than a vector, and the comparisons
            check("col-sub" + n, in -> F.sub(in[0], in[1]), randn(19, 3, 1), randn(20, 3, n));
            check(
                    "ge-eq-bcast" + n,
                    in -> F.add(F.mul(F.ge(in[0], in[1]), in[0]), F.eq(in[1], in[1])),
                    randn(21, 2, n),
                    randn(22, 2, 1));
            check(
                    "max-min" + n,
                    in -> F.add(F.maximum(in[0], in[1]), F.minimum(in[0], in[1])),
                    randn(9, n),
                    randn(10, n));
            check(
                    "exp-log-sqrt" + n,
                    in -> F.add(F.exp(in[0]), F.add(F.log(in[1]), F.sqrt(in[1]))),
                    randn(11, n),
                    unif(12, 0.1, 3, n));
            check(
                    "act" + n,
                    in -> F.add(F.add(F.relu(in[0]), F.gelu(in[0])), F.add(F.tanh(in[0]), F.sigmoid(in[0]))),
                    randn(13, 2, n));
            check(
                    "pow-abs-clamp-affine" + n,
                    in -> F.add(
                            F.add(F.pow(in[1], 1.7), F.abs(in[0])),
                            F.addScalar(F.scale(F.clamp(in[0], -0.3, 0.4), 3), 1)),
                    randn(14, n),
                    unif(15, 0.1, 2, n));
        }
        check(
                "where",
                in -> F.where(in[2], in[0], in[1]),
                randn(16, 3, 17),
                randn(17, 17),
                fixed(new double[] {1, 0, 1}, 3, 1));
        check(
                "masked_fill",
                in -> F.maskedFill(in[0], in[1], -2.5),
                randn(18, 5, 13),
                fixed(new double[] {0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1}, 13));
        check(
                "where-int-cond",
                in -> F.where(in[2], in[0], in[1]),
                randn(21, 4, 9),
                randn(22, 4, 9),
                Parity.longs(new long[] {1, 0, 0, 1}, 4, 1));
        check("transposed-add", in -> F.add(F.transpose(in[0], 0, 1), in[1]), randn(19, 19, 7), randn(20, 7, 19));
    }

    @Test
    public void reductionsAndSoftmax() {
        for (int n : new int[] {1, 13, 37}) {
            check("sum-last" + n, in -> F.sum(in[0], false, -1), randn(1, 5, n));
            check("sum-mid" + n, in -> F.sum(in[0], true, 1), randn(2, 3, n, 7));
            check("sum-nonadj" + n, in -> F.sum(in[0], false, 0, 2), randn(3, 3, n, 5));
            check("mean-all" + n, in -> F.mean(in[0], false), randn(4, 3, n));
            check("max" + n, in -> F.max(in[0], false, -1), randn(5, 4, n));
            check("min-mid" + n, in -> F.min(in[0], false, 0), randn(6, 3, n));
            check("logsumexp" + n, in -> F.logsumexp(in[0], false, -1), randn(7, 6, n));
            check("logsumexp-mid" + n, in -> F.logsumexp(in[0], true, 1), randn(8, 2, n, 3));
            check("argmax" + n, in -> F.argmax(in[0], -1, false), randn(9, 3, n));
            check("argmin-mid" + n, in -> F.argmin(in[0], 0, true), randn(10, 5, n));
            check("softmax" + n, in -> F.softmax(in[0], -1), randn(11, 7, n));
            check("log_softmax" + n, in -> F.logSoftmax(in[0], -1), randn(12, 7, n));
            check("softmax-axis0" + n, in -> F.softmax(in[0], 0), randn(13, 5, n));
            check("log_softmax-mid" + n, in -> F.logSoftmax(in[0], 1), randn(14, 3, n, 5));
        }
    }

    @Test
    public void matmulAndLinear() {
        checkAcc("matmul", in -> F.matmul(in[0], in[1]), randn(1, 37, 19), randn(2, 19, 23));
        check("matmul-1", in -> F.matmul(in[0], in[1]), randn(3, 1, 1), randn(4, 1, 1));
        checkAcc("matmul-batched", in -> F.matmul(in[0], in[1]), randn(5, 3, 17, 13), randn(6, 3, 13, 31));
        checkAcc("matmul-shared", in -> F.matmul(in[0], in[1]), randn(7, 2, 5, 33), randn(8, 33, 7));
        check("matmul-big", 1e-3, 1e-4, in -> F.matmul(in[0], in[1]), randn(9, 67, 131), randn(10, 131, 45));
        checkAcc("linear", in -> F.linear(in[0], in[1], in[2]), randn(11, 3, 7, 29), randn(12, 17, 29), randn(13, 17));
    }

    @Test
    public void convolutionPoolingResize() {
        checkAcc("conv2d", conv2d(1, 1, 1, 1), randn(1, 2, 3, 13, 11), randn(2, 5, 3, 3, 3), randn(3, 5));
        checkAcc("conv2d-s2-d2", conv2dUneven(), randn(4, 1, 4, 17, 9), randn(5, 7, 4, 3, 2));
        checkAcc("conv2d-groups", conv2d(2, 0, 1, 3), randn(6, 2, 6, 9, 9), randn(7, 9, 2, 3, 3), randn(8, 9));
        checkAcc("conv2d-1x1", conv2d(1, 0, 1, 1), randn(9, 1, 17, 5, 7), randn(10, 3, 17, 1, 1));
        check("max_pool2d", in -> F.maxPool2d(in[0], 3, 2, 1), randn(11, 2, 3, 13, 11));
        check("avg_pool2d", in -> F.avgPool2d(in[0], 3, 2, 1, true), randn(12, 2, 3, 13, 11));
        check("avg_pool2d-excl", in -> F.avgPool2d(in[0], 2, 1, 1, false), randn(13, 1, 2, 7, 5));
        check("adaptive", in -> F.adaptiveAvgPool2d(in[0], 3, 5), randn(14, 2, 3, 13, 11));
        check("bilinear-up", in -> F.bilinear(in[0], 17, 9, false), randn(15, 2, 3, 7, 5));
        check("bilinear-down-aligned", in -> F.bilinear(in[0], 3, 4, true), randn(16, 1, 2, 13, 11));
    }

    @Test
    public void normalisation() {
        for (int d : new int[] {1, 7, 33}) {
            checkAcc(
                    "layer_norm" + d,
                    in -> F.layerNorm(in[0], in[1], in[2], 1e-5),
                    randn(1, 5, d),
                    randn(2, d),
                    randn(3, d));
        }
        checkAcc("layer_norm-noaffine", in -> F.layerNorm(in[0], null, null, 1e-5), randn(4, 3, 2, 19));
        batchNorm("batch_norm-train", true, false, false, 5);
        batchNorm("batch_norm-eval", false, false, false, 8);
        batchNorm("batch_norm_relu-train", true, false, true, 11);
        batchNorm("batch_norm_relu-eval", false, false, true, 14);
        batchNorm("batch_norm_add_relu-train", true, true, true, 17);
        batchNorm("batch_norm_add-eval", false, true, false, 21);
    }

    /**
     * Batch norm of x with weight and bias (5): in training x (3, 5, 7, 3), in eval x (2, 5, 3, 7) with fixed
     * running statistics (the variance through abs); + a residual like x when {@code add}, then the ReLU when
     * {@code relu}; random inputs from seeds seed, seed + 1, seed + 2 and (the residual) seed + 3.
     */
    private void batchNorm(String name, boolean training, boolean add, boolean relu, int seed) {
        int[] shape = training ? new int[] {3, 5, 7, 3} : new int[] {2, 5, 3, 7};
        List<In> ins = new ArrayList<>(List.of(randn(seed, shape), randn(seed + 1, 5), randn(seed + 2, 5)));
        if (!training) {
            ins.add(fixed(new double[] {0.1, -0.2, 0.3, 0, 1}, 5));
            ins.add(fixed(new double[] {1, 0.5, 2, 0.7, 1.3}, 5));
        }
        if (add) ins.add(randn(seed + 3, shape));
        int residual = ins.size() - 1;
        checkAcc(
                name,
                in -> F.batchNorm2d(
                        in[0],
                        in[1],
                        in[2],
                        training ? null : in[3],
                        training ? null : F.abs(in[4]),
                        training,
                        0.1,
                        1e-5,
                        add ? in[residual] : null,
                        relu),
                ins.toArray(In[]::new));
    }

    @Test
    public void indexingJoiningLosses() {
        check("embedding", in -> F.embedding(in[0], in[1]), randn(1, 31, 17), indices(2, 31, 3, 7));
        check("index_select", in -> F.indexSelect(in[0], 1, in[1]), randn(3, 3, 13, 5), indices(4, 13, 11));
        check("gather", in -> F.gather(in[0], 1, in[1]), randn(5, 7, 13), indices(6, 13, 7, 5));
        check("concat", in -> F.concat(1, in[0], in[1]), randn(7, 3, 5, 2), randn(8, 3, 1, 2));
        check("stack", in -> F.stack(2, in[0], in[1]), randn(9, 3, 7), randn(10, 3, 7));
        check(
                "cross_entropy",
                in -> F.crossEntropy(in[0], in[1], 3, 0.1),
                randn(11, 2, 13, 37),
                indices(12, 37, 2, 13));
        check("cosine", in -> F.cosineSimilarity(in[0], in[1], -1, 1e-8), randn(13, 7, 19), randn(14, 7, 19));
        check("dropout", in -> F.dropout(in[0], 0.3, true, new Random(3)), randn(15, 5, 17));
        check(
                "permute-slice-expand",
                in -> F.mul(F.slice(F.permute(in[0], 1, 0), 0, 1, 6), F.expand(in[1], 5, 7)),
                randn(16, 7, 9),
                randn(17, 1, 7));
    }
}
