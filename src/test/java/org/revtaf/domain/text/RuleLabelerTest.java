package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleLabelerTest {
    private static final ReportLabeler L = Labelers.standard();

    private static int st(String report, LabelClass c) {
        return L.label(report)[c.ordinal()];
    }

    private static final int BLA = 0, POS = 1, NEG = 2, UNC = 3;

    @Test
    void negatedListIsNegativeAndNoFindingPositive() {
        int[] r = L.label("No focal consolidation, pleural effusion, or pneumothorax.");
        assertEquals(NEG, r[LabelClass.CONSOLIDATION.ordinal()]);
        assertEquals(NEG, r[LabelClass.PLEURAL_EFFUSION.ordinal()]);
        assertEquals(NEG, r[LabelClass.PNEUMOTHORAX.ordinal()]);
        assertEquals(POS, r[LabelClass.NO_FINDING.ordinal()]);
        assertEquals(BLA, r[LabelClass.EDEMA.ordinal()]);
    }

    @Test
    void clauseScopeStopsAtBut() {
        int[] r = L.label("There is mild bibasilar atelectasis but no focal consolidation.");
        assertEquals(POS, r[LabelClass.ATELECTASIS.ordinal()]);
        assertEquals(NEG, r[LabelClass.CONSOLIDATION.ordinal()]);
        assertEquals(BLA, r[LabelClass.NO_FINDING.ordinal()]);
    }

    @Test
    void uncertaintyAndPreNegationUncertainty() {
        assertEquals(UNC, st("Pneumonia cannot be excluded.", LabelClass.PNEUMONIA));
        assertEquals(UNC, st("No new focal consolidation.", LabelClass.CONSOLIDATION));
        assertEquals(UNC, st("Left basilar opacity, likely atelectasis.", LabelClass.ATELECTASIS));
        assertEquals(POS, st("Left basilar opacity, likely atelectasis.", LabelClass.LUNG_OPACITY));
        assertEquals(NEG, st("Pneumothorax is not seen.", LabelClass.PNEUMOTHORAX));
        assertEquals(POS, st("The effusion has not resolved.", LabelClass.PLEURAL_EFFUSION));
        assertEquals(NEG, st("The effusion has resolved.", LabelClass.PLEURAL_EFFUSION));
    }

    @Test
    void aggregationPositiveOverUncertainOverNegative() {
        assertEquals(POS, st("No left effusion. Small right pleural effusion.", LabelClass.PLEURAL_EFFUSION));
        assertEquals(UNC, st("No large effusion. Small effusion is possible.", LabelClass.PLEURAL_EFFUSION));
        assertEquals(NEG, st("No effusion. Effusion has resolved.", LabelClass.PLEURAL_EFFUSION));
    }

    @Test
    void chfAddsUncertainCardiomegaly() {
        assertEquals(UNC, st("Findings consistent with CHF.", LabelClass.CARDIOMEGALY));
        assertEquals(UNC, st("Heart size is normal. Findings consistent with CHF.", LabelClass.CARDIOMEGALY));
        assertEquals(POS, st("Cardiomegaly and CHF.", LabelClass.CARDIOMEGALY));
    }

    @Test
    void supportDevicesDoNotBlockNoFinding() {
        int[] r = L.label("Endotracheal tube terminates 4 cm above the carina. Lungs are clear.");
        assertEquals(POS, r[LabelClass.SUPPORT_DEVICES.ordinal()]);
        assertEquals(POS, r[LabelClass.NO_FINDING.ordinal()]);
    }

    @Test
    void labelAllMatchesLabel() {
        List<String> reports = List.of("No effusion.", "Small effusion.", "", "Possible pneumonia.");
        int[][] all = L.labelAll(reports);
        for (int i = 0; i < reports.size(); i++) assertArrayEquals(L.label(reports.get(i)), all[i]);
    }

    @Test
    void stableHeartAnatomyIsUncertainUnlessQualified() {
        assertEquals(UNC, st("The cardiomediastinal silhouette is stable.", LabelClass.ENLARGED_CARDIOMEDIASTINUM));
        assertEquals(UNC, st("Heart size is unchanged.", LabelClass.CARDIOMEGALY));
        assertEquals(POS, st("Heart size is mildly enlarged but stable.", LabelClass.CARDIOMEGALY));
        assertEquals(NEG, st("Heart size is normal, unchanged.", LabelClass.CARDIOMEGALY));
        assertEquals(POS, st("Stable mild cardiomegaly.", LabelClass.CARDIOMEGALY));
    }

    @Test
    void postNegationAndPredicateCues() {
        assertEquals(NEG, st("Pleural effusion or pneumothorax is not seen.", LabelClass.PNEUMOTHORAX));
        assertEquals(NEG, st("The previously seen pneumothorax is no longer visualized.", LabelClass.PNEUMOTHORAX));
        assertEquals(NEG, st("Heart size normal.", LabelClass.CARDIOMEGALY));
        // "with normal ..." is not a predicate of the mention before it
        assertEquals(POS, st("Cardiomegaly with normal pulmonary vascularity.", LabelClass.CARDIOMEGALY));
        // "is likely <attribute>" keeps the finding certain; "is likely." hedges it
        assertEquals(POS, st("Left pleural effusion is likely loculated.", LabelClass.PLEURAL_EFFUSION));
        assertEquals(UNC, st("Atelectasis is likely.", LabelClass.ATELECTASIS));
        assertEquals(POS, st("Retrocardiac opacity is likely atelectasis.", LabelClass.LUNG_OPACITY));
    }

    @Test
    void orRuleAndNegationPrecedence() {
        assertEquals(UNC, st("Atelectasis or consolidation at the left base.", LabelClass.CONSOLIDATION));
        assertEquals(UNC, st("Opacities consistent with ARDS or multifocal pneumonia.", LabelClass.PNEUMONIA));
        assertEquals(NEG, st("No pleural effusion or pneumothorax.", LabelClass.PNEUMOTHORAX));
        assertEquals(POS, st("Retrocardiac opacity may represent atelectasis or pneumonia.", LabelClass.LUNG_OPACITY));
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
        assertEquals(NEG, st("The NG tube has been removed.", LabelClass.SUPPORT_DEVICES));
        // "normal ... with X" does not negate X (issue 19 moved sternotomy wires out of the device list,
        // so the case uses a pacemaker)
        assertEquals(POS, st("Normal postoperative appearance with a pacemaker.", LabelClass.SUPPORT_DEVICES));
        assertEquals(POS, st("No change in position of the endotracheal tube.", LabelClass.SUPPORT_DEVICES));
    }

    @Test
    void unmentionsAndAuxiliaryClasses() {
        assertEquals(BLA, st("Small pericardial effusion.", LabelClass.PLEURAL_EFFUSION));
        assertEquals(BLA, st("Plate-like atelectasis.", LabelClass.SUPPORT_DEVICES));
        assertEquals(BLA, st("Pacemaker leads in the heart.", LabelClass.CARDIOMEGALY));
        assertEquals(BLA, st("Visceral pleural line at the apex.", LabelClass.SUPPORT_DEVICES));
        assertEquals(POS, st("The aorta is tortuous.", LabelClass.AORTA_ABNORMAL));
        assertEquals(NEG, st("No acute osseous abnormality.", LabelClass.BONE_SPINE_ABNORMAL));
        assertEquals(BLA, st("No free air under the right hemidiaphragm.", LabelClass.HEMIDIAPHRAGM_ABNORMAL));
        assertEquals(POS, st("The right hemidiaphragm is elevated.", LabelClass.HEMIDIAPHRAGM_ABNORMAL));
        assertEquals(POS, st("Low lung volumes.", LabelClass.LUNG_VOLUME_ABNORMAL));
        assertEquals(NEG, st("Lungs are well expanded and clear.", LabelClass.LUNG_VOLUME_ABNORMAL));
        // the auxiliary classes do not rule out "No Finding" (CheXpert's rule covers its 14 classes)
        assertEquals(POS, st("Low lung volumes. Lungs are clear.", LabelClass.NO_FINDING));
        // CheXpert's no-finding list does
        assertEquals(BLA, st("Moderate hiatal hernia.", LabelClass.NO_FINDING));
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
