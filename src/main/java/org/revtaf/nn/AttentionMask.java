package org.revtaf.nn;

import org.revtaf.ops.F;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Device;
import org.revtaf.tensor.Tensor;

/**
 * Additive attention-mask biases, added to the scores before the softmax: 0 where attending is
 * allowed and -10000 where it is not, as BERT and BLIP do ({@code (1 - mask) * -10000}). A fully
 * masked row therefore attends uniformly instead of producing NaN.
 */
public final class AttentionMask {
    /** The bias of a blocked position (BERT's value). */
    public static final double BLOCKED = -10000.0;

    private AttentionMask() {}

    /**
     * Key padding: {@code keep} (B, Tk) with 1 for real tokens and 0 for padding -> bias (B, 1, 1, Tk).
     */
    public static Tensor padding(Tensor keep, DType dtype) {
        int b = keep.shape(0), tk = keep.shape(1);
        double[] k = keep.toDoubles();
        double[] out = new double[k.length];
        for (int i = 0; i < k.length; i++) out[i] = k[i] != 0 ? 0.0 : BLOCKED;
        return Tensor.ofDoubles(keep.device(), dtype, out, b, 1, 1, tk);
    }

    /**
     * Causal: query i (of tq new positions following {@code tk - tq} cached ones) may see keys
     * 0..(tk - tq + i) -> bias (1, 1, tq, tk).
     */
    public static Tensor causal(Device device, DType dtype, int tq, int tk) {
        if (tq > tk) throw new IllegalArgumentException("causal mask: " + tq + " queries for " + tk + " keys");
        int past = tk - tq;
        double[] out = new double[tq * tk];
        for (int i = 0; i < tq; i++) for (int j = 0; j < tk; j++) out[i * tk + j] = j <= past + i ? 0.0 : BLOCKED;
        return Tensor.ofDoubles(device, dtype, out, 1, 1, tq, tk);
    }

    /**
     * Causal and key padding together -> bias (B, 1, tq, tk); a position blocked by either gets
     * {@link #BLOCKED} once (BLIP multiplies the two 0/1 masks). {@code keep} (B, tk) may be null.
     */
    public static Tensor causalPadding(Tensor keep, Device device, DType dtype, int tq, int tk) {
        Tensor c = causal(device, dtype, tq, tk);
        return keep == null ? c : F.minimum(c, padding(keep, dtype));
    }
}
