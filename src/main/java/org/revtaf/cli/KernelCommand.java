package org.revtaf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stub: {@code revtaf kernel}; see ../shared/CLI.md. */
@Command(
        name = "kernel",
        mixinStandardHelpOptions = true,
        description = "Run one op in isolation on .npy inputs (forward, and backward with --grad-out).")
public final class KernelCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw NotBuiltYet.of("kernel", "Tensor, autograd, and the reference and cpu backends");
    }
}
