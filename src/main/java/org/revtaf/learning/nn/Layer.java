package org.revtaf.learning.nn;

import org.revtaf.engine.tensor.Tensor;

/** A module with one input and one output. */
public interface Layer {
    Tensor forward(Tensor x);
}
