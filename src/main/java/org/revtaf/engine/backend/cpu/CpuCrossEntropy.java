package org.revtaf.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.revtaf.engine.backend.CrossEntropyArgs;
import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.backend.cpu.kernels.VecMath;
import org.revtaf.engine.tensor.Tensor;

/**
 * float32 cross-entropy with label smoothing and an ignore index (the contract of {@code
 * ReduceKernels.crossEntropy}): rows in parallel, each a Vector API pass for max, sum exp(x - max)
 * and sum x; the mean over counted rows in double. Backward writes softmax minus the smoothed one-hot
 * per row from the saved lse.
 */
final class CpuCrossEntropy {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CpuCrossEntropy() {}

    private static int grain(int c) {
        return Math.max(1, 8192 / Math.max(1, c));
    }

    // logits, dlogits: (rows, c); lse, rowLoss, target: (rows); loss: (2) = [mean, count]
    static void forward(CrossEntropyArgs a) {
        int rows = a.rows(), c = a.c();
        float[] x = a.logits().f32(), l = a.lse().f32(), per = a.rowLoss().f32();
        int xo = a.logits().offset(), lo = a.lse().offset(), po = a.rowLoss().offset();
        float smooth = (float) a.smoothing();
        Parallel.range(rows, grain(c), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int b = xo + r * c;
                float[] ms = row(x, b, c); // max, sum exp(x - max), sum x
                float lr = ms[0] + (float) Math.log(ms[1]);
                l[lo + r] = lr;
                int t = a.hostTarget(r);
                per[po + r] = t < 0 ? 0f : (1f - smooth) * (lr - x[b + t]) + smooth * (lr - ms[2] / c);
            }
        });
        double sum = 0;
        int count = 0;
        for (int r = 0; r < rows; r++) {
            if (a.hostTarget(r) < 0) continue;
            sum += per[po + r];
            count++;
        }
        float[] out = a.loss().f32();
        out[a.loss().offset()] = (float) (sum / Math.max(count, 1));
        out[a.loss().offset() + 1] = count;
    }

    /** {max, sum exp(x - max), sum x} of row x[b, b + c). */
    private static float[] row(float[] x, int b, int c) {
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), vx = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= c; j += L) {
            FloatVector v = FloatVector.fromArray(S, x, b + j);
            vmax = vmax.max(v);
            vx = vx.add(v);
        }
        float max = vmax.reduceLanes(VectorOperators.MAX), sx = VecMath.sum(vx);
        for (int k = j; k < c; k++) {
            max = Math.max(max, x[b + k]);
            sx += x[b + k];
        }
        FloatVector vsum = FloatVector.zero(S);
        for (j = 0; j < c; j += L) {
            VectorMask<Float> m = S.indexInRange(j, c);
            vsum = vsum.add(VecMath.exp(FloatVector.fromArray(S, x, b + j, m).sub(max)), m);
        }
        return new float[] {max, VecMath.sum(vsum), sx};
    }

    static void backward(Tensor dlogits, Tensor dloss, CrossEntropyArgs a) {
        int rows = a.rows(), c = a.c();
        float[] x = a.logits().f32(), l = a.lse().f32(), d = dlogits.f32();
        int xo = a.logits().offset(), lo = a.lse().offset(), dO = dlogits.offset();
        Tensor loss = a.loss();
        float g = (float) (dloss.f32()[dloss.offset()] / Math.max(loss.f32()[loss.offset() + 1], 1.0));
        float off = (float) (g * a.smoothing() / c), hit = (float) (g * (1 - a.smoothing()));
        Parallel.range(rows, grain(c), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int b = xo + r * c, db = dO + r * c, t = a.hostTarget(r);
                if (t < 0) {
                    java.util.Arrays.fill(d, db, db + c, 0f);
                    continue;
                }
                float lr = l[lo + r];
                for (int j = 0; j < c; j += L) { // g softmax - g s / c
                    VectorMask<Float> m = S.indexInRange(j, c);
                    VecMath.exp(FloatVector.fromArray(S, x, b + j, m).sub(lr))
                            .mul(g)
                            .sub(off)
                            .intoArray(d, db + j, m);
                }
                d[db + t] -= hit;
            }
        });
    }
}
