package org.revtaf.engine.kernels;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
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

    /** The parity check of every kernel family but attention, by name. */
    static Stream<Arguments> families() {
        return Stream.of(
                named("ge", ElementwiseParity::geMatchesReference),
                named("mobiusAdd", HyperbolicParity::mobiusAddForwardAndBackward),
                named("expmap0Logmap0Proj", HyperbolicParity::expmapLogmapProjForwardAndBackward),
                named("mobiusMatvec", HyperbolicParity::mobiusMatvecForwardAndBackward),
                named("poincareDistance", HyperbolicParity::pairwiseDistanceForwardAndBackward),
                named("sinkhornForward", OtOverlapParity::sinkhornConvergesOnDeviceAndMatchesReference),
                named("sinkhornBackward", OtOverlapParity::sinkhornBackwardMatchesReference),
                named("softIou", k -> {
                    OtOverlapParity.softIouForwardAndBackward(k);
                    OtOverlapParity.softIouOfEmptyMapsIsZero(k);
                }));
    }

    private static Arguments named(String name, Consumer<RevtafKernels> check) {
        return Arguments.of(name, check);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void family(String name, Consumer<RevtafKernels> check) {
        check.accept(k());
    }

    static Stream<Arguments> attentionCases() {
        return Arrays.stream(AttentionParity.CASES).map(Arguments::of);
    }

    @ParameterizedTest(name = "d={0} causal={1} n={2} s={3}")
    @MethodSource("attentionCases")
    void attention(int d, boolean causal, int n, int s) {
        AttentionParity.forwardAndBackwardMatchReference(k(), d, causal, n, s);
    }

    static Stream<Arguments> attentionBackwardCases() {
        return Arrays.stream(AttentionParity.BACKWARD_CASES).map(Arguments::of);
    }

    @ParameterizedTest(name = "d={0} causal={1} n={2} s={3}")
    @MethodSource("attentionBackwardCases")
    void attentionTensorCoreBackward(int d, boolean causal, int n, int s) {
        AttentionParity.tensorCoreBackwardMatchesReference(k(), d, causal, n, s);
    }
}
