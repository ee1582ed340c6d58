package org.revtaf.engine.backend;

/** Elementwise functions of two broadcast tensors. */
public enum BinaryOp {
    ADD,
    SUB,
    MUL,
    DIV,
    MAXIMUM,
    MINIMUM,
    /** 1 where a == b, else 0 (no gradient). */
    EQ,
    /** 1 where a >= b, else 0 (no gradient). */
    GE
}
