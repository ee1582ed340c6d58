package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.util.List;
import org.revtaf.engine.tensor.Device;

/**
 * One benchmark workload of {@code revtaf bench NAME}. A workload declares its name, options (all
 * {@code --key value}) and devices in its {@link Info}, and times itself on the backends. To add
 * one: write a class implementing this interface in this package and add one line to {@link
 * Workloads#ALL}.
 */
public interface Workload {
    /** What a workload is: name on the command line, one listing line, devices, options (without "--"). */
    record Info(String name, String description, List<Device> devices, List<BenchOptions.Spec> options) {}

    Info info();

    /**
     * Runs the workload; progress or a human table may go to {@code log}. Bad option values throw
     * {@link BenchOptions.BadUsage}.
     */
    BenchResult run(Device device, BenchOptions options, PrintWriter log);

    default String name() {
        return info().name();
    }

    default String description() {
        return info().description();
    }

    default List<Device> devices() {
        return info().devices();
    }

    default List<BenchOptions.Spec> options() {
        return info().options();
    }

    /** "cpu, reference" for listings and errors. */
    static String names(List<Device> devices) {
        return String.join(", ", devices.stream().map(Device::cliName).toList());
    }
}
