package org.revtaf.learning.nn;

import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;

/**
 * Projected keys and values kept between decoding steps: k, v (B, H, T, dh). A self-attention
 * cache grows by the new positions each step; a cross-attention cache is filled once from the
 * memory and reused ({@code fixed}).
 */
public final class KvCache {
    private final boolean fixed;
    private Tensor k, v;

    private KvCache(boolean fixed) {
        this.fixed = fixed;
    }

    /** A cache for causal self-attention (appends). */
    public static KvCache growing() {
        return new KvCache(false);
    }

    /** A cache for cross-attention (computed from the memory on first use). */
    public static KvCache fixed() {
        return new KvCache(true);
    }

    public boolean isFixed() {
        return fixed;
    }

    public boolean isEmpty() {
        return k == null;
    }

    /** Cached length T (0 when empty). */
    public int length() {
        return k == null ? 0 : k.shape(2);
    }

    public Tensor keys() {
        return k;
    }

    public Tensor values() {
        return v;
    }

    /** Appends (or, for a fixed cache, stores) new keys and values; returns the full ones. */
    void update(Tensor newK, Tensor newV) {
        if (k == null || fixed) {
            k = newK;
            v = newV;
        } else {
            k = F.concat(2, k, newK);
            v = F.concat(2, v, newV);
        }
    }

    /** Keeps the batch rows {@code idx} (int64 (B')), e.g. after a beam-search step. */
    public void reorder(Tensor idx) {
        if (k == null) return;
        k = F.indexSelect(k, 0, idx);
        v = F.indexSelect(v, 0, idx);
    }
}
