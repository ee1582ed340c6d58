package org.revtaf.engine.backend;

/**
 * Which Poincare row map: out = s(|x|) * x row by row (formulas: {@link PoincareScalar}). The
 * ordinal is the C ABI's {@code op} argument of rt_poincare_map_fwd/bwd.
 */
public enum RowMap {
    EXPMAP0,
    LOGMAP0,
    PROJ
}
