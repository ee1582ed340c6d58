package org.revtaf.domain.data;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One study (one entry of an R2Gen/PromptMRG annotation.json): an id, its split, the report text,
 * one or more image paths relative to the dataset's image root, and the label statuses (18 for
 * PromptMRG MIMIC-CXR, 14 for its IU X-Ray file, none when the source has no labels; codes 0 blank,
 * 1 positive, 2 negative, 3 uncertain).
 *
 * @param extra further fields of the entry kept in order (e.g. MIMIC's study_id, subject_id), written back as they came
 */
public record Study(
        String id, String split, String report, List<String> imagePaths, int[] labels, Map<String, Object> extra) {
    public Study {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(report, "report");
        imagePaths = List.copyOf(imagePaths);
        labels = labels == null ? new int[0] : labels.clone();
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    }

    public Study(String id, String split, String report, List<String> imagePaths, int[] labels) {
        this(id, split, report, imagePaths, labels, Map.of());
    }

    /** The label codes (a copy). */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    /** Number of label classes present (0, 14 or 18). */
    public int labelCount() {
        return labels.length;
    }

    /** Status code of class c, or 0 (blank) when this study carries fewer labels. */
    public int label(int c) {
        return c < labels.length ? labels[c] : 0;
    }

    /** A copy with other labels. */
    public Study withLabels(int[] newLabels) {
        return new Study(id, split, report, imagePaths, newLabels, extra);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Study s
                && id.equals(s.id)
                && split.equals(s.split)
                && report.equals(s.report)
                && imagePaths.equals(s.imagePaths)
                && java.util.Arrays.equals(labels, s.labels)
                && extra.equals(s.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, split, report, imagePaths, java.util.Arrays.hashCode(labels), extra);
    }

    @Override
    public String toString() {
        return "Study[" + id + ", " + split + ", " + imagePaths + "]";
    }
}
