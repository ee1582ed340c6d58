package org.revtaf.engine.backend;

/**
 * The scalars of one AdamW step (PyTorch semantics, decoupled weight decay); step counts from 1.
 */
public record AdamWStep(double lr, double beta1, double beta2, double eps, double weightDecay, int step) {
    /** 1 - beta1^step: the first moment's bias correction. */
    public double biasCorrection1() {
        return 1 - Math.pow(beta1, step);
    }

    /** 1 - beta2^step: the second moment's bias correction. */
    public double biasCorrection2() {
        return 1 - Math.pow(beta2, step);
    }
}
