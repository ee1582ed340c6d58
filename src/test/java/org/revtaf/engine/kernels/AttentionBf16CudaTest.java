package org.revtaf.engine.kernels;

import org.junit.jupiter.api.Tag;

/**
 * {@link AttentionBf16Test} on a real GPU (tag cuda: excluded by default, run by benchmarks/gpu-check.sh).
 * Its bit-for-bit comparison of the bf16-input and fp32-input versions holds there as well when nvcc
 * compiles the two instantiations' softmax alike (the same expressions, no fast-math): the operands
 * handed to the tensor cores are the same bits. No GPU has run it yet.
 */
@Tag("cuda")
class AttentionBf16CudaTest extends AttentionBf16Test {
    @Override
    String device() {
        return "cuda";
    }
}
