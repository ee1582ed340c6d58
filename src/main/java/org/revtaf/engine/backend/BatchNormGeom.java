package org.revtaf.engine.backend;

/**
 * Batch norm of x (n, c, hw) per channel: training (batch statistics, running stats updated with
 * momentum) or eval (running statistics); eps added to the variance.
 */
public record BatchNormGeom(int n, int c, int hw, boolean training, double momentum, double eps) {}
