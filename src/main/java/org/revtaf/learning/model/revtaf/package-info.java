/**
 * The REVTAF method (METHOD.md): the learnable retrieval enhancer in hyperbolic space and the
 * fine-grained visual-text alignment and fusion, built on {@code org.revtaf.learning.nn} and the
 * fused ops of {@code org.revtaf.engine.ops.F}.
 */
package org.revtaf.learning.model.revtaf;
