package org.revtaf.kernels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.revtaf.RevtafException;
import org.revtaf.bindings.RevtafKernels;

/**
 * Runs every kernel parity check on one device without JUnit or Maven (benchmarks/gpu-check.sh
 * compiles it with plain javac on a GPU machine that has only the repository and a JDK). Prints one
 * PASS/FAIL line per check; exit status 1 when any check fails. Args: device (default cuda).
 */
public final class KernelParityMain {
    private KernelParityMain() {}

    public static void main(String[] args) {
        String device = args.length > 0 ? args[0] : "cuda";
        RevtafKernels k;
        try {
            k = RevtafKernels.forDevice(device);
        } catch (RevtafException e) {
            System.out.println("FAIL " + e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Consumer<RevtafKernels>> checks = new LinkedHashMap<>();
        checks.put("ge", ElementwiseParity::geMatchesReference);
        checks.put("mobius_add", HyperbolicParity::mobiusAddForwardAndBackward);
        checks.put("expmap0/logmap0/proj", HyperbolicParity::expmapLogmapProjForwardAndBackward);
        checks.put("mobius_matvec", HyperbolicParity::mobiusMatvecForwardAndBackward);
        checks.put("poincare_dist", HyperbolicParity::pairwiseDistanceForwardAndBackward);
        checks.put("sinkhorn fwd", OtOverlapParity::sinkhornConvergesOnDeviceAndMatchesReference);
        checks.put("sinkhorn bwd", OtOverlapParity::sinkhornBackwardMatchesReference);
        checks.put("soft_iou", OtOverlapParity::softIouForwardAndBackward);
        checks.put("soft_iou empty maps", OtOverlapParity::softIouOfEmptyMapsIsZero);
        checks.put("attention", AttentionParity::all);
        int failed = 0;
        for (var e : checks.entrySet()) {
            long t0 = System.nanoTime();
            try {
                e.getValue().accept(k);
                System.out.printf("PASS %-22s %6.2f s%n", e.getKey(), (System.nanoTime() - t0) / 1e9);
            } catch (AssertionError | RuntimeException ex) {
                failed++;
                System.out.printf("FAIL %-22s %s%n", e.getKey(), ex.getMessage());
            }
        }
        System.out.println(
                failed == 0
                        ? "all kernel parity checks passed on " + device
                        : failed + " kernel parity check(s) FAILED on " + device);
        System.exit(failed == 0 ? 0 : 1);
    }
}
