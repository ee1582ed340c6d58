package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.demo.Demo;
import org.revtaf.edges.pipeline.demo.DemoPlan;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code revtaf demo}; see ../shared/CLI.md (the demo row). */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The whole method on built-in synthetic data, in one process: synth -> pretrain -> precompute -> train"
                    + " -> generate -> evaluate with configs/tiny.yaml. Prints the metrics table (beside the"
                    + " most-frequent-report baseline) and where DIR/report.html and DIR/plots/ are.",
            "Two to four minutes on 2 idle cores (--quick: half a minute). Run it again with the same --out to continue an"
                    + " interrupted demo from its finished stages."
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--out",
            defaultValue = "runs/demo",
            paramLabel = "DIR",
            description = "Output folder (default: ${DEFAULT-VALUE}); a folder of something else is refused.")
    Path out;

    @Option(names = "--quick", description = "The short smoke variant (fewer studies and epochs) that CI runs.")
    boolean quick;

    @Mixin
    DeviceOptions deviceOptions;

    @Option(
            names = "--config",
            paramLabel = "YAML",
            description = "Run config instead of configs/tiny.yaml (the demo sets the epochs).")
    Path config;

    @Override
    public Integer call() {
        DataCommand.requirePath(spec, "--out", out);
        DataCommand.requirePath(spec, "--config", config);
        Device device = deviceOptions.apply(spec);
        Log log = Log.stderr(spec.commandLine().getErr());
        DemoPlan plan = quick ? DemoPlan.quick() : DemoPlan.full();
        Demo.Result r = Demo.run(new Demo.Request(out, plan, device, config), log);
        PrintWriter w = spec.commandLine().getOut();
        w.println();
        w.println("ran " + r.ran());
        w.println(stages(r.seconds()));
        w.println();
        w.print(Demo.table(r));
        w.println();
        w.println("report: " + r.report().toAbsolutePath());
        w.println("plots:  " + r.report().toAbsolutePath().getParent().resolve("plots") + " ("
                + String.join(
                        ", ",
                        r.plots().stream().map(p -> p.getFileName().toString()).toList()) + ")");
        w.println("Synthetic data: the numbers show that the pipeline learns, nothing clinical.");
        w.flush();
        return 0;
    }

    static String stages(Map<String, Double> seconds) {
        StringBuilder s = new StringBuilder("time:");
        seconds.forEach((k, v) -> s.append(String.format(Locale.ROOT, " %s %.0f s,", k, v)));
        return s.substring(0, s.length() - 1);
    }
}
