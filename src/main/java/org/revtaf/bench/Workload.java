package org.revtaf.bench;

import java.io.PrintWriter;
import java.util.List;

/**
 * One benchmark workload of {@code revtaf bench NAME}. A workload declares its options (all
 * {@code --key value}) and devices, and times itself. To add one: write a class implementing this
 * interface in this package and add one line to {@link Workloads#ALL}.
 */
public interface Workload {
    /** Name on the command line, e.g. "gemm". */
    String name();

    /** One line for the listing of workloads. */
    String description();

    /** Devices it can run on, e.g. ["cpu", "reference"]. */
    List<String> devices();

    /** Options it accepts (without "--"), with defaults and help. */
    List<BenchOptions.Spec> options();

    /**
     * Runs the workload; progress or a human table may go to {@code log}. Bad option values throw
     * {@link BenchOptions.BadUsage}.
     */
    BenchResult run(String device, BenchOptions options, PrintWriter log);
}
