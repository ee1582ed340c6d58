package org.revtaf.edges.bench;

import java.util.List;
import java.util.Optional;

/** The registry of {@code revtaf bench} workloads: one line per workload. */
public final class Workloads {
    /** All workloads, in listing order. Add a line here to register a new one. */
    public static final List<Workload> ALL = List.of(
            new GemmWorkload(), //
            new ConvWorkload(), //
            new ResNetWorkload(), //
            new DecoderWorkload(), //
            new AttentionWorkload(), //
            new TrainStepWorkload(), //
            new GenerateWorkload());

    private Workloads() {}

    public static Optional<Workload> find(String name) {
        return ALL.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** "gemm, conv, ..." for error messages. */
    public static String names() {
        return String.join(", ", ALL.stream().map(Workload::name).toList());
    }
}
