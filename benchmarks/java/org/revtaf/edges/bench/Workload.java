package org.revtaf.edges.bench;

import java.io.PrintWriter;
import java.util.List;
import org.revtaf.engine.tensor.Device;

/**
 * One benchmark workload of {@code revtaf bench NAME}. A workload declares its name, one listing
 * line, devices and options (all {@code --key value}, named without "--"; a table, see
 * {@link BenchOptions#table}) to this constructor, and
 * times itself on the backends. To add one: write a subclass in this package and add one line to
 * {@link Workloads#ALL}.
 */
public abstract class Workload {
    /** The devices of the workloads that time the cpu kernels against the scalar reference. */
    static final List<Device> CPU_AND_REFERENCE = List.of(Device.CPU, Device.REFERENCE);

    private final String name;
    private final String description;
    private final List<Device> devices;
    private final List<BenchOptions.Spec> options;

    protected Workload(String name, String description, List<Device> devices, String optionTable) {
        this.name = name;
        this.description = description;
        this.devices = List.copyOf(devices);
        this.options = BenchOptions.table(optionTable);
    }

    /**
     * Runs the workload; progress or a human table may go to {@code log}. Bad option values throw
     * {@link BenchOptions.BadUsage}.
     */
    public abstract BenchResult run(Device device, BenchOptions options, PrintWriter log);

    public final String name() {
        return name;
    }

    public final String description() {
        return description;
    }

    public final List<Device> devices() {
        return devices;
    }

    public final List<BenchOptions.Spec> options() {
        return options;
    }

    /** "cpu, reference" for listings and errors. */
    public static String names(List<Device> devices) {
        return String.join(", ", devices.stream().map(Device::cliName).toList());
    }
}
