package org.revtaf.kernels;

import org.junit.jupiter.api.Tag;

/** {@link AttentionKernelTest} on a real GPU (tag cuda: run by benchmarks/gpu-check.sh). */
@Tag("cuda")
class AttentionKernelCudaTest extends AttentionKernelTest {
    @Override
    String device() {
        return "cuda";
    }
}
