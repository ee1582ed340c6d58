package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Independent held-out measurement of {@link Labelers#standard()} on {@code heldout/reports.jsonl}:
 * 394 MIMIC-CXR / IU X-Ray style findings+impression texts labelled by hand without reading the
 * labeler's rules (see heldout/README.md for the conventions).
 *
 * <p>Figures: per class, 4-way status accuracy over all reports (blank/pos/neg/unc), the same
 * accuracy over "mentioned" cells only (gold or prediction not blank), and for the 14 CheXpert
 * classes the positive-only F1 used by clinical-efficacy metrics (positive = status 1, everything
 * else 0). The floors asserted below sit a little under what was measured when the test was written
 * (2026-11-29): they are a regression guard, not a target; raise them when the labeler improves.
 */
class HeldOutAgreementTest {
    record Report(String id, String text, int[] gold) {}

    static final int CLASSES = LabelClass.ALL.size(); // 18
    static final int CHEXPERT = LabelClass.CHEXPERT.size(); // 14

    static List<Report> reports;
    static int[][] predicted; // (N, 18)

    @BeforeAll
    static void labelAll() throws IOException {
        reports = load();
        predicted =
                Labelers.standard().labelAll(reports.stream().map(Report::text).toList());
    }

    static List<Report> load() throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<Report> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String resource = "heldout/reports.jsonl";
        var in = HeldOutAgreementTest.class.getResourceAsStream(resource);
        if (in == null) throw new IOException("missing test resource " + resource);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String where = resource + " line " + lineNo;
                JsonNode n = om.readTree(line);
                String id = n.get("id").asText();
                if (!ids.add(id)) throw new IllegalStateException(where + ": duplicate id " + id);
                int[] gold = new int[CLASSES];
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                n.get("labels").properties().iterator();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    LabelClass c = LabelClass.ALL.stream()
                            .filter(k -> k.csvName().equals(e.getKey()))
                            .findFirst()
                            .orElseThrow(() -> new IllegalStateException(where + ": unknown class " + e.getKey()));
                    int code = e.getValue().asInt();
                    if (code < 1 || code > 3)
                        throw new IllegalStateException(where + ": status of " + e.getKey() + " must be 1..3");
                    gold[c.ordinal()] = code;
                }
                out.add(new Report(id, n.get("report").asText(), gold));
            }
        }
        return out;
    }

    /**
     * The data follows the CheXpert No Finding rule: never negative or uncertain, and never positive
     * when a pathology (the 14 less Support Devices and No Finding) is positive or uncertain. It may
     * be blank without such a pathology: a non-CheXpert finding (degenerative spine, granuloma,
     * hyperinflation, ...) also blocks it, as in the CheXpert labeler (see heldout/README.md).
     */
    @Test
    void goldNoFindingFollowsTheCheXpertRule() {
        assertTrue(reports.size() >= 250, "held-out set has at least 250 reports, has " + reports.size());
        for (Report r : reports) {
            boolean finding = false;
            for (int c = 0; c < CHEXPERT; c++) {
                if (c == LabelClass.SUPPORT_DEVICES.ordinal() || c == LabelClass.NO_FINDING.ordinal()) continue;
                finding |= r.gold()[c] == 1 || r.gold()[c] == 3;
            }
            int nf = r.gold()[LabelClass.NO_FINDING.ordinal()];
            assertTrue(nf == 0 || (nf == 1 && !finding), r.id() + " No Finding " + nf + ": " + r.text());
        }
    }

    @Test
    void agreementStaysAboveMeasuredFloors() {
        checkAgainstFloors("raw text", predicted);
    }

    /**
     * The same figures on the text as the metrics see it: R2Gen/PromptMRG-cleaned (lower case,
     * punctuation stripped, " ." sentence ends), as generated and reference reports are at scoring.
     */
    @Test
    void cleanedTextMeetsTheSameFloors() {
        List<String> cleaned =
                reports.stream().map(r -> ReportCleaner.cleanMimic(r.text())).toList();
        int[][] onCleaned = Labelers.standard().labelAll(cleaned); // (N, 18)
        int differ = 0;
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < reports.size(); i++)
            for (int c = 0; c < CLASSES; c++)
                if (onCleaned[i][c] != predicted[i][c]) {
                    differ++;
                    d.append(String.format(
                            Locale.ROOT,
                            "  %s %-26s raw %-9s cleaned %-9s | %s%n",
                            reports.get(i).id(),
                            LabelClass.ALL.get(c).csvName(),
                            LabelStatus.ofCode(predicted[i][c]),
                            LabelStatus.ofCode(onCleaned[i][c]),
                            cleaned.get(i)));
                }
        System.out.print("cells labelled differently on cleaned vs raw text: " + differ + "\n" + d);
        checkAgainstFloors("R2Gen-cleaned text", onCleaned);
    }

    /** Prints the agreement table and disagreements of {@code pred} (N, 18) with the gold labels; asserts the floors. */
    static void checkAgainstFloors(String name, int[][] pred) {
        int n = reports.size();
        int[] agree = new int[CLASSES], mentioned = new int[CLASSES], mentionedAgree = new int[CLASSES];
        int[] tp = new int[CHEXPERT], fp = new int[CHEXPERT], fn = new int[CHEXPERT];
        int exact = 0;
        StringBuilder misses = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int[] g = reports.get(i).gold(), p = pred[i];
            boolean allRight = true;
            for (int c = 0; c < CLASSES; c++) {
                boolean same = g[c] == p[c];
                if (same) agree[c]++;
                if (g[c] != 0 || p[c] != 0) {
                    mentioned[c]++;
                    if (same) mentionedAgree[c]++;
                }
                if (c < CHEXPERT) {
                    if (g[c] == 1 && p[c] == 1) tp[c]++;
                    else if (p[c] == 1) fp[c]++;
                    else if (g[c] == 1) fn[c]++;
                }
                if (!same) {
                    allRight = false;
                    misses.append(String.format(
                            Locale.ROOT,
                            "  %s %-26s gold %-9s got %-9s | %s%n",
                            reports.get(i).id(),
                            LabelClass.ALL.get(c).csvName(),
                            LabelStatus.ofCode(g[c]),
                            LabelStatus.ofCode(p[c]),
                            reports.get(i).text()));
                }
            }
            if (allRight) exact++;
        }

        StringBuilder t = new StringBuilder();
        t.append("held-out labeler agreement, ")
                .append(name)
                .append(": ")
                .append(n)
                .append(" reports\n");
        t.append(
                String.format(Locale.ROOT, "  %-26s %8s %14s %8s%n", "class", "acc(all)", "acc(mentioned)", "F1(pos)"));
        double macroF1 = 0;
        int macroCount = 0, sumTp = 0, sumFp = 0, sumFn = 0;
        for (int c = 0; c < CLASSES; c++) {
            String f1 = "";
            if (c < CHEXPERT) {
                sumTp += tp[c];
                sumFp += fp[c];
                sumFn += fn[c];
                if (tp[c] + fp[c] + fn[c] > 0) {
                    double f = f1(tp[c], fp[c], fn[c]);
                    macroF1 += f;
                    macroCount++;
                    f1 = String.format(Locale.ROOT, "%.3f", f);
                }
            }
            t.append(String.format(
                    Locale.ROOT,
                    "  %-26s %8.3f %7d/%3d=%.2f %8s%n",
                    LabelClass.ALL.get(c).csvName(),
                    agree[c] / (double) n,
                    mentionedAgree[c],
                    mentioned[c],
                    mentioned[c] == 0 ? 1.0 : mentionedAgree[c] / (double) mentioned[c],
                    f1));
        }
        double acc14 = mean(agree, 0, CHEXPERT) / n, acc18 = mean(agree, 0, CLASSES) / n;
        double accAux = mean(agree, CHEXPERT, CLASSES) / n;
        double mentioned18 = sum(mentionedAgree, 0, CLASSES) / (double) sum(mentioned, 0, CLASSES);
        double microF1 = f1(sumTp, sumFp, sumFn);
        macroF1 /= macroCount;
        t.append(String.format(
                Locale.ROOT,
                "  accuracy (all cells): 14 CheXpert %.4f, 4 aux %.4f, 18 %.4f; mentioned cells %.4f%n"
                        + "  positive F1 over 14: micro %.4f, macro %.4f (over %d classes with positives)%n"
                        + "  reports fully right (18 classes): %d/%d%n",
                acc14,
                accAux,
                acc18,
                mentioned18,
                microF1,
                macroF1,
                macroCount,
                exact,
                n));
        System.out.print(t);
        System.out.print("disagreements:\n" + misses);

        // Floors: a little below the figures measured on 2026-11-29 (see class comment).
        assertTrue(acc14 >= FLOOR_ACC14, name + ": 14-class accuracy " + acc14);
        assertTrue(accAux >= FLOOR_ACC_AUX, name + ": aux accuracy " + accAux);
        assertTrue(mentioned18 >= FLOOR_MENTIONED, name + ": mentioned-cell accuracy " + mentioned18);
        assertTrue(microF1 >= FLOOR_MICRO_F1, name + ": micro positive F1 " + microF1);
        assertTrue(macroF1 >= FLOOR_MACRO_F1, name + ": macro positive F1 " + macroF1);
        for (int c = 0; c < CLASSES; c++) {
            String cls = name + ": " + LabelClass.ALL.get(c).csvName();
            double acc = agree[c] / (double) n;
            assertTrue(acc >= FLOOR_CLASS_ACC, cls + " accuracy " + acc);
            if (c < CHEXPERT && tp[c] + fp[c] + fn[c] > 0) {
                double f = f1(tp[c], fp[c], fn[c]);
                assertTrue(f >= FLOOR_CLASS_F1, cls + " positive F1 " + f);
            }
        }
    }

    // Measured 2026-11-29 on 394 reports (labeler of branch text at f759e8a), raw / cleaned text:
    // 14-class accuracy 0.9956 / 0.9942, aux 0.9968 / 0.9968, mentioned cells 0.9725 / 0.9650,
    // positive F1 micro 0.9763 / 0.9672, macro 0.9608 / 0.9584, lowest class accuracy 0.985 (Support
    // Devices) / 0.977 (No Finding), lowest class F1 0.727 (Enlarged Cardiomediastinum, 5
    // positives). Accuracy over all cells is inflated by the many cells blank in both; the
    // mentioned-cell figure is the informative one. Floors sit a little below both columns.
    static final double FLOOR_ACC14 = 0.99;
    static final double FLOOR_ACC_AUX = 0.99;
    static final double FLOOR_MENTIONED = 0.955;
    static final double FLOOR_MICRO_F1 = 0.955;
    static final double FLOOR_MACRO_F1 = 0.94;
    static final double FLOOR_CLASS_ACC = 0.97;
    static final double FLOOR_CLASS_F1 = 0.65;

    static double f1(int tp, int fp, int fn) {
        return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    static double mean(int[] a, int from, int to) {
        return sum(a, from, to) / (double) (to - from);
    }

    static int sum(int[] a, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) s += a[i];
        return s;
    }
}
