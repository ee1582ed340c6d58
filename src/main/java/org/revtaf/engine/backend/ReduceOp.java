package org.revtaf.engine.backend;

/** Reductions along the middle axis of an (outer, n, inner) layout. ARGMAX/ARGMIN write int64. */
public enum ReduceOp {
    SUM,
    MAX,
    MIN,
    LOGSUMEXP,
    ARGMAX,
    ARGMIN
}
