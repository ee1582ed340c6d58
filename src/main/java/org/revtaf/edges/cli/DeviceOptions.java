package org.revtaf.edges.cli;

import org.revtaf.engine.backend.cpu.kernels.Parallel;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --device} and {@code --threads}, the options of every command that runs kernels (the
 * stages through {@link StageOptions}, generate, retrieve, kernel, bench, demo), as a picocli
 * mixin. The device is read once by {@link DeviceConverter}: an unknown name is bad usage (exit 2).
 */
public final class DeviceOptions {
    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "D",
            description = "cpu (default), reference, cuda, cuda-emu.")
    Device device;

    @Option(
            names = "--threads",
            paramLabel = "T",
            description = "Threads of the cpu kernels (default: all cores, or -Drevtaf.threads); small models on"
                    + " shared cores can run faster with 1.")
    Integer threads;

    /** Applies --threads to the cpu kernels (out of [1, 1024] is bad usage, exit 2); returns the device. */
    Device apply(CommandSpec spec) {
        if (threads != null) {
            if (threads < 1 || threads > 1024)
                throw new ParameterException(spec.commandLine(), "--threads must be in [1, 1024], got " + threads);
            Parallel.setThreads(threads);
        }
        return device;
    }
}
