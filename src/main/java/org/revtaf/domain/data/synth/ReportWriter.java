package org.revtaf.domain.data.synth;

import java.util.ArrayList;
import java.util.List;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.data.synth.Finding.Side;
import org.revtaf.domain.text.LabelClass;

/**
 * Writes the findings section of a synthetic report in the style of MIMIC-CXR: devices, lungs,
 * pleura, heart and mediastinum, bones, with several phrasings per finding, explicit negatives for
 * normal structures that a CheXpert-style labeler reads ("no pleural effusion or pneumothorax"),
 * hedges for uncertain findings ("may represent", "cannot be excluded") and occasional sentences no
 * image can show (comparison with priors, technique, communication), which is the text noise of real
 * data. The section order varies a little between studies.
 */
public final class ReportWriter {
    private static final String[] ORDINAL = {
        "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"
    };

    private final SplitMix64 rng;
    private final List<Finding> findings;

    private ReportWriter(SplitMix64 rng, List<Finding> findings) {
        this.rng = rng;
        this.findings = findings;
    }

    /** The report text of a study with these findings. */
    public static String write(List<Finding> findings, SplitMix64 rng) {
        return new ReportWriter(rng, findings).build();
    }

    private boolean has(LabelClass c) {
        return FindingSampler.first(findings, c) != null;
    }

    private String build() {
        List<String> out = new ArrayList<>();
        if (rng.chance(0.25)) {
            out.add(rng.pick(
                    "Comparison is made to the prior study from ___.",
                    "PA and lateral views of the chest were obtained.",
                    "AP portable upright view of the chest.",
                    "As compared to the previous radiograph, there is no relevant change.",
                    "Single frontal view of the chest."));
        }
        for (Finding f : findings) if (f.label() == LabelClass.SUPPORT_DEVICES) out.add(device(f));
        boolean heartFirst = rng.chance(0.4);
        if (heartFirst) heart(out);
        lungs(out);
        pleura(out);
        if (!heartFirst) heart(out);
        bones(out);
        Finding hd = FindingSampler.first(findings, LabelClass.HEMIDIAPHRAGM_ABNORMAL);
        if (hd != null) {
            out.add(rng.pick(
                    "Elevation of the " + hd.side().word() + " hemidiaphragm.",
                    "The " + hd.side().word() + " hemidiaphragm is elevated.",
                    "There is elevation of the " + hd.side().word() + " hemidiaphragm."));
        }
        boolean normal = findings.stream().noneMatch(Finding::isPathology);
        if (normal && rng.chance(0.35)) {
            out.add(rng.pick("No acute cardiopulmonary process.", "No acute cardiopulmonary abnormality."));
        }
        if (rng.chance(0.08)) {
            out.add(rng.pick(
                    "Findings were discussed with the referring physician by telephone.",
                    "Clinical correlation is recommended.",
                    "Dr. ___ was notified of the findings at the time of review."));
        }
        return String.join(" ", out);
    }

    // ---------------------------------------------------------------- sections

    private String device(Finding f) {
        String side = f.side().word();
        return switch (f.entity()) {
            case "endotracheal tube" -> {
                int cm = 3 + rng.nextInt(4);
                yield rng.pick(
                        "Endotracheal tube terminates " + cm + " cm above the carina.",
                        "The endotracheal tube is in standard position.",
                        "ET tube tip is approximately " + cm + " cm above the carina.");
            }
            case "enteric tube" ->
                rng.pick(
                        "An enteric tube courses below the diaphragm with the tip in the stomach.",
                        "Nasogastric tube tip is in the stomach.",
                        "The enteric tube extends below the left hemidiaphragm.");
            case "central venous catheter" ->
                rng.pick(
                        cap(side) + " internal jugular central venous catheter terminates in the mid SVC.",
                        "A " + side + "-sided central line ends in the superior vena cava.",
                        cap(side) + " PICC line tip is at the cavoatrial junction.");
            case "pacemaker" ->
                rng.pick(
                        "Left chest wall pacemaker with leads in the right atrium and right ventricle.",
                        "A dual-lead pacemaker is in place.",
                        "Pacer device overlies the left chest with leads terminating in the expected positions.");
            default -> throw new IllegalStateException("no phrasing for device " + f.entity());
        };
    }

    private void lungs(List<String> out) {
        Finding vol = FindingSampler.first(findings, LabelClass.LUNG_VOLUME_ABNORMAL);
        if (vol != null) {
            out.add(
                    vol.entity().equals("low lung volumes")
                            ? rng.pick("Low lung volumes.", "Lung volumes are low.", "The lung volumes are low.")
                            : rng.pick(
                                    "The lungs are hyperinflated.",
                                    "Hyperinflation of the lungs.",
                                    "The lungs are hyperexpanded."));
        }
        Finding pneumonia = FindingSampler.first(findings, LabelClass.PNEUMONIA);
        boolean pneumoniaSaid = false;
        for (Finding f : findings) {
            switch (f.label()) {
                case LUNG_OPACITY, CONSOLIDATION -> {
                    if (pneumonia != null
                            && pneumonia.side() == f.side()
                            && pneumonia.zone().equals(f.zone())) {
                        out.add(airspaceWithPneumonia(f, pneumonia));
                        pneumoniaSaid = true;
                    } else out.add(airspace(f));
                }
                case EDEMA -> out.add(edema(f));
                case ATELECTASIS -> out.add(atelectasis(f));
                case LUNG_LESION -> out.add(lesion(f));
                default -> {}
            }
        }
        if (pneumonia != null && !pneumoniaSaid) {
            out.add(
                    pneumonia.uncertain()
                            ? "Pneumonia in the " + lobe(pneumonia) + " cannot be excluded."
                            : "Findings in the " + lobe(pneumonia) + " are consistent with pneumonia.");
        }
        boolean anyLung = has(LabelClass.LUNG_OPACITY)
                || has(LabelClass.CONSOLIDATION)
                || has(LabelClass.EDEMA)
                || has(LabelClass.ATELECTASIS)
                || has(LabelClass.LUNG_LESION)
                || has(LabelClass.PNEUMONIA);
        if (!anyLung && rng.chance(0.9)) {
            out.add(rng.pick(
                    "The lungs are clear.",
                    "Lungs are clear.",
                    "No focal consolidation.",
                    "There is no focal consolidation.",
                    "The lungs are clear without focal consolidation.",
                    "No focal airspace consolidation is seen."));
        } else if (!has(LabelClass.CONSOLIDATION) && !has(LabelClass.PNEUMONIA) && rng.chance(0.3)) {
            out.add(rng.pick("No focal consolidation.", "There is no focal consolidation."));
        }
        if (!has(LabelClass.EDEMA) && rng.chance(has(LabelClass.CARDIOMEGALY) ? 0.6 : 0.2)) {
            out.add(rng.pick("No pulmonary edema.", "There is no pulmonary edema.", "No evidence of pulmonary edema."));
        }
    }

    private void pleura(List<String> out) {
        Finding eff = FindingSampler.first(findings, LabelClass.PLEURAL_EFFUSION);
        Finding ptx = FindingSampler.first(findings, LabelClass.PNEUMOTHORAX);
        if (eff != null) out.add(effusion(eff));
        if (ptx != null) out.add(pneumothorax(ptx));
        for (Finding f : findings) {
            if (f.label() != LabelClass.PLEURAL_OTHER) continue;
            String where = f.zone().equals("apex") ? "apical" : "lateral";
            out.add(
                    f.side() == Side.BILATERAL
                            ? rng.pick(
                                    "Bilateral " + where + " pleural thickening.",
                                    "There is bilateral " + where + " pleural thickening.")
                            : rng.pick(
                                    cap(f.side().word()) + " " + where + " pleural thickening.",
                                    "Mild pleural thickening along the "
                                            + f.side().word() + " " + where + " chest wall."));
        }
        if (eff == null && ptx == null) {
            if (rng.chance(0.9)) {
                out.add(rng.pick(
                        "No pleural effusion or pneumothorax.",
                        "There is no pleural effusion or pneumothorax.",
                        "No effusion or pneumothorax.",
                        "No pleural effusion. No pneumothorax.",
                        "There is no evidence of pleural effusion or pneumothorax."));
            }
        } else if (eff == null) {
            if (rng.chance(0.7)) out.add(rng.pick("No pleural effusion.", "There is no pleural effusion."));
        } else if (ptx == null) {
            if (rng.chance(0.8))
                out.add(rng.pick("No pneumothorax.", "There is no pneumothorax.", "No pneumothorax is seen."));
        }
    }

    private void heart(List<String> out) {
        Finding cm = FindingSampler.first(findings, LabelClass.CARDIOMEGALY);
        Finding ecm = FindingSampler.first(findings, LabelClass.ENLARGED_CARDIOMEDIASTINUM);
        if (cm != null) out.add(cardiomegaly(cm));
        if (ecm != null) {
            out.add(
                    ecm.uncertain()
                            ? rng.pick(
                                    "Possible widening of the mediastinum.", "Mediastinal widening cannot be excluded.")
                            : rng.pick(
                                    "The mediastinum is widened.",
                                    "The cardiomediastinal silhouette is enlarged.",
                                    "There is widening of the mediastinal contour."));
        }
        if (cm == null && ecm == null && rng.chance(0.92)) {
            out.add(rng.pick(
                    "Heart size is normal.",
                    "The heart is normal in size.",
                    "The cardiomediastinal silhouette is within normal limits.",
                    "Normal cardiomediastinal silhouette.",
                    "Heart size and mediastinal contours are normal.",
                    "The cardiac and mediastinal contours are normal."));
        } else if (cm != null && ecm == null && rng.chance(0.3)) {
            out.add(rng.pick("The mediastinal contours are normal.", "Mediastinal contours are unremarkable."));
        }
        Finding aorta = FindingSampler.first(findings, LabelClass.AORTA_ABNORMAL);
        if (aorta != null) {
            out.add(
                    aorta.entity().equals("calcified aortic knob")
                            ? rng.pick("Calcification of the aortic knob.", "The aortic knob is calcified.")
                            : rng.pick("The aorta is tortuous.", "Tortuosity of the thoracic aorta."));
        }
    }

    private void bones(List<String> out) {
        Finding fx = FindingSampler.first(findings, LabelClass.FRACTURE);
        if (fx != null) {
            String rib =
                    fx.side().word() + " " + ORDINAL[Integer.parseInt(fx.zone().substring(4))] + " rib";
            out.add(
                    fx.uncertain()
                            ? rng.pick(
                                    "Possible nondisplaced fracture of the " + rib + ".",
                                    "Subtle lucency through the " + rib + " may represent a fracture.")
                            : fx.severity() == 1
                                    ? rng.pick(
                                            "Nondisplaced fracture of the " + rib + ".",
                                            "There is a nondisplaced " + rib + " fracture.")
                                    : rng.pick(
                                            "There is a mildly displaced fracture of the " + rib + ".",
                                            "Displaced fracture of the lateral " + rib + "."));
        } else if (rng.chance(0.25)) {
            out.add(rng.pick(
                    "No acute osseous abnormality.",
                    "No displaced fracture is seen.",
                    "No acute fracture is identified.",
                    "The osseous structures are unremarkable."));
        }
        Finding sc = FindingSampler.first(findings, LabelClass.BONE_SPINE_ABNORMAL);
        if (sc != null) {
            String sev = sc.severity() == 1 ? "Mild" : "Moderate";
            out.add(rng.pick(
                    sev + " scoliosis of the thoracic spine.",
                    "There is " + sev.toLowerCase(java.util.Locale.ROOT) + " thoracic scoliosis.",
                    sev + " dextroconvex scoliosis of the thoracic spine."));
        }
    }

    // ---------------------------------------------------------------- findings

    /** The lobe or zone words of a lung finding: "right lower lobe", "lingula", "bilateral lower lobes". */
    private String lobe(Finding f) {
        String side = f.side().word();
        boolean both = f.side() == Side.BILATERAL;
        return switch (f.zone()) {
            case "upper zone" ->
                both
                        ? rng.pick("bilateral upper lobes", "upper lungs bilaterally")
                        : rng.pick(side + " upper lobe", side + " upper zone", side + " upper lung");
            case "middle zone" ->
                both
                        ? rng.pick("bilateral mid lungs", "mid lung zones bilaterally")
                        : f.side() == Side.RIGHT
                                ? rng.pick("right middle lobe", "right mid lung", "right midlung zone")
                                : rng.pick("lingula", "left mid lung", "left midlung zone");
            default ->
                both
                        ? rng.pick("bilateral lower lobes", "lung bases bilaterally", "bilateral lung bases")
                        : rng.pick(side + " lower lobe", side + " lung base", side + " lower zone");
        };
    }

    private String severity(int s) {
        return switch (s) {
            case 1 -> rng.pick("mild", "faint", "subtle", "minimal");
            case 2 -> rng.pick("moderate", "patchy");
            default -> rng.pick("extensive", "dense", "severe");
        };
    }

    private String airspaceNoun(Finding f) {
        return f.label() == LabelClass.CONSOLIDATION ? "consolidation" : "opacity";
    }

    private String airspace(Finding f) {
        String noun = airspaceNoun(f);
        String loc = lobe(f);
        if (f.uncertain()) {
            return rng.pick(
                    "Possible " + noun + " in the " + loc + ".",
                    cap(noun) + " in the " + loc + " cannot be excluded.",
                    "There may be a subtle " + noun + " in the " + loc + ".",
                    "Question of early " + noun + " at the " + loc + ".");
        }
        String sev = severity(f.severity());
        return rng.pick(
                "There is " + article(sev) + " " + sev + " " + noun + " in the " + loc + ".",
                cap(sev) + " " + loc + " " + noun + ".",
                cap(sev) + " " + noun + " is seen in the " + loc + ".",
                cap(noun) + " involving the " + loc + " is " + sev + ".");
    }

    private String airspaceWithPneumonia(Finding f, Finding pneumonia) {
        String noun = airspaceNoun(f);
        String np = severity(f.severity()) + " " + lobe(f) + " " + noun;
        String tail = pneumonia.uncertain()
                ? rng.pick(
                        ", concerning for pneumonia.",
                        ", which may represent pneumonia.",
                        "; pneumonia cannot be excluded.")
                : rng.pick(", consistent with pneumonia.", ", compatible with pneumonia.", " reflecting pneumonia.");
        return cap(np) + tail;
    }

    private String edema(Finding f) {
        if (f.uncertain()) {
            return rng.pick(
                    "Possible mild pulmonary edema.",
                    "Perihilar haziness may reflect mild edema.",
                    "Mild pulmonary edema cannot be excluded.");
        }
        return switch (f.severity()) {
            case 1 ->
                rng.pick(
                        "Mild pulmonary edema.",
                        "Mild interstitial edema.",
                        "There is mild pulmonary vascular congestion.");
            case 2 ->
                rng.pick(
                        "Moderate pulmonary edema.",
                        "Findings are consistent with moderate pulmonary edema.",
                        "There is moderate interstitial pulmonary edema.");
            default ->
                rng.pick(
                        "Severe pulmonary edema.",
                        "Severe pulmonary edema with perihilar haziness.",
                        "Marked pulmonary edema has developed.");
        };
    }

    private String atelectasis(Finding f) {
        if (f.side() == Side.BILATERAL) {
            return f.uncertain()
                    ? rng.pick("Possible bibasilar atelectasis.", "Bibasilar atelectasis cannot be excluded.")
                    : rng.pick(
                            "Bibasilar atelectasis.",
                            "Mild bibasilar atelectasis.",
                            "Bilateral basilar atelectasis is noted.");
        }
        String side = f.side().word();
        return f.uncertain()
                ? rng.pick(
                        "Possible " + side + " basilar atelectasis.",
                        "Minimal atelectasis at the " + side + " base cannot be excluded.")
                : rng.pick(
                        cap(side) + " basilar atelectasis.",
                        "Linear atelectasis at the " + side + " base.",
                        "Plate-like atelectasis in the " + side + " lower lobe.",
                        "There is " + side + " basal subsegmental atelectasis.");
    }

    private String lesion(Finding f) {
        String loc = lobe(f);
        if (f.entity().equals("mass")) {
            int cm = 3 + rng.nextInt(3);
            return f.uncertain()
                    ? "A mass in the " + loc + " cannot be excluded."
                    : rng.pick(
                            "There is a " + cm + " cm mass in the " + loc + ".",
                            "A large mass is seen in the " + loc + ", concerning for malignancy.");
        }
        int mm = 8 + 5 * f.severity() + rng.nextInt(4);
        return f.uncertain()
                ? rng.pick(
                        "Possible small nodule in the " + loc + ".",
                        "A nodule in the " + loc + " cannot be excluded.",
                        "Questionable nodule projecting over the " + loc + ".")
                : rng.pick(
                        "A " + mm + " mm nodule is seen in the " + loc + ".",
                        "There is a " + mm + " mm nodule in the " + loc + ".",
                        cap(loc) + " nodule measures approximately " + mm + " mm.");
    }

    private String effusion(Finding f) {
        String size = f.severityWord();
        if (f.side() == Side.BILATERAL) {
            return f.uncertain()
                    ? rng.pick(
                            "Possible small bilateral pleural effusions.",
                            "Small bilateral pleural effusions cannot be excluded.")
                    : rng.pick(
                            cap(size) + " bilateral pleural effusions.",
                            "There are " + size + " bilateral pleural effusions.",
                            cap(size) + " pleural effusions are present bilaterally.");
        }
        String side = f.side().word();
        if (f.uncertain()) {
            return rng.pick(
                    "Possible small " + side + " pleural effusion.",
                    "Trace " + side + " pleural effusion cannot be excluded.",
                    "Blunting of the " + side + " costophrenic angle may reflect a small effusion.");
        }
        return rng.pick(
                cap(size) + " " + side + " pleural effusion.",
                "There is " + article(size) + " " + size + " " + side + " pleural effusion.",
                cap(size) + " " + side + " pleural effusion with blunting of the costophrenic angle.");
    }

    private String pneumothorax(Finding f) {
        String side = f.side().word();
        String where = f.zone().equals("apex") ? "apical" : "lateral";
        if (f.uncertain()) {
            return rng.pick(
                    "Possible tiny " + side + " " + where + " pneumothorax.",
                    "A small " + side + " pneumothorax cannot be excluded.");
        }
        String size = f.severityWord();
        return rng.pick(
                cap(size) + " " + side + " " + where + " pneumothorax.",
                "There is " + article(size) + " " + size + " " + side + " pneumothorax.",
                cap(article(size)) + " " + size + " " + side
                        + " pneumothorax is present, with a visible pleural line.");
    }

    private String cardiomegaly(Finding f) {
        if (f.uncertain()) {
            return rng.pick(
                    "Possible mild cardiomegaly.", "Mild cardiomegaly cannot be excluded.", "Possible cardiomegaly.");
        }
        return switch (f.severity()) {
            case 1 -> rng.pick("Mild cardiomegaly.", "The heart is mildly enlarged.", "Heart size is mildly enlarged.");
            case 2 ->
                rng.pick(
                        "Moderate cardiomegaly.",
                        "The cardiac silhouette is moderately enlarged.",
                        "The heart is moderately enlarged.");
            default ->
                rng.pick(
                        "Severe cardiomegaly.",
                        "Marked enlargement of the cardiac silhouette.",
                        "The heart is severely enlarged.");
        };
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
