package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The labeler on text as written and after R2Gen/PromptMRG cleaning (commas and semicolons gone):
 * clause starts without punctuation ({@link ClauseStart}), and the phrasing fixes that came with
 * them. Every case is checked on the raw sentence and on {@link ReportCleaner#cleanMimic} of it.
 */
class CleanedClauseTest {
    private static final ReportLabeler L = Labelers.standard();
    private static final int BLA = 0, POS = 1, NEG = 2, UNC = 3;

    record Case(String text, LabelClass cls, int expected) {}

    private static Case c(String text, LabelClass cls, int expected) {
        return new Case(text, cls, expected);
    }

    private static void check(List<Case> cases) {
        for (Case k : cases) {
            for (String text : List.of(k.text(), ReportCleaner.cleanMimic(k.text()))) {
                int got = L.label(text)[k.cls().ordinal()];
                assertEquals(
                        LabelStatus.ofCode(k.expected()),
                        LabelStatus.ofCode(got),
                        k.cls().csvName() + " of \"" + text + "\"");
            }
        }
    }

    @Test
    void negationEndsWhereTheNextClauseStarts() {
        check(List.of(
                c("No focal consolidation, moderate bilateral effusions.", LabelClass.PLEURAL_EFFUSION, POS),
                c("No focal consolidation, moderate bilateral effusions.", LabelClass.CONSOLIDATION, NEG),
                c("No pulmonary edema; the cardiac silhouette is enlarged.", LabelClass.CARDIOMEGALY, POS),
                c("No pulmonary edema; the cardiac silhouette is enlarged.", LabelClass.EDEMA, NEG),
                c("No acute displaced fracture; remote right clavicular fracture.", LabelClass.FRACTURE, POS),
                c("No new consolidation; large left effusion persists.", LabelClass.PLEURAL_EFFUSION, POS),
                c(
                        "No effusion is seen on the left, a small right effusion is noted.",
                        LabelClass.PLEURAL_EFFUSION,
                        POS),
                c("Without pneumothorax, ICD leads in expected position.", LabelClass.SUPPORT_DEVICES, POS),
                c("Without pneumothorax, ICD leads in expected position.", LabelClass.PNEUMOTHORAX, NEG),
                c("No pneumothorax status post right PICC placement.", LabelClass.SUPPORT_DEVICES, POS),
                c("No pneumothorax after removal of the left chest tube.", LabelClass.SUPPORT_DEVICES, NEG),
                c("No edema or focal opacity, the heart is top normal in size.", LabelClass.CARDIOMEGALY, NEG)));
    }

    @Test
    void negatedListsStillNegateEveryItem() {
        check(List.of(
                c(
                        "No pleural effusion, pneumothorax or focal airspace consolidation.",
                        LabelClass.PLEURAL_EFFUSION,
                        NEG),
                c("No pleural effusion, pneumothorax or focal airspace consolidation.", LabelClass.PNEUMOTHORAX, NEG),
                c("No pleural effusion, pneumothorax or focal airspace consolidation.", LabelClass.CONSOLIDATION, NEG),
                c("No evidence of pneumothorax or large effusion.", LabelClass.PLEURAL_EFFUSION, NEG),
                c("No large pleural effusion.", LabelClass.PLEURAL_EFFUSION, NEG),
                c("No acute rib fracture.", LabelClass.FRACTURE, NEG),
                c("No pneumothorax in the right apex.", LabelClass.PNEUMOTHORAX, NEG),
                c(
                        "No edema, focal airspace opacity, large effusion, or pneumothorax.",
                        LabelClass.PLEURAL_EFFUSION,
                        NEG),
                c("No edema, focal airspace opacity, large effusion, or pneumothorax.", LabelClass.PNEUMOTHORAX, NEG),
                c("No pneumothorax, moderate or large pleural effusion.", LabelClass.PLEURAL_EFFUSION, NEG)));
    }

    @Test
    void listsCloseAndHedgesOpenTheirOwnClause() {
        check(List.of(
                c("No effusion or pneumothorax, cardiomegaly is stable.", LabelClass.CARDIOMEGALY, POS),
                c("No consolidation or edema, atelectasis at the right base.", LabelClass.ATELECTASIS, POS),
                c("No evidence of pneumonia, bibasilar opacity possibly atelectasis.", LabelClass.ATELECTASIS, UNC),
                c("No evidence of pneumonia, bibasilar opacity possibly atelectasis.", LabelClass.LUNG_OPACITY, POS),
                c("No focal opacity concerning for pneumonia.", LabelClass.PNEUMONIA, NEG),
                c("No focal consolidation that could represent pneumonia.", LabelClass.PNEUMONIA, NEG),
                c("No radiographic findings to suggest pneumonia.", LabelClass.PNEUMONIA, NEG),
                c(
                        "Heart and mediastinum within normal limits; no acute bony abnormality.",
                        LabelClass.CARDIOMEGALY,
                        NEG),
                c(
                        "No acute bony abnormality, remote healed fracture of the right seventh rib.",
                        LabelClass.FRACTURE,
                        POS),
                c("No acute cardiopulmonary process; the heart is mildly enlarged.", LabelClass.CARDIOMEGALY, POS),
                c("Right basilar opacity may represent an early pneumonia.", LabelClass.PNEUMONIA, UNC),
                c("No opacity to suggest a pneumonia.", LabelClass.PNEUMONIA, NEG)));
    }

    @Test
    void postNegationCoversItsSubjectOnly() {
        check(List.of(
                c("Left subclavian line in place, pneumothorax is not seen.", LabelClass.SUPPORT_DEVICES, POS),
                c("Left subclavian line in place, pneumothorax is not seen.", LabelClass.PNEUMOTHORAX, NEG),
                c("Small right effusion, pneumothorax is not identified.", LabelClass.PLEURAL_EFFUSION, POS),
                c("Bibasilar atelectasis; edema has resolved.", LabelClass.ATELECTASIS, POS),
                c("Bibasilar atelectasis; edema has resolved.", LabelClass.EDEMA, NEG),
                c("Right basilar opacity, aspiration cannot be excluded.", LabelClass.LUNG_OPACITY, POS),
                c("Consolidation and effusion are no longer seen.", LabelClass.CONSOLIDATION, NEG),
                c("Consolidation, edema, or effusion is not seen.", LabelClass.CONSOLIDATION, NEG),
                c("The nasogastric tube has been removed.", LabelClass.SUPPORT_DEVICES, NEG),
                c("The aortic contour is unremarkable.", LabelClass.AORTA_ABNORMAL, NEG)));
    }

    @Test
    void hedgesReachEveryItemOfTheirList() {
        check(List.of(
                c(
                        "Left lower lobe opacity could reflect atelectasis, aspiration, or pneumonia.",
                        LabelClass.PNEUMONIA,
                        UNC),
                c(
                        "Left lower lobe opacity could reflect atelectasis, aspiration, or pneumonia.",
                        LabelClass.ATELECTASIS,
                        UNC),
                c(
                        "Left lower lobe opacity could reflect atelectasis, aspiration, or pneumonia.",
                        LabelClass.LUNG_OPACITY,
                        POS),
                c("A moderate right effusion is probably present.", LabelClass.PLEURAL_EFFUSION, UNC),
                c("Pacer/ICD generator overlies the left chest.", LabelClass.SUPPORT_DEVICES, POS)));
    }

    @Test
    void normalStatementsInOtherWords() {
        check(List.of(
                c("Heart and mediastinal contours are normal.", LabelClass.CARDIOMEGALY, NEG),
                c("Both costophrenic angles are clear.", LabelClass.PLEURAL_EFFUSION, NEG),
                c(
                        "Cardiomediastinal contours are unremarkable in size and configuration.",
                        LabelClass.ENLARGED_CARDIOMEDIASTINUM,
                        NEG),
                c("The bony thorax is without acute abnormality.", LabelClass.BONE_SPINE_ABNORMAL, NEG),
                c("No acute bony injury.", LabelClass.BONE_SPINE_ABNORMAL, NEG),
                c("Lungs are well inflated and clear.", LabelClass.LUNG_VOLUME_ABNORMAL, NEG),
                c("The lungs are not well expanded.", LabelClass.LUNG_VOLUME_ABNORMAL, POS),
                c("Lungs are small in volume.", LabelClass.LUNG_VOLUME_ABNORMAL, POS),
                c("The diaphragm is normally positioned.", LabelClass.HEMIDIAPHRAGM_ABNORMAL, NEG),
                c("Hemidiaphragms are smooth and normally positioned.", LabelClass.HEMIDIAPHRAGM_ABNORMAL, NEG),
                c("Pacemaker leads are unremarkable in position.", LabelClass.SUPPORT_DEVICES, POS),
                c(
                        "The cardiomediastinal silhouette is unchanged with a large hiatal hernia.",
                        LabelClass.ENLARGED_CARDIOMEDIASTINUM,
                        UNC)));
    }

    @Test
    void findingsAndDevicesInOtherWords() {
        check(List.of(
                c("Pulmonary venous engorgement is present.", LabelClass.EDEMA, UNC),
                c("No vascular engorgement.", LabelClass.EDEMA, NEG),
                c("IABP in place.", LabelClass.SUPPORT_DEVICES, POS),
                c("Implantable loop recorder over the left chest.", LabelClass.SUPPORT_DEVICES, POS),
                c("LVAD and Impella device are unchanged.", LabelClass.SUPPORT_DEVICES, POS),
                c("Small left apical PTX.", LabelClass.PNEUMOTHORAX, POS),
                c("No PTX.", LabelClass.PNEUMOTHORAX, NEG),
                c("Mild pulmonary venous congestion.", LabelClass.EDEMA, UNC),
                c("NGT tip in the stomach.", LabelClass.SUPPORT_DEVICES, POS),
                c("The ETT has been removed.", LabelClass.SUPPORT_DEVICES, NEG),
                c("Known bronchogenic cancer of the left upper lobe.", LabelClass.LUNG_LESION, POS),
                c("Bibasilar haziness.", LabelClass.LUNG_OPACITY, POS),
                c("Prominent septal Kerley A lines bilaterally.", LabelClass.SUPPORT_DEVICES, BLA),
                c("Repeat radiograph with nipple markers is suggested.", LabelClass.SUPPORT_DEVICES, BLA),
                c(
                        "Mediastinal shift to the left from the large effusion.",
                        LabelClass.ENLARGED_CARDIOMEDIASTINUM,
                        BLA)));
    }

    @Test
    void spineAndDiaphragmFindingsRuleOutNoFinding() {
        check(List.of(
                c("Mild degenerative osteophytes of the thoracic spine.", LabelClass.NO_FINDING, BLA),
                c("Wedge compression deformities at two lower thoracic levels.", LabelClass.NO_FINDING, BLA),
                c("Elevated left hemidiaphragm.", LabelClass.NO_FINDING, BLA),
                c("Elevated left hemidiaphragm.", LabelClass.HEMIDIAPHRAGM_ABNORMAL, POS),
                c("Mildly tortuous thoracic aorta. Lungs are clear.", LabelClass.NO_FINDING, POS)));
    }
}
