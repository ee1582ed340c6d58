package org.revtaf.edges.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.revtaf.edges.bench.BenchOptions;
import org.revtaf.edges.bench.BenchResult;
import org.revtaf.edges.bench.Workload;
import org.revtaf.edges.bench.Workloads;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code revtaf bench NAME [--device D] [--json] [--threads T] [workload options]}: throughput of
 * one workload of {@link Workloads} (see ../shared/CLI.md). Without NAME (or with --list) it lists
 * the workloads with their devices and options. Bad usage exits with 2.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Throughput of one workload (gemm, conv, ...); 'revtaf bench --list' lists them with their options.",
            "Workload options follow as --key value, e.g. 'revtaf bench gemm --m 1024 --n 1024 --k 1024 --json'."
        })
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Workload name.")
    String name;

    @CommandLine.Unmatched
    List<String> rest = new ArrayList<>();

    @CommandLine.Mixin
    DeviceOptions deviceOptions;

    @Option(names = "--json", description = "Print one JSON object instead of a line.")
    boolean json;

    @Option(names = "--list", description = "List the workloads and exit.")
    boolean list;

    @CommandLine.Mixin
    ProfileOption profile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (list || name == null) {
            listWorkloads(out);
            return 0;
        }
        Workload w = Workloads.find(name)
                .orElseThrow(() -> usage("unknown workload '" + name + "'; known: " + Workloads.names()));
        Device device = deviceOptions.device;
        if (!w.devices().contains(device))
            throw usage("workload " + name + " does not run on device '" + device + "'; its devices: "
                    + Workload.names(w.devices()));
        deviceOptions.apply(spec);
        BenchResult r;
        try {
            BenchOptions opts = BenchOptions.parse(w, rest);
            PrintWriter err = spec.commandLine().getErr();
            r = profile.run(device, err, null, () -> w.run(device, opts, err));
        } catch (BenchOptions.BadUsage e) {
            throw usage(e.getMessage());
        }
        if (json) out.println(new ObjectMapper().writeValueAsString(r.toJson()));
        else out.println(r.toLine());
        out.flush();
        return 0;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static void listWorkloads(PrintWriter out) {
        for (Workload w : Workloads.ALL) {
            out.printf("%-12s %s  [devices: %s]%n", w.name(), w.description(), Workload.names(w.devices()));
            for (BenchOptions.Spec s : w.options())
                out.printf(
                        "    --%-10s %s%s%n",
                        s.name(),
                        s.help(),
                        s.defaultValue() == null ? " (required)" : " (default " + s.defaultValue() + ")");
        }
        out.flush();
    }
}
