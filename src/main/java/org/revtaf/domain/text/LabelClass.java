package org.revtaf.domain.text;

import java.util.List;

/**
 * The 18 label classes of PromptMRG, in its order: the 14 CheXpert classes in CheXbert's order, then
 * the 4 auxiliary classes. {@code csvName} is the CheXbert CSV column header.
 */
public enum LabelClass {
    ENLARGED_CARDIOMEDIASTINUM("Enlarged Cardiomediastinum"),
    CARDIOMEGALY("Cardiomegaly"),
    LUNG_OPACITY("Lung Opacity"),
    LUNG_LESION("Lung Lesion"),
    EDEMA("Edema"),
    CONSOLIDATION("Consolidation"),
    PNEUMONIA("Pneumonia"),
    ATELECTASIS("Atelectasis"),
    PNEUMOTHORAX("Pneumothorax"),
    PLEURAL_EFFUSION("Pleural Effusion"),
    PLEURAL_OTHER("Pleural Other"),
    FRACTURE("Fracture"),
    SUPPORT_DEVICES("Support Devices"),
    NO_FINDING("No Finding"),
    AORTA_ABNORMAL("Aorta Abnormal"),
    BONE_SPINE_ABNORMAL("Bone/Spine Abnormal"),
    HEMIDIAPHRAGM_ABNORMAL("Hemidiaphragm Abnormal"),
    LUNG_VOLUME_ABNORMAL("Lung Volume Abnormal");

    /** The 14 CheXpert classes (indices 0..13). */
    public static final List<LabelClass> CHEXPERT = List.of(values()).subList(0, 14);

    /** All 18 classes. */
    public static final List<LabelClass> ALL = List.of(values());

    private final String csvName;

    LabelClass(String csvName) {
        this.csvName = csvName;
    }

    public String csvName() {
        return csvName;
    }
}
