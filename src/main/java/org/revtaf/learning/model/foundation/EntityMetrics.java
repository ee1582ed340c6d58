package org.revtaf.learning.model.foundation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.revtaf.domain.text.TripletExtractor;

/**
 * Validation of the foundation model: per-entity existence AUROC of P(present) against the
 * existence targets (studies without a target for the entity left out), their mean over the
 * entities that have both classes, and the position accuracy (over present entities, the share
 * whose highest-scoring position is one where the report has them).
 *
 * @param perEntity one row per entity (AUROC NaN when a class is missing)
 * @param meanAuroc mean AUROC over entities with both classes (NaN when none has)
 * @param positionAccuracy share of present entities with a correct top position (NaN when none)
 * @param positionCount present entities scored for the position accuracy
 */
public record EntityMetrics(List<Row> perEntity, double meanAuroc, double positionAccuracy, int positionCount) {

    /** One entity: its name, class counts and AUROC. */
    public record Row(String entity, int positives, int negatives, double auroc) {}

    /**
     * @param presence P(present) (n x 75, row-major)
     * @param topPosition the highest-scoring position of each entity (n x 75)
     * @param targets the studies' targets
     */
    public static EntityMetrics of(float[] presence, int[] topPosition, TripletTargets[] targets) {
        int n = targets.length, m = TripletTargets.ENTITIES;
        List<Row> rows = new ArrayList<>();
        float[] s = new float[n];
        int[] y = new int[n];
        for (int e = 0; e < m; e++) {
            int k = 0, pos = 0, neg = 0;
            for (int i = 0; i < n; i++) {
                int t = targets[i].exist()[e];
                if (t < 0) continue;
                s[k] = presence[i * m + e];
                y[k++] = t;
                if (t == 1) pos++;
                else neg++;
            }
            double a = pos > 0 && neg > 0 ? auroc(Arrays.copyOf(s, k), Arrays.copyOf(y, k)) : Double.NaN;
            rows.add(new Row(TripletExtractor.ENTITIES.get(e), pos, neg, a));
        }
        int hit = 0, total = 0;
        for (int i = 0; i < n; i++)
            for (int e = 0; e < m; e++) {
                if (!targets[i].hasPosition(e)) continue;
                total++;
                if ((targets[i].positions()[e] >>> topPosition[i * m + e] & 1) != 0) hit++;
            }
        return new EntityMetrics(
                List.copyOf(rows), mean(rows, 1).value(), total > 0 ? (double) hit / total : Double.NaN, total);
    }

    /**
     * Area under the ROC curve of scores for binary labels (1 positive): the probability that a
     * random positive scores above a random negative, ties counted half (Mann-Whitney U).
     */
    public static double auroc(float[] scores, int[] labels) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double midRank = (i + j) / 2.0 + 1; // 1-based average rank of the tie group
            for (int t = i; t <= j; t++)
                if (labels[order[t]] == 1) {
                    rankSumPos += midRank;
                    pos++;
                }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * The mean AUROC over the entities with at least {@code minPositives} positives (and a negative),
     * and how many those are: a view less driven by entities whose 2-5 positives make their AUROC
     * mostly noise. NaN and 0 when none qualifies.
     */
    public Mean meanAuroc(int minPositives) {
        return mean(perEntity, minPositives);
    }

    /** The mean AUROC of the rows with both classes and at least {@code minPositives} positives. */
    private static Mean mean(List<Row> rows, int minPositives) {
        double sum = 0;
        int n = 0;
        for (Row r : rows)
            if (r.positives >= minPositives && r.negatives > 0 && !Double.isNaN(r.auroc)) {
                sum += r.auroc;
                n++;
            }
        return new Mean(n > 0 ? sum / n : Double.NaN, n);
    }

    /** A mean over {@code entities} entities. */
    public record Mean(double value, int entities) {}

    /** The per-entity table (entities with a target in the split), tab-separated lines. */
    public String table() {
        StringBuilder b = new StringBuilder("entity\tpositives\tnegatives\tauroc\n");
        for (Row r : perEntity)
            if (r.positives + r.negatives > 0)
                b.append(String.format(
                        Locale.ROOT, "%s\t%d\t%d\t%s%n", r.entity, r.positives, r.negatives, fmt(r.auroc)));
        return b.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
