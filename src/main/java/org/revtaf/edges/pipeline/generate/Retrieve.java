package org.revtaf.edges.pipeline.generate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.retrieval.PoincareIndex;

/**
 * The {@code retrieve} command's job: the training studies nearest to one image in the learned
 * hyperbolic space (the foundation model's F_logit of the image through the checkpoint's LRE, top-k
 * by Poincare distance over the training split, the same index generation uses).
 */
public final class Retrieve {
    private Retrieve() {}

    /** One neighbour: training study id, Poincare distance, its report. */
    public record Neighbour(String id, double distance, String report) {}

    /** The image as given, its neighbours nearest first, and the ball's curvature. */
    public record Result(String image, List<Neighbour> neighbours, double curvature) {}

    public static Result run(Path checkpoint, Path image, int top, Device device, Log log) {
        if (!Files.isRegularFile(image)) throw new RevtafException("--image " + image + ": no such file");
        try (Inference inf = Inference.open(checkpoint, null, device, log)) {
            if (inf.model().lre == null)
                throw new RevtafException(checkpoint + " was trained without the LRE (model.lre: false): it has no"
                        + " learned hyperbolic space to retrieve in");
            int n = inf.features().manifest().trainStudies();
            if (top > n) throw new RevtafException("--top " + top + ": the training database holds " + n + " studies");
            Dataset d = ImageFiles.dataset(List.of(image));
            StudyFeatures source = StudyFeatures.foundation(inf, d, "retrieve --image");
            try (Scope s = Scope.open();
                    BatchLoader loader = new BatchLoader(
                            d,
                            d.split(Split.TEST),
                            inf.data().evalPipeline(),
                            1,
                            0,
                            0,
                            false,
                            1,
                            1,
                            new BadSamples(BadSamplePolicy.FAIL))) {
                StudyFeatures.Batch f = source.of(loader.next());
                PoincareIndex.Neighbors nb = inf.lre().search(f.fLogit(), top);
                List<Neighbour> out = new ArrayList<>(top);
                for (int k = 0; k < top; k++) {
                    var st = inf.trainStudy(nb.index()[0][k]);
                    out.add(new Neighbour(st.id(), nb.distance()[0][k], st.report()));
                }
                return new Result(image.toString(), out, inf.model().lre.curvature());
            }
        }
    }
}
