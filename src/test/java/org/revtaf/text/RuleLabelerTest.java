package org.revtaf.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
