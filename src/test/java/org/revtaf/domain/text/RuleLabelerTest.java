package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RuleLabelerTest {
    private static final ReportLabeler L = Labelers.standard();

    private static int st(String report, LabelClass c) {
        return L.label(report)[c.ordinal()];
    }

    private static final int BLA = 0, POS = 1, NEG = 2;

    /** The one-report cases: the table {@code rule-labeler-cases.tsv} (see {@link LabelCases}). */
    static List<LabelCases> cases() throws IOException {
        return LabelCases.read("rule-labeler-cases.tsv", 54);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void singleSentenceCases(LabelCases k) {
        k.check(L, k.text());
    }

    @Test
    void labelAllMatchesLabel() {
        List<String> reports = List.of("No effusion.", "Small effusion.", "", "Possible pneumonia.");
        int[][] all = L.labelAll(reports);
        for (int i = 0; i < reports.size(); i++) assertArrayEquals(L.label(reports.get(i)), all[i]);
    }

    @Test
    void scopeEndsAtNewClause() {
        int[] r = L.label("There is no pneumothorax and the chest tube is in unchanged position.");
        assertEquals(NEG, r[LabelClass.PNEUMOTHORAX.ordinal()]);
        assertEquals(POS, r[LabelClass.SUPPORT_DEVICES.ordinal()]);
        int[] c = L.label("no effusion is seen and there is mild cardiomegaly .");
        assertEquals(NEG, c[LabelClass.PLEURAL_EFFUSION.ordinal()]);
        assertEquals(POS, c[LabelClass.CARDIOMEGALY.ordinal()]);
        assertEquals(
                POS, st("although there is no pneumothorax there is a small effusion .", LabelClass.PLEURAL_EFFUSION));
    }

    @Test
    void devicesRemovedAndReplaced() {
        assertEquals(
                POS,
                st("The NG tube has been removed and a new Dobhoff tube is in place.", LabelClass.SUPPORT_DEVICES));
    }

    @Test
    void sentenceSplittingKeepsDecimalsAndMapsAndOr() {
        List<ClinicalSentence> s =
                ClinicalSentence.split("ET tube 4.5 cm above the carina. Atelectasis and/or pneumonia!");
        assertEquals(2, s.size());
        assertEquals("et tube 4.5 cm above the carina", s.get(0).text);
        assertEquals("atelectasis or pneumonia", s.get(1).text);
        assertEquals("a , b ; c or d", ClinicalSentence.split("A, (b): c/d").get(0).text);
    }

    @Test
    void arbitraryTextNeverFailsAndGivesValidCodes() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        String alphabet = "abc no pleural effusion not seen ., ;:()/-'\n\t4.5 ___ ##\u00e9\u4e2d";
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(80);
            for (int j = 0; j < n; j++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            int[] got = L.label(b.toString());
            assertEquals(18, got.length);
            for (int c : got) assertTrue(c >= 0 && c <= 3);
            assertTrue(got[LabelClass.NO_FINDING.ordinal()] == BLA || got[LabelClass.NO_FINDING.ordinal()] == POS);
        }
        assertEquals(POS, L.label(null)[LabelClass.NO_FINDING.ordinal()]);
    }
}
