package org.revtaf.engine.backend;

/**
 * Elementwise functions of one tensor. Scalars a and b: POW exponent a; CLAMP bounds [a, b]
 * (use infinities for a missing bound); AFFINE a*x + b. GELU is the exact erf form.
 */
public enum UnaryOp {
    NEG,
    EXP,
    LOG,
    SQRT,
    ABS,
    RELU,
    GELU,
    TANH,
    SIGMOID,
    POW,
    CLAMP,
    AFFINE
}
