package org.revtaf.learning.nn;

import java.util.Arrays;
import java.util.List;
import org.revtaf.RevtafException;

/**
 * What a weight import did: which model tensors were loaded, which the file lacked (missing), which
 * file tensors nothing used (unexpected), which had the wrong shape, which were dropped on purpose
 * (with the reason) and which were resized along dim 0 (vocabulary growth).
 */
public record MappingReport(
        String source,
        List<String> loaded,
        List<String> missing,
        List<String> unexpected,
        List<Mismatch> mismatched,
        List<Ignored> ignored,
        List<Mismatch> resized) {
    public MappingReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
        ignored = List.copyOf(ignored);
        resized = List.copyOf(resized);
    }

    /** A file tensor (source name) whose shape differs from the model tensor (target name). */
    public record Mismatch(String source, String target, long[] fileShape, long[] modelShape) {
        @Override
        public String toString() {
            return source + " -> " + target + ": file " + Arrays.toString(fileShape) + ", model "
                    + Arrays.toString(modelShape);
        }
    }

    /** A file tensor dropped by a rule, and why. */
    public record Ignored(String source, String reason) {
        @Override
        public String toString() {
            return source + " (" + reason + ")";
        }
    }

    /** True when every model tensor was loaded and every file tensor was used or ignored by a rule. */
    public boolean clean() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /** Throws a RevtafException with this report unless {@link #clean()}. */
    public MappingReport requireClean() {
        if (!clean()) throw new RevtafException("weight import failed: " + this);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source + ": " + loaded.size() + " loaded, " + missing.size() + " missing, "
                + unexpected.size() + " unexpected, " + mismatched.size() + " shape-mismatched, " + ignored.size()
                + " ignored, " + resized.size() + " resized");
        section(sb, "missing (in the model, not in the file)", missing);
        section(sb, "unexpected (in the file, not used)", unexpected);
        section(sb, "shape mismatch", mismatched);
        section(sb, "resized (leading rows copied)", resized);
        section(sb, "ignored", ignored);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<?> items) {
        if (items.isEmpty()) return;
        sb.append("\n  ").append(title).append(':');
        for (Object o : items) sb.append("\n    ").append(o);
    }
}
