package org.revtaf.engine.backend;

/**
 * Sizes and scalars of one scaled-dot-product attention call: q (b, h, n, d), k and v (b, h, s, d),
 * softmax scale, causal mask (key j visible to query i iff j <= i + (s - n)), dropout on the
 * probabilities ({@link DropoutMask#NONE} for none). One value, like a C struct in the kernel ABI.
 */
public record AttentionGeom(int b, int h, int n, int s, int d, double scale, boolean causal, DropoutMask drop) {}
