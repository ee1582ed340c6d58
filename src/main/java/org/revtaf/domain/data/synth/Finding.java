package org.revtaf.domain.data.synth;

import java.util.Locale;
import org.revtaf.domain.text.LabelClass;

/**
 * One ground-truth finding of a synthetic study: what (entity, and the label class it counts for),
 * where (side and zone), how much (severity 0 = not graded, 1..3) and how sure the report is.
 *
 * @param label the class of {@link LabelClass} this finding makes positive (or uncertain)
 * @param entity what the radiologist sees, e.g. "pleural effusion", "endotracheal tube", "nodule"
 * @param side where, left/right in patient terms (patient's right is on the image's left)
 * @param zone the region: "upper zone", "middle zone", "lower zone", "base", "apex", "perihilar",
 *     "lateral", "heart", "mediastinum", "chest wall", ...
 * @param severity 0 when severity does not apply (devices), else 1 mild/small, 2 moderate, 3 severe/large
 * @param uncertain true when the report hedges ("may represent", "cannot be excluded")
 */
public record Finding(LabelClass label, String entity, Side side, String zone, int severity, boolean uncertain) {

    /** Patient side. */
    public enum Side {
        RIGHT,
        LEFT,
        BILATERAL,
        MIDLINE;

        /** The word in reports and findings.json: the lowercase name. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** -1 for the image's left half (patient right), +1 for the image's right half, 0 otherwise. */
        public int imageSign() {
            return switch (this) {
                case RIGHT -> -1;
                case LEFT -> 1;
                default -> 0;
            };
        }
    }

    public Finding {
        if (severity < 0 || severity > 3) throw new IllegalArgumentException("severity must be 0..3, got " + severity);
    }

    /** "left lower zone", "bilateral perihilar", "mediastinum". */
    public String position() {
        return side == Side.MIDLINE ? zone : side.word() + " " + zone;
    }

    /** The severity word used in findings.json: mild/moderate/severe, small/moderate/large for fluid and air. */
    public String severityWord() {
        if (severity == 0) return "n/a";
        boolean volume = label == LabelClass.PLEURAL_EFFUSION || label == LabelClass.PNEUMOTHORAX;
        return switch (severity) {
            case 1 -> volume ? "small" : "mild";
            case 2 -> "moderate";
            default -> volume ? "large" : "severe";
        };
    }

    /** "positive" or "uncertain". */
    public String certainty() {
        return uncertain ? "uncertain" : "positive";
    }

    /** True when this finding is one of the 14 CheXpert pathologies other than support devices. */
    public boolean isPathology() {
        return label.ordinal() < LabelClass.NO_FINDING.ordinal() && label != LabelClass.SUPPORT_DEVICES;
    }
}
