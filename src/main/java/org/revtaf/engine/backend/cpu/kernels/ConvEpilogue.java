package org.revtaf.engine.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a conv forward applies to each finished output row (channel o): y = y * scale[o] + shift[o]
 * (+ residual at y's position) (max 0 with relu); a plain bias is scale null, shift = bias. Run on
 * rows just written, while they are in L1: a bias, an eval-mode batch norm folded into the conv,
 * a residual block's shortcut and ReLU, without another pass over memory.
 */
record ConvEpilogue(
        float[] scale, int scaleOff, float[] shift, int shiftOff, float[] residual, int resDelta, boolean relu) {
    private static final VectorSpecies<Float> S = Gemm.S;
    private static final int L = Gemm.L;

    /** y + bias[o] (bias at off). */
    static ConvEpilogue bias(float[] bias, int off) {
        return bias == null ? null : new ConvEpilogue(null, 0, bias, off, null, 0, false);
    }

    /**
     * y[at .. at+len) of channel o, in place. One loop per case, each a plain vector loop; a
     * multiply by 1 is skipped (not rounded differently: fma(y, 1, b) = y + b).
     */
    void apply(float[] y, int at, int len, int o) {
        float sc = scale == null ? 1f : scale[scaleOff + o], sh = shift == null ? 0f : shift[shiftOff + o];
        int i = 0;
        FloatVector vs = FloatVector.broadcast(S, sc), vb = FloatVector.broadcast(S, sh);
        if (residual != null && relu) {
            for (; i + L <= len; i += L)
                FloatVector.fromArray(S, y, at + i)
                        .fma(vs, vb)
                        .add(FloatVector.fromArray(S, residual, at + resDelta + i))
                        .max(0f)
                        .intoArray(y, at + i);
            for (; i < len; i++) y[at + i] = Math.max(Math.fma(y[at + i], sc, sh) + residual[at + resDelta + i], 0f);
        } else if (residual != null) {
            for (; i + L <= len; i += L)
                FloatVector.fromArray(S, y, at + i)
                        .fma(vs, vb)
                        .add(FloatVector.fromArray(S, residual, at + resDelta + i))
                        .intoArray(y, at + i);
            for (; i < len; i++) y[at + i] = Math.fma(y[at + i], sc, sh) + residual[at + resDelta + i];
        } else if (relu) {
            for (; i + L <= len; i += L)
                FloatVector.fromArray(S, y, at + i).fma(vs, vb).max(0f).intoArray(y, at + i);
            for (; i < len; i++) y[at + i] = Math.max(Math.fma(y[at + i], sc, sh), 0f);
        } else {
            for (; i + L <= len; i += L)
                FloatVector.fromArray(S, y, at + i).fma(vs, vb).intoArray(y, at + i);
            for (; i < len; i++) y[at + i] = Math.fma(y[at + i], sc, sh);
        }
    }
}
