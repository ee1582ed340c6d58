package org.revtaf.kernels;

import org.junit.jupiter.api.Tag;

/** {@link HyperbolicKernelsTest} on a real GPU (tag cuda: run by benchmarks/gpu-check.sh). */
@Tag("cuda")
class HyperbolicKernelsCudaTest extends HyperbolicKernelsTest {
    @Override
    String device() {
        return "cuda";
    }
}
