package org.revtaf.engine.backend;

import org.revtaf.engine.tensor.Tensor;

/**
 * The operands of one scaled-dot-product attention call ({@link FusedKernels#attention}), kept by
 * the op for its backward: out (b, h, n, d) and lse (b, h, n), written by the forward; q (b, h, n,
 * d), k and v (b, h, s, d); keyMask (b, s), float32 nonzero = valid, or null. Contiguous tensors.
 */
public record AttentionArgs(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor keyMask, AttentionGeom geom) {}
