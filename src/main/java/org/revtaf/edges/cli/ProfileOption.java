package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.engine.backend.profile.ProfileReport;
import org.revtaf.engine.backend.profile.ProfileSession;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Option;

/**
 * {@code --profile} of {@code train} and {@code generate} (../shared/CLI.md), and of {@code bench}
 * (the workloads that run through the op layer: train-step, generate, decoder): the job runs under
 * the op profiler ({@link Profiler}) and its table (ops by time: calls, total ms, share, MB
 * allocated; op time against the wall time; the stages) goes to stderr at the end, results staying
 * on stdout; {@code train} also writes it to {@code RUN/profile.txt}. On cuda the stages and
 * kernel calls are NVTX ranges for Nsight Systems.
 */
public final class ProfileOption {
    @Option(
            names = "--profile",
            description = "Print a per-op table at the end (stderr): calls, total time, share, MB allocated, and"
                    + " the time per stage; on cuda also NVTX ranges for Nsight Systems (kernels are timed to a"
                    + " device synchronise, so a profiled run is slower).")
    boolean profile;

    /**
     * Runs {@code job} profiled when {@code --profile} was given: the table goes to {@code err} and,
     * when {@code file} is not null, into that file (written atomically). Without the option, just
     * the job.
     */
    <T> T run(Device device, PrintWriter err, Path file, Supplier<T> job) {
        if (!profile) return job.get();
        T result;
        ProfileReport report;
        try (ProfileSession s = Profiler.start(device, line -> {
            err.println(line);
            err.flush();
        })) {
            result = job.get();
            s.close();
            report = s.report();
        }
        String table = report.format();
        err.print(table);
        err.flush();
        if (file != null) AtomicFile.writeString(file, table);
        return result;
    }
}
