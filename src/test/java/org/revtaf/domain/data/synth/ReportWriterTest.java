package org.revtaf.domain.data.synth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.Labelers;
import org.revtaf.domain.text.ReportLabeler;

/** Varied report text, with negatives and hedges, whose sentences the project's labeler understands. */
class ReportWriterTest {

    @Test
    void reportsAreVariedAndCarryNegativesHedgesAndNoise() {
        Set<String> sentences = new HashSet<>();
        int hedged = 0, negated = 0, noise = 0;
        for (int i = 0; i < 1500; i++) {
            List<Finding> f = FindingSampler.sample(new SplitMix64(SplitMix64.derive(4, i)));
            String r = ReportWriter.write(f, new SplitMix64(i));
            assertTrue(r.split("\\. ").length >= 2 || f.isEmpty(), r);
            for (String s : r.split("(?<=\\.) ")) sentences.add(s);
            if (r.contains("cannot be excluded")
                    || r.contains("Possible")
                    || r.contains("may ")
                    || r.contains("concerning for")) hedged++;
            if (r.matches(
                    ".*\\b(No|no) (pleural effusion|pneumothorax|focal consolidation|pulmonary edema|effusion).*"))
                negated++;
            if (r.contains("___") || r.contains("views of the chest") || r.contains("previous radiograph")) noise++;
        }
        assertTrue(sentences.size() > 300, "distinct sentences: " + sentences.size());
        assertTrue(hedged > 75, "hedged reports: " + hedged);
        assertTrue(negated > 1000, "reports with explicit negatives: " + negated);
        assertTrue(noise > 100, "reports with sentences no image shows: " + noise);
    }

    @Test
    void theReportNamesTheAorticFindingThatIsDrawn() {
        Finding tortuous =
                new Finding(LabelClass.AORTA_ABNORMAL, "tortuous aorta", Finding.Side.MIDLINE, "aorta", 1, false);
        Finding calcified = new Finding(
                LabelClass.AORTA_ABNORMAL, "calcified aortic knob", Finding.Side.MIDLINE, "aorta", 1, false);
        for (int i = 0; i < 50; i++) {
            String t = ReportWriter.write(List.of(tortuous), new SplitMix64(i)).toLowerCase(java.util.Locale.ROOT);
            String c = ReportWriter.write(List.of(calcified), new SplitMix64(i)).toLowerCase(java.util.Locale.ROOT);
            assertTrue(t.contains("tortu") && !t.contains("calcif"), t);
            assertTrue(c.contains("calcif") && !c.contains("tortu"), c);
        }
        int[] kinds = new int[2];
        for (int i = 0; i < 20000; i++)
            for (Finding f : FindingSampler.sample(new SplitMix64(SplitMix64.derive(8, i))))
                if (f.label() == LabelClass.AORTA_ABNORMAL) kinds[f.entity().equals("tortuous aorta") ? 0 : 1]++;
        assertTrue(
                kinds[1] > 0.2 * (kinds[0] + kinds[1]) && kinds[1] < 0.5 * (kinds[0] + kinds[1]),
                kinds[0] + " / " + kinds[1]);
    }

    @Test
    void theProjectLabelerRecoversTheTruthFromTheText() {
        ReportLabeler labeler = Labelers.standard();
        int[] truePos = new int[18], found = new int[18], negAbsent = new int[18], absent = new int[18];
        for (int i = 0; i < 1500; i++) {
            List<Finding> f = FindingSampler.sample(new SplitMix64(SplitMix64.derive(6, i)));
            int[] l = labeler.label(ReportWriter.write(f, new SplitMix64(i)));
            for (LabelClass c : LabelClass.ALL) {
                if (c == LabelClass.NO_FINDING) continue;
                int k = c.ordinal();
                if (FindingSampler.first(f, c) != null) {
                    truePos[k]++;
                    if (l[k] == 1 || l[k] == 3) found[k]++;
                } else {
                    absent[k]++;
                    if (l[k] != 1) negAbsent[k]++;
                }
            }
        }
        for (LabelClass c : LabelClass.ALL) {
            int k = c.ordinal();
            if (c == LabelClass.NO_FINDING || truePos[k] == 0) continue;
            assertTrue(found[k] >= 0.9 * truePos[k], c + ": " + found[k] + " of " + truePos[k] + " found");
            assertTrue(negAbsent[k] >= 0.97 * absent[k], c + ": false positives " + (absent[k] - negAbsent[k]));
        }
    }
}
