package org.revtaf.domain.data.synth;

import java.util.ArrayList;
import java.util.List;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.data.synth.Finding.Side;
import org.revtaf.domain.text.LabelClass;

/**
 * Draws the findings of one study with MIMIC-CXR-like long-tailed frequencies and co-occurrence.
 * Three latent patient states drive the correlations: an ICU stay (devices, effusion, atelectasis,
 * pneumothorax), heart failure (cardiomegaly, edema, effusion, enlarged cardiomediastinum) and
 * infection (opacity, consolidation, pneumonia). Marginal rates of the truth over 20,000 draws
 * (MIMIC-CXR's CheXpert positive rates in brackets): support devices 25% (22), opacity 23% (25),
 * cardiomegaly 20% (22), atelectasis 20% (21), effusion 18% (18), edema 7.6% (7.5), enlarged
 * cardiomediastinum 4.4% (5.5), lesion 3.7% (3.8), consolidation 4.2% (2.9), pneumonia 3.9% (3.2),
 * fracture 2.5% (3.7), pneumothorax 2.2% (2.4), pleural other 1.8% (2.1); no pathology 37% (24).
 * {@code FindingSamplerTest} checks the head, the thin tail and the co-occurrences.
 */
public final class FindingSampler {
    private static final String[] ZONES = {"upper zone", "middle zone", "lower zone"};

    private FindingSampler() {}

    /** The findings of one study, in a fixed order (the order the renderer and the report use). */
    public static List<Finding> sample(SplitMix64 rng) {
        boolean icu = rng.chance(0.28);
        boolean chf = rng.chance(icu ? 0.28 : 0.12);
        boolean infection = rng.chance(icu ? 0.20 : 0.10);
        List<Finding> f = new ArrayList<>();

        // heart and mediastinum
        if (rng.chance(chf ? 0.72 : 0.10)) {
            int sev = chf ? 1 + rng.nextInt(3) : 1 + (rng.chance(0.8) ? 0 : 1);
            f.add(new Finding(LabelClass.CARDIOMEGALY, "cardiomegaly", Side.MIDLINE, "heart", sev, rng.chance(0.08)));
        }
        if (rng.chance(chf ? 0.12 : 0.03)) {
            f.add(new Finding(
                    LabelClass.ENLARGED_CARDIOMEDIASTINUM,
                    "enlarged cardiomediastinum",
                    Side.MIDLINE,
                    "mediastinum",
                    1 + rng.nextInt(2),
                    rng.chance(0.25)));
        }
        // edema
        boolean edema = rng.chance(chf ? 0.40 : icu ? 0.03 : 0.008);
        if (edema) {
            f.add(new Finding(
                    LabelClass.EDEMA,
                    "pulmonary edema",
                    Side.BILATERAL,
                    "perihilar",
                    1 + rng.nextInt(3),
                    rng.chance(0.15)));
        }
        // airspace disease
        if (infection && rng.chance(0.30)) {
            Side side = rng.chance(0.15) ? Side.BILATERAL : rng.pick(Side.RIGHT, Side.LEFT);
            String zone = rng.chance(0.6) ? "lower zone" : rng.pick(ZONES);
            boolean consolidation = rng.chance(0.6);
            int sev = 1 + rng.nextInt(3);
            f.add(new Finding(
                    consolidation ? LabelClass.CONSOLIDATION : LabelClass.LUNG_OPACITY,
                    consolidation ? "consolidation" : "opacity",
                    side,
                    zone,
                    sev,
                    false));
            f.add(new Finding(LabelClass.PNEUMONIA, "pneumonia", side, zone, sev, rng.chance(0.55)));
        } else if (rng.chance(infection ? 0.55 : 0.21)) {
            Side side = rng.chance(0.2) ? Side.BILATERAL : rng.pick(Side.RIGHT, Side.LEFT);
            boolean consolidation = rng.chance(infection ? 0.2 : 0.04);
            f.add(new Finding(
                    consolidation ? LabelClass.CONSOLIDATION : LabelClass.LUNG_OPACITY,
                    consolidation ? "consolidation" : "opacity",
                    side,
                    rng.pick(ZONES),
                    1 + rng.nextInt(3),
                    rng.chance(0.2)));
        }
        if (rng.chance(0.035)) {
            boolean mass = rng.chance(0.2);
            f.add(new Finding(
                    LabelClass.LUNG_LESION,
                    mass ? "mass" : "nodule",
                    rng.pick(Side.RIGHT, Side.LEFT),
                    rng.pick(ZONES),
                    mass ? 3 : 1 + rng.nextInt(2),
                    rng.chance(0.2)));
        }
        // pleura
        boolean effusion = rng.chance(chf ? 0.50 : icu ? 0.26 : 0.07);
        if (effusion) {
            Side side = rng.chance(chf ? 0.55 : 0.3) ? Side.BILATERAL : rng.pick(Side.RIGHT, Side.LEFT);
            int sev = rng.chance(0.55) ? 1 : rng.chance(0.7) ? 2 : 3;
            f.add(new Finding(
                    LabelClass.PLEURAL_EFFUSION, "pleural effusion", side, "base", sev, sev == 1 && rng.chance(0.2)));
        }
        if (rng.chance(0.12 + (icu ? 0.16 : 0) + (effusion ? 0.18 : 0))) {
            Side side = rng.chance(0.4) ? Side.BILATERAL : rng.pick(Side.RIGHT, Side.LEFT);
            f.add(new Finding(
                    LabelClass.ATELECTASIS, "atelectasis", side, "base", 1 + rng.nextInt(2), rng.chance(0.25)));
        }
        if (rng.chance(icu ? 0.05 : 0.012)) {
            f.add(new Finding(
                    LabelClass.PNEUMOTHORAX,
                    "pneumothorax",
                    rng.pick(Side.RIGHT, Side.LEFT),
                    rng.chance(0.7) ? "apex" : "lateral",
                    rng.chance(0.6) ? 1 : 1 + rng.nextInt(3),
                    rng.chance(0.1)));
        }
        if (rng.chance(0.018)) {
            f.add(new Finding(
                    LabelClass.PLEURAL_OTHER,
                    "pleural thickening",
                    rng.pick(Side.RIGHT, Side.LEFT, Side.BILATERAL),
                    rng.chance(0.5) ? "apex" : "lateral",
                    1 + rng.nextInt(2),
                    false));
        }
        // bones
        if (rng.chance(0.025)) {
            int rib = 4 + rng.nextInt(5);
            f.add(new Finding(
                    LabelClass.FRACTURE,
                    "rib fracture",
                    rng.pick(Side.RIGHT, Side.LEFT),
                    "rib " + rib,
                    1 + rng.nextInt(2),
                    rng.chance(0.15)));
        }
        // devices
        if (rng.chance(icu ? 0.78 : 0.05)) {
            if (icu && rng.chance(0.55))
                f.add(new Finding(LabelClass.SUPPORT_DEVICES, "endotracheal tube", Side.MIDLINE, "trachea", 0, false));
            if (icu && rng.chance(0.45))
                f.add(new Finding(LabelClass.SUPPORT_DEVICES, "enteric tube", Side.MIDLINE, "stomach", 0, false));
            if (rng.chance(0.5))
                f.add(new Finding(
                        LabelClass.SUPPORT_DEVICES,
                        "central venous catheter",
                        rng.pick(Side.RIGHT, Side.LEFT),
                        "superior vena cava",
                        0,
                        false));
            if (rng.chance(icu ? 0.15 : 0.5) || f.stream().noneMatch(x -> x.label() == LabelClass.SUPPORT_DEVICES))
                f.add(new Finding(LabelClass.SUPPORT_DEVICES, "pacemaker", Side.LEFT, "chest wall", 0, false));
        }
        // auxiliary classes
        if (rng.chance(0.05)) {
            boolean calcified = rng.chance(1 / 3.0);
            f.add(new Finding(
                    LabelClass.AORTA_ABNORMAL,
                    calcified ? "calcified aortic knob" : "tortuous aorta",
                    Side.MIDLINE,
                    "aorta",
                    1,
                    false));
        }
        if (rng.chance(0.035)) {
            f.add(new Finding(
                    LabelClass.BONE_SPINE_ABNORMAL,
                    "scoliosis",
                    Side.MIDLINE,
                    "thoracic spine",
                    1 + rng.nextInt(2),
                    false));
        }
        if (rng.chance(0.03)) {
            f.add(new Finding(
                    LabelClass.HEMIDIAPHRAGM_ABNORMAL,
                    "elevated hemidiaphragm",
                    rng.pick(Side.RIGHT, Side.LEFT),
                    "hemidiaphragm",
                    1 + rng.nextInt(2),
                    false));
        }
        if (rng.chance(0.05)) {
            boolean low = rng.chance(0.6);
            f.add(new Finding(
                    LabelClass.LUNG_VOLUME_ABNORMAL,
                    low ? "low lung volumes" : "hyperinflation",
                    Side.BILATERAL,
                    "lungs",
                    1,
                    false));
        }
        return List.copyOf(f);
    }

    /** The first finding of the given label, or null. */
    public static Finding first(List<Finding> findings, LabelClass label) {
        for (Finding f : findings) if (f.label() == label) return f;
        return null;
    }

    /** The first finding of the given entity, or null. */
    public static Finding entity(List<Finding> findings, String entity) {
        for (Finding f : findings) if (f.entity().equals(entity)) return f;
        return null;
    }
}
