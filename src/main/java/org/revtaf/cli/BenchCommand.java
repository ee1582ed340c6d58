package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf bench}; see ../shared/CLI.md. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Throughput of one workload (gemm, conv, kernels, resnet, decoder, train-step).")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("bench", "Tensor, autograd, and the reference and cpu backends");
    }
}
