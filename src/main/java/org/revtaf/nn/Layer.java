package org.revtaf.nn;

import org.revtaf.tensor.Tensor;

/** A module with one input and one output. */
public interface Layer {
    Tensor forward(Tensor x);
}
