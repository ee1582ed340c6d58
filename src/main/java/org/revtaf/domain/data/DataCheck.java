package org.revtaf.domain.data;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.LabelClass;

/**
 * What {@code revtaf data check} reports about a dataset: studies and images per split, images
 * found, missing and (when decoding) corrupt, label frequencies per class. It checks everything,
 * never stopping at the first problem: entries the loader left out (opened with {@link
 * BadSamplePolicy#COLLECT}) and bad images are counted, and the first {@link BadSamples#KEEP} are
 * listed with their file and entry after the tables.
 */
public final class DataCheck {
    private DataCheck() {}

    /** Per-split counts. */
    public record SplitCounts(int studies, int images, int found, int missing, int corrupt) {}

    /**
     * The result: counts per split, label counts [class][status code], problems (entries left out while
     * loading + bad images) and the messages of the first of them.
     */
    public record Result(
            Map<Split, SplitCounts> splits, int[][] labelCounts, int labelled, int problems, List<String> first) {
        public Result {
            first = List.copyOf(first);
        }
    }

    /**
     * Checks a loaded dataset's images (existence, and decoding when {@code decode}) and tallies the
     * labels; prints the tables, then the first problems, to out.
     */
    public static Result run(Dataset ds, boolean decode, PrintWriter out) {
        BadSamples bad = new BadSamples(BadSamplePolicy.COLLECT);
        Map<Split, SplitCounts> per = new EnumMap<>(Split.class);
        int[][] labels = new int[LabelClass.ALL.size()][4];
        int labelled = 0;
        for (Split s : Split.ALL) {
            int studies = 0, images = 0, found = 0, missing = 0, corrupt = 0;
            List<Study> list = ds.split(s);
            for (Study st : list) {
                studies++;
                String where = ds.source() + ": " + s.key() + " (id " + st.id() + ")";
                for (String p : st.imagePaths()) {
                    images++;
                    Path file;
                    try {
                        file = ds.resolveImage(p, where);
                    } catch (RevtafException e) { // escapes the root: never looked at
                        missing++;
                        bad.report(e.getMessage());
                        continue;
                    }
                    if (!Files.isRegularFile(file)) {
                        missing++;
                        bad.report(where + ": image not found: " + file);
                        continue;
                    }
                    found++;
                    if (decode) {
                        try {
                            Images.read(file);
                        } catch (RevtafException e) {
                            corrupt++;
                            bad.report(where + ": " + e.getMessage());
                        }
                    }
                }
                if (st.labelCount() > 0) {
                    labelled++;
                    for (int c = 0; c < LabelClass.ALL.size(); c++) labels[c][st.label(c)]++;
                }
            }
            per.put(s, new SplitCounts(studies, images, found, missing, corrupt));
        }
        int problems = ds.skipped() + bad.count();
        List<String> first = new ArrayList<>(ds.problems());
        for (String m : bad.firstMessages()) if (first.size() < BadSamples.KEEP) first.add(m);
        if (first.size() > BadSamples.KEEP) first = first.subList(0, BadSamples.KEEP);
        print(ds, per, labels, labelled, decode, out);
        if (problems == 0) {
            out.println("data check: no problems");
        } else {
            out.println("data check: " + problems + " problem" + (problems == 1 ? "" : "s")
                    + (problems > first.size() ? " (the first " + first.size() + ")" : "") + ":");
            for (String m : first) out.println("  " + m);
        }
        out.flush();
        return new Result(per, labels, labelled, problems, first);
    }

    private static void print(
            Dataset ds, Map<Split, SplitCounts> per, int[][] labels, int labelled, boolean decode, PrintWriter out) {
        out.println("dataset: " + ds.source() + " (images under " + ds.imageRoot() + ")");
        out.printf(
                Locale.ROOT,
                "%-6s %8s %8s %8s %8s %8s%n",
                "split",
                "studies",
                "images",
                "found",
                "missing",
                decode ? "corrupt" : "");
        SplitCounts total = new SplitCounts(0, 0, 0, 0, 0);
        for (Split s : Split.ALL) {
            SplitCounts c = per.get(s);
            row(out, s.key(), c, decode);
            total = new SplitCounts(
                    total.studies() + c.studies(),
                    total.images() + c.images(),
                    total.found() + c.found(),
                    total.missing() + c.missing(),
                    total.corrupt() + c.corrupt());
        }
        row(out, "total", total, decode);
        if (ds.skipped() > 0) out.println("entries left out while loading (bad): " + ds.skipped());
        if (labelled == 0) {
            out.println("labels: none in this dataset");
            return;
        }
        out.printf(Locale.ROOT, "labels of %d studies:%n", labelled);
        out.printf(Locale.ROOT, "%-28s %7s %7s %7s %7s %7s%n", "class", "pos", "unc", "neg", "blank", "pos%");
        for (LabelClass c : LabelClass.ALL) {
            int[] n = labels[c.ordinal()];
            out.printf(
                    Locale.ROOT,
                    "%-28s %7d %7d %7d %7d %6.1f%%%n",
                    c.csvName(),
                    n[1],
                    n[3],
                    n[2],
                    n[0],
                    100.0 * n[1] / labelled);
        }
    }

    private static void row(PrintWriter out, String name, SplitCounts c, boolean decode) {
        out.printf(
                Locale.ROOT,
                "%-6s %8d %8d %8d %8d %8s%n",
                name,
                c.studies(),
                c.images(),
                c.found(),
                c.missing(),
                decode ? Integer.toString(c.corrupt()) : "");
    }
}
