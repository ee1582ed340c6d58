package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * The Fine-grained Cross-modal Consistency loss (paper Eq. 12-14, METHOD.md section 3): text
 * prompts with similar meaning should attend to the same image regions.
 *
 * <pre>
 * S = sigmoid(cos(tg_n, tl_m))                        (B, N, M), tg/tl the projected GRPs/LRPs
 * maps Mg (B, N, P), Ml (B, M, P); resolution R > 0: bilinear (align_corners false) to R x R first
 * soft: per-map min-max to [0, 1], O = sum_p min(Mg_n, Ml_m) / (sum_p max(Mg_n, Ml_m) + 1e-8)
 * hard: global min-max of each map set, binarise at the threshold, O = binary IoU (no gradient)
 * L_fcc = mean over valid (b, n, m) of (1 - S * O)    (n valid where grp_mask is 1)
 * </pre>
 *
 * The soft loss is differentiable in the maps (and so in the transport and the projections); the
 * hard loss (the released code) passes gradient only through S. S is computed on the projected
 * text features, as the released code does, so that it has a gradient in both modes. Min-max
 * normalisation divides by (max - min + 1e-6) as the released code.
 */
public final class FccLoss {
    private FccLoss() {}

    /** Added to max - min in the min-max normalisation. */
    public static final double RANGE_EPS = 1e-6;

    /**
     * @param mapsG (B, N, P) GRP maps, mapsL (B, M, P) LRP maps, P = gridH * gridW
     * @param textG (B, N, d), textL (B, M, d) projected text prompts
     * @param grpMask (B, N) 1 valid / 0 padding, or null
     * @return the scalar loss (0 when no sentence is valid)
     */
    public static Tensor loss(
            RevtafConfig.Fcc cfg,
            Tensor mapsG,
            Tensor mapsL,
            Tensor textG,
            Tensor textL,
            Tensor grpMask,
            int gridH,
            int gridW) {
        int b = mapsG.shape(0), n = mapsG.shape(1), m = mapsL.shape(1), p = mapsG.shape(2);
        if (p != gridH * gridW || mapsL.shape(2) != p || mapsL.shape(0) != b)
            throw new RevtafException("fcc: maps " + java.util.Arrays.toString(mapsG.shape()) + " and "
                    + java.util.Arrays.toString(mapsL.shape()) + " do not fit a " + gridH + "x" + gridW + " grid");
        Tensor s = F.sigmoid(SinkhornAttention.normalize(textG)
                .matmul(SinkhornAttention.normalize(textL).transpose(1, 2))); // (B, N, M)
        Tensor g = upsample(mapsG, cfg.resolution(), gridH, gridW);
        Tensor l = upsample(mapsL, cfg.resolution(), gridH, gridW);
        Tensor valid = grpMask == null ? null : validSentences(grpMask, b, n, mapsG.dtype()); // (B, N, 1) or null
        Tensor overlap = switch (cfg.mode()) {
            case SOFT -> F.softIou(minMaxPerMap(g), minMaxPerMap(l));
            case HARD -> F.softIou(binarise(g, valid, cfg.threshold()), binarise(l, null, cfg.threshold()));
        };
        Tensor per = s.mul(overlap).neg().add(1.0); // (B, N, M)
        if (valid == null) return per.sum().mul(1.0 / ((double) b * n * m));
        // the mean over valid (b, n, m), counted on the device: 1 / max(count, 1) times the sum, so no
        // valid sentence gives 0 (with a zero gradient) without the host reading the mask
        Tensor count = F.clamp(F.sum(valid, false).mul(m), 1, Double.POSITIVE_INFINITY); // ()
        Tensor inv = F.div(Tensor.ones(count.device(), count.dtype()), count);
        return per.mul(valid).sum().mul(inv); // zero at padded sentences
    }

    /** (B, K, P) -> (B, K, R*R) by bilinear resizing of the h x w maps; R = 0 leaves them. */
    static Tensor upsample(Tensor maps, int r, int h, int w) {
        if (r == 0) return maps;
        int b = maps.shape(0), k = maps.shape(1);
        return F.bilinear(maps.reshape(b, k, h, w), r, r, false).reshape(b, k, r * r);
    }

    /** Each map (last axis) to [0, 1]: (x - min) / (max - min + 1e-6). */
    static Tensor minMaxPerMap(Tensor maps) {
        Tensor mn = F.min(maps, true, 2), mx = F.max(maps, true, 2);
        return maps.sub(mn).div(mx.sub(mn).add(RANGE_EPS));
    }

    /**
     * The released code's hard maps (constants): min-max with the min and max over all valid maps of
     * the set, then 1 where the value is at least the threshold (all 0 when no map is valid).
     * Computed on the maps' device in their dtype, without gradient.
     *
     * @param maps (B, K, P)
     * @param valid (B, K, 1) 1 for maps that count, or null (all)
     */
    static Tensor binarise(Tensor maps, Tensor valid, double threshold) {
        Tensor x = maps.detach();
        Device d = x.device();
        Tensor lo = x, hi = x;
        if (valid != null) { // invalid maps take no part in the min and max
            lo = F.where(valid, x, Tensor.full(d, x.dtype(), Double.POSITIVE_INFINITY));
            hi = F.where(valid, x, Tensor.full(d, x.dtype(), Double.NEGATIVE_INFINITY));
        }
        Tensor mn = F.min(lo, false), mx = F.max(hi, false); // () each
        Tensor scaled = F.div(x.sub(mn), mx.sub(mn).add(RANGE_EPS)); // NaN everywhere when none is valid
        return F.ge(scaled, Tensor.full(d, x.dtype(), threshold)); // NaN >= t is 0
    }

    /** (B, N, 1): 1 where the sentence mask is nonzero, else 0, on the mask's device. */
    private static Tensor validSentences(Tensor grpMask, int b, int n, DType dtype) {
        if (grpMask.rank() != 2 || grpMask.shape(0) != b || grpMask.shape(1) != n)
            throw new RevtafException("fcc: grp mask " + java.util.Arrays.toString(grpMask.shape()) + " should be [" + b
                    + ", " + n + "]");
        return OnDevice.nonZero(grpMask, dtype).reshape(b, n, 1);
    }
}
