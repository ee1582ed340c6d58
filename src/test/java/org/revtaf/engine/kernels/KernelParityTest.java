package org.revtaf.engine.kernels;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.revtaf.engine.bindings.RevtafKernels;

/**
 * Every CUDA kernel (forward and backward, every version, odd shapes) against the double references
 * of org.revtaf.engine.backend.reference, on device {@link #device()}: {@code cuda-emu} (the same .cu files
 * under host emulation) in every build; {@link KernelParityCudaTest} runs the same on a GPU. The
 * checks themselves are plain methods ({@link ElementwiseParity}, {@link HyperbolicParity}, {@link
 * OtOverlapParity}, {@link AttentionParity}); on a GPU machine without Java, benchmarks/gpu-check.sh runs the
 * same kind of checks from the reference data of {@link GpuCheckFixtures}.
 */
class KernelParityTest {
    String device() {
        return "cuda-emu";
    }

    RevtafKernels k() {
        return RevtafKernels.forDevice(device());
    }

    @Test
    void ge() {
        ElementwiseParity.geMatchesReference(k());
    }

    @Test
    void mobiusAdd() {
        HyperbolicParity.mobiusAddForwardAndBackward(k());
    }

    @Test
    void expmap0Logmap0Proj() {
        HyperbolicParity.expmapLogmapProjForwardAndBackward(k());
    }

    @Test
    void mobiusMatvec() {
        HyperbolicParity.mobiusMatvecForwardAndBackward(k());
    }

    @Test
    void poincareDistance() {
        HyperbolicParity.pairwiseDistanceForwardAndBackward(k());
    }

    @Test
    void sinkhornForward() {
        OtOverlapParity.sinkhornConvergesOnDeviceAndMatchesReference(k());
    }

    @Test
    void sinkhornBackward() {
        OtOverlapParity.sinkhornBackwardMatchesReference(k());
    }

    @Test
    void softIou() {
        OtOverlapParity.softIouForwardAndBackward(k());
        OtOverlapParity.softIouOfEmptyMapsIsZero(k());
    }

    static Stream<Arguments> attentionCases() {
        return Arrays.stream(AttentionParity.CASES).map(Arguments::of);
    }

    @ParameterizedTest(name = "d={0} causal={1} n={2} s={3}")
    @MethodSource("attentionCases")
    void attention(int d, boolean causal, int n, int s) {
        AttentionParity.forwardAndBackwardMatchReference(k(), d, causal, n, s);
    }
}
