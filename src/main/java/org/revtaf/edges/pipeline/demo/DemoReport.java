package org.revtaf.edges.pipeline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.Images;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.ClinicalSentence;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.edges.pipeline.generate.Generate;
import org.revtaf.edges.pipeline.generate.Inference;
import org.revtaf.edges.pipeline.generate.StudyFeatures;
import org.revtaf.edges.report.ReportData.AttentionMap;
import org.revtaf.edges.report.ReportData.Retrieved;
import org.revtaf.edges.report.ReportData.Sample;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.revtaf.RevtafModel;

/**
 * The test studies that {@code report.html} shows: each one's image, generated report (as
 * {@code generate} wrote it), reference report, retrieved training report with its Poincare
 * distance, predicted vs reference labels, and the Sinkhorn attention maps of both FVTAF branches:
 * the GRP branch per retrieved sentence, the LRP branch per entity (the entities the foundation
 * model finds most likely present).
 */
public final class DemoReport {
    /** Attention maps drawn per branch and study. */
    static final int GRP_MAPS = 4, LRP_MAPS = 4;

    private static final Map<String, Integer> STATUS = Map.of("bla", 0, "pos", 1, "neg", 2, "unc", 3);

    private DemoReport() {}

    /**
     * The samples for {@code studies} (test studies of the checkpoint's own data) with the lines that
     * {@code generate} wrote for them, keyed by study id.
     */
    public static List<Sample> samples(Inference inf, List<Study> studies, Map<String, JsonNode> generated) {
        if (studies.isEmpty()) return List.of();
        StudyFeatures source = StudyFeatures.cached(inf);
        BadSamples bad = new BadSamples(inf.data().onBadSample());
        List<Sample> out = new ArrayList<>();
        try (Scope s = Scope.open();
                GradMode.Guard g = GradMode.noGrad();
                BatchLoader loader =
                        BatchLoader.inOrder(inf.trainingData(), studies, inf.data(), studies.size(), bad)) {
            BatchLoader.Batch b = loader.next();
            StudyFeatures.Batch f = source.of(b);
            Generate.Retrieved got = Generate.retrieve(inf, f);
            RevtafModel.Conditioning c = inf.model().condition(Generate.inputs(inf, b, f, got.train()));
            int n = b.size(), grid = c.gridH() * c.gridW();
            float[] probs = f.fLogit().toFloats(); // (B, 75) P(present) per entity
            int entities = probs.length / n;
            float[] mg = c.mapsGlobal() == null ? null : c.mapsGlobal().toFloats(); // (B, S, P)
            float[] ml = c.mapsLocal() == null ? null : c.mapsLocal().toFloats(); // (B, 75, P)
            for (int i = 0; i < n; i++) {
                Study st = b.studies().get(i);
                JsonNode line = generated.get(st.id());
                Study train = inf.trainStudy(got.train()[i]);
                float dist = got.distance()[i];
                List<AttentionMap> grp = new ArrayList<>(), lrp = new ArrayList<>();
                if (mg != null) {
                    int sentences = c.mapsGlobal().shape(1);
                    List<ClinicalSentence> ss = ClinicalSentence.split(train.report());
                    for (int j = 0; j < Math.min(Math.min(sentences, ss.size()), GRP_MAPS); j++)
                        grp.add(map(ss.get(j).text, c, mg, (i * sentences + j) * grid));
                }
                if (ml != null) {
                    int row = i;
                    int[] top = IntStream.range(0, entities)
                            .boxed()
                            .sorted(Comparator.comparingDouble(e -> -probs[row * entities + e]))
                            .limit(LRP_MAPS)
                            .mapToInt(Integer::intValue)
                            .toArray();
                    for (int e : top) {
                        String name = String.format(
                                java.util.Locale.ROOT,
                                "%s (P %.2f)",
                                TripletExtractor.ENTITIES.get(e).replace('_', ' '),
                                probs[row * entities + e]);
                        lrp.add(map(name, c, ml, (i * entities + e) * grid));
                    }
                }
                out.add(new Sample(
                        st.id(),
                        Images.read(
                                inf.trainingData().resolveImage(st.imagePaths().getFirst(), "study " + st.id())),
                        line == null ? "(not generated)" : line.path("report").asText(),
                        st.report(),
                        new Retrieved(train.id(), train.report(), Float.isNaN(dist) ? Double.NaN : dist),
                        line == null ? st.labels() : statuses(line.path("labels")),
                        st.labels(),
                        grp,
                        lrp));
            }
        }
        return out;
    }

    private static AttentionMap map(String name, RevtafModel.Conditioning c, float[] maps, int from) {
        int grid = c.gridH() * c.gridW();
        float[] v = new float[grid];
        System.arraycopy(maps, from, v, 0, grid);
        return new AttentionMap(name, c.gridH(), c.gridW(), v);
    }

    /** The labels of a generate line ("pos", "neg", "unc", "bla") as status codes. */
    static int[] statuses(JsonNode labels) {
        int[] codes = new int[labels.size()];
        for (int k = 0; k < codes.length; k++) {
            Integer s = STATUS.get(labels.get(k).asText());
            codes[k] = s == null ? 0 : s;
        }
        return codes;
    }
}
