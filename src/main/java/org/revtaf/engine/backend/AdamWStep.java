package org.revtaf.engine.backend;

/**
 * The scalars of one AdamW step (PyTorch semantics, decoupled weight decay); step counts from 1.
 */
public record AdamWStep(double lr, double beta1, double beta2, double eps, double weightDecay, int step) {}
