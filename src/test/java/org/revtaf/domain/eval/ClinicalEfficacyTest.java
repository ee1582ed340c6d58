package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.LabelStatus;
import org.revtaf.domain.text.ReportLabeler;

/** CE metrics on label sets worked by hand. */
class ClinicalEfficacyTest {
    static final int CARDIO = LabelClass.CARDIOMEGALY.ordinal();
    static final int EDEMA = LabelClass.EDEMA.ordinal();
    static final int EFFUSION = LabelClass.PLEURAL_EFFUSION.ordinal();
    static final int NO_FINDING = LabelClass.NO_FINDING.ordinal();

    static boolean[] pos(int... classes) {
        boolean[] b = new boolean[ClinicalEfficacy.CLASSES];
        for (int c : classes) b[c] = true;
        return b;
    }

    @Test
    void exampleMicroMacroAndPerClass() {
        // report 1: gt {cardiomegaly, edema}, pred {cardiomegaly, effusion}: tp 1 fp 1 fn 1 -> P = R = F1 = 0.5
        // report 2: nothing on either side -> 0/0 -> 0 for P, R, F1 (PromptMRG's nan_to_num)
        // report 3: gt = pred = {no finding}: 1, 1, 1
        // report 4: gt {edema}, pred {}: P 0/0 -> 0, R 0, F1 0
        // example-based: P = R = F1 = (0.5 + 0 + 1 + 0) / 4 = 0.375
        boolean[][] gt = {pos(CARDIO, EDEMA), pos(), pos(NO_FINDING), pos(EDEMA)};
        boolean[][] pred = {pos(CARDIO, EFFUSION), pos(), pos(NO_FINDING), pos()};
        ClinicalEfficacy.Result r = ClinicalEfficacy.score(gt, pred);
        assertEquals(0.375, r.p(), 1e-15);
        assertEquals(0.375, r.r(), 1e-15);
        assertEquals(0.375, r.f1(), 1e-15);
        assertArrayEquals(new double[] {0, 0, 0}, r.perReport()[1]);
        assertArrayEquals(new double[] {1, 1, 1}, r.perReport()[2]);
        // micro: tp 2 (cardiomegaly, no finding), fp 1 (effusion), fn 2 (edema twice):
        // P = 2/3, R = 2/4, F1 = 2 / (2 + 1.5) = 4/7
        assertEquals(2.0 / 3.0, r.micro().p(), 1e-15);
        assertEquals(0.5, r.micro().r(), 1e-15);
        assertEquals(4.0 / 7.0, r.micro().f1(), 1e-15);
        assertEquals(4, r.micro().support());
        // macro: only cardiomegaly and no finding score 1 (P, R, F1); 12 classes score 0: 2/14
        assertEquals(2.0 / 14, r.macro().p(), 1e-15);
        assertEquals(2.0 / 14, r.macro().r(), 1e-15);
        assertEquals(2.0 / 14, r.macro().f1(), 1e-15);
        ClinicalEfficacy.ClassScore edema = r.perClass().get(EDEMA);
        assertEquals("Edema", edema.name());
        assertEquals(2, edema.support());
        assertEquals(0, edema.predicted());
        assertEquals(2, edema.fn());
        assertEquals(0.0, edema.p());
        ClinicalEfficacy.ClassScore eff = r.perClass().get(EFFUSION);
        assertEquals(0, eff.support());
        assertEquals(1, eff.fp());
        assertEquals(14, r.perClass().size());
    }

    /** Positive for "cardiomegaly", negative for "no edema", uncertain for "possible effusion". */
    static final ReportLabeler FAKE = report -> {
        int[] codes = new int[LabelClass.ALL.size()];
        if (report.contains("cardiomegaly")) codes[CARDIO] = LabelStatus.POSITIVE.code();
        if (report.contains("no edema")) codes[EDEMA] = LabelStatus.NEGATIVE.code();
        if (report.contains("possible effusion")) codes[EFFUSION] = LabelStatus.UNCERTAIN.code();
        return codes;
    };

    @Test
    void onlyPositiveStatusesCount() {
        // gt: cardiomegaly positive; pred: edema negative, effusion uncertain -> no positive at all
        boolean[][] gt = ClinicalEfficacy.label(FAKE, List.of("cardiomegaly . no edema ."));
        boolean[][] pred = ClinicalEfficacy.label(FAKE, List.of("no edema . possible effusion ."));
        assertArrayEquals(pos(CARDIO), gt[0]);
        assertArrayEquals(pos(), pred[0]);
        ClinicalEfficacy.Result r = ClinicalEfficacy.score(gt, pred);
        assertEquals(0.0, r.p());
        assertEquals(0.0, r.r());
        assertEquals(1, r.perClass().get(CARDIO).fn());
    }
}
