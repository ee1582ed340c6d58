package org.revtaf.kernels;

import org.junit.jupiter.api.Tag;

/** {@link OtAndOverlapKernelsTest} on a real GPU (tag cuda: run by benchmarks/gpu-check.sh). */
@Tag("cuda")
class OtAndOverlapKernelsCudaTest extends OtAndOverlapKernelsTest {
    @Override
    String device() {
        return "cuda";
    }
}
