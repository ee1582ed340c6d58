package org.revtaf.engine.kernels;

import org.junit.jupiter.api.Tag;

/** {@link KernelParityTest} on a real GPU (tag cuda: excluded by default, run by benchmarks/gpu-check.sh). */
@Tag("cuda")
class KernelParityCudaTest extends KernelParityTest {
    @Override
    String device() {
        return "cuda";
    }
}
