package org.revtaf.engine.backend;

/**
 * Sizes and scalars of one batched log-domain Sinkhorn: cost (b, p, t), entropic eps, at most
 * maxIter iterations, stop when the mean |u change| is below tol. One value, like a C struct in the
 * kernel ABI; forward and backward take the same one.
 */
public record SinkhornGeom(int b, int p, int t, double eps, int maxIter, double tol) {}
