package org.revtaf.edges.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.generate.Retrieve;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code revtaf retrieve}; see ../shared/CLI.md. */
@Command(
        name = "retrieve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The training studies nearest to an image in the hyperbolic space the checkpoint's LRE learned (the"
                    + " foundation model's F_logit of the image through the LRE, Poincare distance), with their"
                    + " distances and reports.",
            "Needs a checkpoint trained with the LRE (model.lre: true) on a cache of a foundation checkpoint."
        })
public final class RetrieveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpointOption;

    @Option(names = "--image", required = true, paramLabel = "PNG", description = "The image file.")
    Path image;

    @Option(
            names = "--top",
            defaultValue = "5",
            paramLabel = "K",
            description = "Neighbours to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Print one JSON object {image, neighbours: [{id, distance, report}]}.")
    boolean json;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    public Integer call() {
        Device dev = deviceOptions.apply(spec);
        Path checkpoint = checkpointOption.require(spec);
        DataCommand.requirePath(spec, "--image", image);
        if (top < 1) throw new ParameterException(spec.commandLine(), "--top must be >= 1, got " + top);
        Log log = Log.stderr(spec.commandLine().getErr());
        Retrieve.Result r = Retrieve.run(checkpoint, image, top, dev, log);
        PrintWriter w = spec.commandLine().getOut();
        if (json) w.println(json(r));
        else {
            w.println(image + ": the " + r.neighbours().size()
                    + " nearest training studies (Poincare distance in the LRE's ball, c = " + r.curvature() + ")");
            int k = 1;
            for (Retrieve.Neighbour n : r.neighbours())
                w.println(String.format(Locale.ROOT, "%3d. %s  %.4f  %s", k++, n.id(), n.distance(), n.report()));
        }
        w.flush();
        return 0;
    }

    static String json(Retrieve.Result r) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("image", r.image());
        ArrayNode a = o.putArray("neighbours");
        for (Retrieve.Neighbour n : r.neighbours()) {
            ObjectNode e = a.addObject();
            e.put("id", n.id());
            e.put("distance", n.distance());
            e.put("report", n.report());
        }
        return o.toString();
    }
}
