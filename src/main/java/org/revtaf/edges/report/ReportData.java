package org.revtaf.edges.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Image;
import org.revtaf.domain.eval.ClinicalEfficacy;

/**
 * Everything {@code DIR/report.html} shows (issue 15): a sample of test studies with their
 * image, generated, reference and retrieved reports, labels and attention maps; the metrics table;
 * the per-class clinical-efficacy table; the training curves. Plain data: the pipeline fills it,
 * {@link HtmlReport} and {@link Plots} render it.
 *
 * @param title page title
 * @param about what produced it, shown as a definition list in order (config, checkpoint, data,
 *     commit, device ...)
 * @param samples studies to show, in order
 * @param metrics headline metrics in display order (e.g. {@code EvalOutput.headline}); NaN shows
 *     as "-"
 * @param ce clinical efficacy per class with micro/macro rows, or null when not computed
 * @param curves training curves, or null when there was no training in this run
 */
public record ReportData(
        String title,
        Map<String, String> about,
        List<Sample> samples,
        Map<String, Double> metrics,
        ClinicalEfficacy.Result ce,
        Curves curves) {
    public ReportData {
        Objects.requireNonNull(title, "title");
        about = about == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(about));
        samples = List.copyOf(samples);
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * One test study.
     *
     * @param studyId its id
     * @param image the (first) image of the study, gray or RGB
     * @param generated the generated report
     * @param referenceReport the reference report
     * @param retrieved the training report retrieved by the LRE, or null
     * @param predictedLabels label status codes (0 blank, 1 positive, 2 negative, 3 uncertain)
     *     from the classifier, one per class (18)
     * @param referenceLabels labels of the reference report, same layout
     * @param grpMaps GRP-branch attention, one map per retrieved sentence (name: the sentence)
     * @param lrpMaps LRP-branch attention, one map per entity (name: the entity)
     */
    public record Sample(
            String studyId,
            Image image,
            String generated,
            String referenceReport,
            Retrieved retrieved,
            int[] predictedLabels,
            int[] referenceLabels,
            List<AttentionMap> grpMaps,
            List<AttentionMap> lrpMaps) {
        public Sample {
            Objects.requireNonNull(studyId, "studyId");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(generated, "generated");
            Objects.requireNonNull(referenceReport, "referenceReport");
            predictedLabels = predictedLabels == null ? new int[0] : predictedLabels.clone();
            referenceLabels = referenceLabels == null ? new int[0] : referenceLabels.clone();
            if (predictedLabels.length != referenceLabels.length)
                throw new RevtafException("report: study " + studyId + " has " + predictedLabels.length
                        + " predicted labels and " + referenceLabels.length + " reference labels");
            for (int[] codes : new int[][] {predictedLabels, referenceLabels})
                for (int c : codes)
                    if (c < 0 || c > 3)
                        throw new RevtafException(
                                "report: study " + studyId + " has label status code " + c + " (must be 0..3)");
            grpMaps = grpMaps == null ? List.of() : List.copyOf(grpMaps);
            lrpMaps = lrpMaps == null ? List.of() : List.copyOf(lrpMaps);
        }

        @Override
        public int[] predictedLabels() {
            return predictedLabels.clone();
        }

        @Override
        public int[] referenceLabels() {
            return referenceLabels.clone();
        }
    }

    /** The retrieved training study: its id, report and Poincare distance to the query. */
    public record Retrieved(String studyId, String report, double distance) {
        public Retrieved {
            Objects.requireNonNull(studyId, "studyId");
            Objects.requireNonNull(report, "report");
        }
    }

    /**
     * One attention map on the visual token grid, row-major (height, width), e.g. 7 x 7 for
     * ResNet-101 at 224: it is upsampled bilinearly to the image when drawn.
     */
    public record AttentionMap(String name, int height, int width, float[] values) {
        public AttentionMap {
            Objects.requireNonNull(name, "name");
            if (height < 1 || width < 1 || values.length != height * width)
                throw new RevtafException("report: attention map '" + name + "' has " + values.length + " values for a "
                        + height + "x" + width + " grid");
            values = values.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }
    }

    /**
     * Training curves: step rows (loss components by name, learning rate) and validation rows
     * (metrics by name per epoch), as RUN/metrics.csv holds them.
     */
    public record Curves(List<StepRow> steps, List<EpochRow> validation) {
        public Curves {
            steps = List.copyOf(steps);
            validation = List.copyOf(validation);
        }
    }

    /** One training step: its number, learning rate and loss components (total included). */
    public record StepRow(long step, double lr, Map<String, Double> losses) {
        public StepRow {
            losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
        }
    }

    /** One validation pass: its epoch and metrics. */
    public record EpochRow(int epoch, Map<String, Double> metrics) {
        public EpochRow {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }
}
