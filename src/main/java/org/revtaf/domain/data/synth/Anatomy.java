package org.revtaf.domain.data.synth;

import java.util.List;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.text.LabelClass;

/**
 * The patient: anatomy parameters of one synthetic study in the canonical frame (normalised image
 * coordinates, midline at x = 0.5, before the patient's rotation and shift), already adjusted for the
 * findings that change anatomy (cardiomegaly, widened mediastinum, diaphragm, lung volume, scoliosis,
 * aorta). "d" below is the distance from the midline towards one side; side sign s = -1 is the image's
 * left half, which is the patient's right.
 *
 * @param tw thorax half-width at its widest
 * @param apexY height of the lung apices
 * @param domeRight top of the right hemidiaphragm dome (image left)
 * @param domeLeft top of the left hemidiaphragm dome
 * @param depth how far the costophrenic angle lies below the dome top
 * @param mw half-width of the mediastinum (upper)
 * @param ctr cardiothoracic ratio: heart width / thorax width (> 0.5 is cardiomegaly)
 * @param heartRy vertical radius of the heart
 * @param carinaY height of the carina
 * @param aortaR radius of the aortic knob
 * @param scoliosis lateral amplitude of the spine's curve (0 = straight)
 * @param ribWidth width of a posterior rib
 * @param stomachBubble whether a gastric air bubble shows under the left dome
 * @param rotation patient rotation in radians (applied when the film is "taken")
 * @param shiftX horizontal shift of the patient
 * @param shiftY vertical shift of the patient
 * @param scale magnification
 * @param contrast display contrast
 * @param brightness display offset
 * @param gamma display gamma
 * @param noise pixel noise standard deviation
 */
record Anatomy(
        double tw,
        double apexY,
        double domeRight,
        double domeLeft,
        double depth,
        double mw,
        double ctr,
        double heartRy,
        double carinaY,
        double aortaR,
        double scoliosis,
        double ribWidth,
        boolean stomachBubble,
        double rotation,
        double shiftX,
        double shiftY,
        double scale,
        double contrast,
        double brightness,
        double gamma,
        double noise) {

    static final double CX = 0.5;

    /** Tilt of the heart's long axis (radians, apex down towards the image's right). */
    static final double HEART_TILT = 0.45;

    static Anatomy sample(SplitMix64 rng, List<Finding> findings) {
        double tw = rng.uniform(0.36, 0.41);
        double apexY = rng.uniform(0.10, 0.14);
        double domeR = rng.uniform(0.66, 0.71);
        double domeL = domeR + rng.uniform(0.01, 0.035);
        double depth = rng.uniform(0.06, 0.09);
        double mw = rng.uniform(0.045, 0.058);
        double ctr = rng.uniform(0.38, 0.47);
        double aortaR = rng.uniform(0.022, 0.03);
        double scoliosis = 0;
        Finding cm = FindingSampler.first(findings, LabelClass.CARDIOMEGALY);
        if (cm != null)
            ctr = cm.uncertain() ? rng.uniform(0.49, 0.53) : 0.50 + 0.045 * cm.severity() + rng.uniform(0, 0.03);
        Finding ecm = FindingSampler.first(findings, LabelClass.ENLARGED_CARDIOMEDIASTINUM);
        if (ecm != null) mw *= 1.35 + 0.25 * ecm.severity();
        if (FindingSampler.entity(findings, "tortuous aorta") != null) aortaR *= 1.6;
        Finding sc = FindingSampler.first(findings, LabelClass.BONE_SPINE_ABNORMAL);
        if (sc != null) scoliosis = (rng.chance(0.5) ? 1 : -1) * (0.03 + 0.02 * sc.severity());
        Finding vol = FindingSampler.first(findings, LabelClass.LUNG_VOLUME_ABNORMAL);
        if (vol != null && vol.entity().equals("low lung volumes")) {
            domeR -= 0.08;
            domeL -= 0.08;
            ctr += 0.02; // crowding makes the heart look broader
        } else if (vol != null) {
            domeR += 0.07;
            domeL += 0.07;
            depth *= 0.5; // flattened domes
        }
        Finding hd = FindingSampler.first(findings, LabelClass.HEMIDIAPHRAGM_ABNORMAL);
        if (hd != null) {
            double lift = 0.05 + 0.035 * hd.severity();
            if (hd.side() == Finding.Side.RIGHT) domeR -= lift;
            else domeL -= lift;
        }
        return new Anatomy(
                tw,
                apexY,
                domeR,
                domeL,
                depth,
                mw,
                ctr,
                rng.uniform(0.11, 0.135),
                rng.uniform(0.32, 0.36),
                aortaR,
                scoliosis,
                rng.uniform(0.016, 0.021),
                rng.chance(0.7),
                rng.gaussian(0, 0.035),
                rng.gaussian(0, 0.015),
                rng.gaussian(0, 0.012),
                rng.uniform(0.93, 1.04),
                rng.uniform(0.85, 1.2),
                rng.uniform(-0.06, 0.06),
                rng.uniform(0.85, 1.15),
                rng.uniform(0.010, 0.028));
    }

    /** The same patient filmed straight: no rotation, shift, magnification or noise, neutral display (for tests). */
    Anatomy canonical() {
        return new Anatomy(
                tw,
                apexY,
                domeRight,
                domeLeft,
                depth,
                mw,
                ctr,
                heartRy,
                carinaY,
                aortaR,
                scoliosis,
                ribWidth,
                stomachBubble,
                0,
                0,
                0,
                1,
                1,
                0,
                1,
                0);
    }

    double dome(int s) {
        return s < 0 ? domeRight : domeLeft;
    }

    /** Inner lateral wall of the hemithorax at height y (distance from the midline). */
    double lateral(double y) {
        double lw = tw - 0.03;
        return lw * (0.45 + 0.55 * Canvas.smooth01((y - apexY) / 0.36));
    }

    /** Medial border of the lung at height y. */
    double medial(double y) {
        return mw + 0.008;
    }

    /** Upper border of the lung (apex) at distance d from the midline. */
    double top(double d) {
        double lw = tw - 0.03;
        double u = (d - 0.45 * lw) / lw;
        return apexY + 1.1 * u * u;
    }

    /** Lower border of the lung (diaphragm) on side s at distance d: dome, costophrenic and cardiophrenic angles. */
    double diaphragm(int s, double d) {
        double dome = dome(s);
        double lw = tw - 0.03;
        double d0 = 0.55 * (medial(dome) + lw);
        if (d >= d0) {
            double u = (d - d0) / (lw - d0);
            return dome + depth * u * u;
        }
        double u = (d0 - d) / (d0 - medial(dome));
        return dome + 0.35 * depth * u * u;
    }

    /** Spine centre line x at height y. */
    double spineX(double y) {
        return CX + scoliosis * StrictMath.sin(Math.PI * (y - 0.05) / 0.8);
    }

    /** Heart: horizontal centre and radius; its right border (image left) lies 0.35 of its width from the midline. */
    double heartRx() {
        return ctr * tw; // width = ctr * (2 tw)
    }

    double heartCx() {
        return CX + 0.15 * 2 * heartRx();
    }

    double heartCy() {
        return domeLeft - 0.7 * heartRy;
    }

    /** Height of the fluid level of an effusion of the given severity at distance d on side s (a meniscus rising laterally). */
    double effusionLevel(int s, int severity, double d) {
        double height = switch (severity) {
            case 1 -> 0.035;
            case 2 -> 0.11;
            default -> 0.22;
        };
        double base = dome(s) + depth;
        double lw = tw - 0.03;
        double u = Math.clamp((d - medial(base)) / (lw - medial(base)), 0.0, 1.0);
        return base - height - 0.05 * u * u;
    }
}
