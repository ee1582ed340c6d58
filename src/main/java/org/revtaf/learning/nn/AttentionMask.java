package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * Which keys a query may attend to: key padding ({@code keep} (B, Tk), 1 for real tokens, 0 for
 * padding; null for none) and/or causality (query i of Tq new positions following Tk - Tq cached
 * ones sees keys 0..Tk - Tq + i). The fused attention op takes this form directly; the composite
 * path turns it into an additive bias with -10000 at blocked positions, as BERT and BLIP do
 * ({@code (1 - mask) * -10000}, causal and padding multiplied first, so a position blocked by both
 * gets -10000 once).
 */
public record AttentionMask(Tensor keep, boolean causal) {
    /** The bias of a blocked position (BERT's value). */
    public static final double BLOCKED = -10000.0;

    public static final AttentionMask NONE = new AttentionMask(null, false);

    public static AttentionMask padding(Tensor keep) {
        return new AttentionMask(keep, false);
    }

    public static AttentionMask causalOnly() {
        return new AttentionMask(null, true);
    }

    public static AttentionMask causalPadding(Tensor keep) {
        return new AttentionMask(keep, true);
    }

    /** A null mask means no mask. */
    public static AttentionMask orNone(AttentionMask m) {
        return m == null ? NONE : m;
    }

    public boolean isNone() {
        return keep == null && !causal;
    }

    /** The additive bias (B or 1, 1, tq or 1, tk), or null when nothing is blocked. */
    public Tensor bias(Device device, DType dtype, int tq, int tk) {
        Tensor pad = keep == null ? null : paddingBias(keep, dtype);
        if (!causal) return pad;
        Tensor c = causalBias(device, dtype, tq, tk);
        return pad == null ? c : F.minimum(c, pad);
    }

    /** keep (B, Tk) -> bias (B, 1, 1, Tk). */
    static Tensor paddingBias(Tensor keep, DType dtype) {
        int b = keep.shape(0), tk = keep.shape(1);
        double[] k = keep.toDoubles();
        double[] out = new double[k.length];
        for (int i = 0; i < k.length; i++) out[i] = k[i] != 0 ? 0.0 : BLOCKED;
        return Tensor.ofDoubles(keep.device(), dtype, out, b, 1, 1, tk);
    }

    /** bias (1, 1, tq, tk) for tq queries following tk - tq cached positions. */
    static Tensor causalBias(Device device, DType dtype, int tq, int tk) {
        if (tq > tk) throw new IllegalArgumentException("causal mask: " + tq + " queries for " + tk + " keys");
        int past = tk - tq;
        double[] out = new double[tq * tk];
        for (int i = 0; i < tq; i++) for (int j = 0; j < tk; j++) out[i * tk + j] = j <= past + i ? 0.0 : BLOCKED;
        return Tensor.ofDoubles(device, dtype, out, 1, 1, tq, tk);
    }
}
