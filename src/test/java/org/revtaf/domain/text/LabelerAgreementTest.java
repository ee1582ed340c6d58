package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Agreement of the standard labeler with the hand-labelled MIMIC-style sentences and reports of
 * {@code labeled-sentences.jsonl} (text + expected statuses; classes not listed are blank). Accuracy
 * is over "mentioned" cells: those where the expected or the predicted status is not blank.
 */
class LabelerAgreementTest {
    record Item(String text, int[] expected, String set) {}

    static List<Item> load() throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<Item> items = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                LabelerAgreementTest.class.getResourceAsStream("labeled-sentences.jsonl"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode n = om.readTree(line);
                int[] exp = new int[LabelClass.ALL.size()];
                for (LabelClass c : LabelClass.ALL) {
                    JsonNode v = n.get("labels").get(c.csvName());
                    if (v == null) continue;
                    exp[c.ordinal()] = switch (v.asText()) {
                        case "pos" -> 1;
                        case "neg" -> 2;
                        case "unc" -> 3;
                        default -> throw new IllegalStateException("bad status " + v + " in " + line);
                    };
                }
                items.add(new Item(n.get("text").asText(), exp, n.get("set").asText()));
            }
        }
        return items;
    }

    @Test
    void agreementOnHandLabelledSet() throws IOException {
        List<Item> items = load();
        assertTrue(items.size() >= 150, "the labelled set has at least 150 items");
        double dev = agreement(
                "dev (written while building the rules)",
                items.stream().filter(i -> i.set().equals("dev")).toList());
        double held = agreement(
                "held-out (labelled blind, rules not tuned on it)",
                items.stream().filter(i -> i.set().equals("heldout")).toList());
        double held2 = agreement(
                "held-out 2 (labelled blind, generated-report style)",
                items.stream().filter(i -> i.set().equals("heldout2")).toList());
        assertTrue(held2 >= 0.85, "held-out 2 agreement " + held2);
        double all = agreement("all", items);
        // the CE metrics label my_pre_caption-cleaned text (lowercase, commas and brackets gone)
        double cleaned = agreement(
                "all, after R2Gen/PromptMRG cleaning",
                items.stream()
                        .map(i -> new Item(ReportCleaner.preCaption(i.text()), i.expected(), i.set()))
                        .toList());
        assertTrue(cleaned >= 0.9, "agreement on cleaned text " + cleaned);
        assertTrue(dev >= 0.95, "dev agreement " + dev);
        assertTrue(held >= 0.85, "held-out agreement " + held);
        assertTrue(all >= 0.9, "overall agreement " + all);
    }

    /** Prints per-class agreement and the disagreements; returns overall accuracy on mentioned cells. */
    static double agreement(String name, List<Item> items) {
        ReportLabeler l = Labelers.standard();
        int classes = LabelClass.ALL.size();
        int[] agree = new int[classes], total = new int[classes];
        int exact = 0;
        StringBuilder misses = new StringBuilder();
        for (Item it : items) {
            int[] got = l.label(it.text());
            boolean all = true;
            for (int c = 0; c < classes; c++) {
                if (it.expected()[c] == 0 && got[c] == 0) continue;
                total[c]++;
                if (it.expected()[c] == got[c]) agree[c]++;
                else {
                    all = false;
                    misses.append(String.format(
                            Locale.ROOT,
                            "  %-22s expected %s got %s: %s%n",
                            LabelClass.ALL.get(c).csvName(),
                            LabelStatus.ofCode(it.expected()[c]),
                            LabelStatus.ofCode(got[c]),
                            it.text()));
                }
            }
            if (all) exact++;
        }
        int a = 0, t = 0;
        StringBuilder table = new StringBuilder("labeler agreement, " + name + ": " + items.size() + " items\n");
        for (int c = 0; c < classes; c++) {
            a += agree[c];
            t += total[c];
            table.append(String.format(
                    Locale.ROOT,
                    "  %-24s %3d/%3d  %.3f%n",
                    LabelClass.ALL.get(c).csvName(),
                    agree[c],
                    total[c],
                    total[c] == 0 ? 1.0 : agree[c] / (double) total[c]));
        }
        double overall = a / (double) t;
        table.append(String.format(
                Locale.ROOT,
                "  overall (mentioned cells) %d/%d = %.3f; items fully right %d/%d%n",
                a,
                t,
                overall,
                exact,
                items.size()));
        System.out.print(table);
        if (!misses.isEmpty()) System.out.print("disagreements:\n" + misses);
        return overall;
    }
}
