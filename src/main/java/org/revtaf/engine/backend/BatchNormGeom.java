package org.revtaf.engine.backend;

/**
 * Batch norm of x (n, c, hw) per channel: training (batch statistics, running stats updated with
 * momentum) or eval (running statistics); eps added to the variance. With {@code relu} the output
 * is max(0, norm(x)) (batch norm and the ReLU after it as one pass); its backward takes the
 * gradient of the ReLU's output.
 */
public record BatchNormGeom(int n, int c, int hw, boolean training, double momentum, double eps, boolean relu) {
    /** Without the ReLU. */
    public BatchNormGeom(int n, int c, int hw, boolean training, double momentum, double eps) {
        this(n, c, hw, training, momentum, eps, false);
    }
}
