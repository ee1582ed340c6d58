package org.revtaf.learning.nn;

import org.revtaf.engine.tensor.Tensor;

/**
 * A trainable tensor of a module and whether weight decay applies to it. As in the reference
 * optimizer set-up, biases, norm weights and every tensor with fewer than two dimensions are not
 * decayed.
 */
public record Parameter(Tensor tensor, boolean decay) {}
