package org.revtaf.domain.text;

/**
 * Labels one report's text. The contract shared by the labeler (text), the synthetic data set
 * (data) and the clinical-efficacy metrics (eval).
 */
public interface ReportLabeler {
    /**
     * The statuses of the 18 classes of {@link LabelClass} for one report, in that order, as
     * {@link LabelStatus} codes (0 blank, 1 positive, 2 negative, 3 uncertain).
     */
    int[] label(String report);

    /**
     * Labels many reports, in parallel over reports (common fork-join pool; the labeler must be
     * thread-safe, as {@link Labelers#standard()} is). result[i] = label(reports.get(i)).
     */
    default int[][] labelAll(java.util.List<String> reports) {
        int[][] out = new int[reports.size()][];
        java.util.stream.IntStream.range(0, reports.size()).parallel().forEach(i -> out[i] = label(reports.get(i)));
        return out;
    }
}
