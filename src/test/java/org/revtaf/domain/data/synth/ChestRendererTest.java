package org.revtaf.domain.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.data.synth.Finding.Side;
import org.revtaf.domain.text.LabelClass;

/** Each finding changes the image where a radiologist would look for it, in the right direction. */
class ChestRendererTest {
    private static final int N = 96;

    /** (centroid x, centroid y, signed sum / pixel count) of the change that one finding makes. */
    private static double[] change(Finding f) {
        Anatomy a = Anatomy.sample(new SplitMix64(21), List.of()).canonical();
        byte[] without = ChestRenderer.render(N, a, List.of(), new SplitMix64(5));
        byte[] with = ChestRenderer.render(N, a, List.of(f), new SplitMix64(5));
        double w = 0, cx = 0, cy = 0, sum = 0;
        for (int j = 0; j < N; j++) {
            for (int i = 0; i < N; i++) {
                int d = (with[j * N + i] & 0xFF) - (without[j * N + i] & 0xFF);
                double m = Math.abs(d);
                w += m;
                cx += m * (i + 0.5) / N;
                cy += m * (j + 0.5) / N;
                sum += d;
            }
        }
        assertTrue(w > 0, f + " changed nothing");
        return new double[] {cx / w, cy / w, sum / (N * N)};
    }

    private static void assertIn(double v, double lo, double hi, String what) {
        assertTrue(v >= lo && v <= hi, what + " = " + v + ", expected in [" + lo + ", " + hi + "]");
    }

    /** The centre of the change {@code c} lies in [x0, x1] x [y0, y1] (fractions of the image side). */
    private static void assertCentreIn(double[] c, double x0, double x1, double y0, double y1, String what) {
        assertIn(c[0], x0, x1, what + " x");
        assertIn(c[1], y0, y1, what + " y");
    }

    @Test
    void effusionFillsTheBaseOfItsSide() {
        double[] c = change(new Finding(LabelClass.PLEURAL_EFFUSION, "pleural effusion", Side.LEFT, "base", 3, false));
        assertCentreIn(c, 0.6, 0.95, 0.5, 0.9, "left effusion"); // patient left is the image's right
        assertTrue(c[2] > 0, "fluid is denser than lung");
        double[] r = change(new Finding(LabelClass.PLEURAL_EFFUSION, "pleural effusion", Side.RIGHT, "base", 1, false));
        assertIn(r[0], 0.05, 0.4, "x of a right effusion");
    }

    @Test
    void pneumothoraxDarkensTheApex() {
        double[] c = change(new Finding(LabelClass.PNEUMOTHORAX, "pneumothorax", Side.RIGHT, "apex", 2, false));
        assertCentreIn(c, 0.05, 0.4, 0.05, 0.5, "pneumothorax");
        assertTrue(c[2] < 0, "air without markings is darker");
    }

    @Test
    void airspaceDiseaseSitsInItsZone() {
        double[] up =
                change(new Finding(LabelClass.CONSOLIDATION, "consolidation", Side.RIGHT, "upper zone", 3, false));
        assertCentreIn(up, 0.1, 0.45, 0.1, 0.42, "upper-zone consolidation");
        assertTrue(up[2] > 0);
        double[] low = change(new Finding(LabelClass.LUNG_OPACITY, "opacity", Side.LEFT, "lower zone", 2, false));
        assertCentreIn(low, 0.55, 0.9, 0.45, 0.8, "lower-zone opacity");
        assertTrue(low[1] > up[1] + 0.15, "lower zone below upper zone");
    }

    @Test
    void bilateralFindingsAreCentredAndBasalOrPerihilar() {
        double[] atel = change(new Finding(LabelClass.ATELECTASIS, "atelectasis", Side.BILATERAL, "base", 2, false));
        assertCentreIn(atel, 0.4, 0.6, 0.5, 0.85, "atelectasis");
        double[] edema =
                change(new Finding(LabelClass.EDEMA, "pulmonary edema", Side.BILATERAL, "perihilar", 3, false));
        assertCentreIn(edema, 0.4, 0.6, 0.3, 0.6, "edema");
        assertTrue(edema[2] > 0);
    }

    @Test
    void lesionsFracturesThickeningAndDevices() {
        double[] nod = change(new Finding(LabelClass.LUNG_LESION, "nodule", Side.LEFT, "middle zone", 2, false));
        assertIn(nod[0], 0.6, 0.9, "nodule x");
        double[] fx = change(new Finding(LabelClass.FRACTURE, "rib fracture", Side.RIGHT, "rib 6", 2, false));
        assertIn(fx[0], 0.0, 0.45, "fracture x");
        double[] pt = change(new Finding(LabelClass.PLEURAL_OTHER, "pleural thickening", Side.LEFT, "apex", 2, false));
        assertCentreIn(pt, 0.55, 0.95, 0.0, 0.4, "thickening");
        double[] ett =
                change(new Finding(LabelClass.SUPPORT_DEVICES, "endotracheal tube", Side.MIDLINE, "trachea", 0, false));
        assertCentreIn(ett, 0.45, 0.55, 0.0, 0.4, "ET tube");
        assertTrue(ett[2] > 0, "devices are radiopaque");
        double[] pm = change(new Finding(LabelClass.SUPPORT_DEVICES, "pacemaker", Side.LEFT, "chest wall", 0, false));
        assertIn(pm[0], 0.5, 0.85, "pacemaker x");
    }

    /** The difference (with - without) that a finding set makes, with the anatomy the findings give (N x N). */
    private static int[] diff(List<Finding> base, List<Finding> with, int n) {
        Anatomy a0 = Anatomy.sample(new SplitMix64(31), base).canonical();
        Anatomy a1 = Anatomy.sample(new SplitMix64(31), with).canonical();
        byte[] p0 = ChestRenderer.render(n, a0, base, new SplitMix64(9));
        byte[] p1 = ChestRenderer.render(n, a1, with, new SplitMix64(9));
        int[] d = new int[n * n];
        for (int k = 0; k < d.length; k++) d[k] = (p1[k] & 0xFF) - (p0[k] & 0xFF);
        return d;
    }

    /** Pixels of the 2x2-averaged image (the demo's 64-pixel input of 128-pixel studies) changed by more than 10 levels. */
    private static int visibleAtHalf(int[] d, int n) {
        int count = 0;
        for (int j = 0; j < n / 2; j++)
            for (int i = 0; i < n / 2; i++) {
                int s = d[2 * j * n + 2 * i]
                        + d[2 * j * n + 2 * i + 1]
                        + d[(2 * j + 1) * n + 2 * i]
                        + d[(2 * j + 1) * n + 2 * i + 1];
                if (Math.abs(s) > 40) count++;
            }
        return count;
    }

    @Test
    void smallFindingsStayVisibleAtTheDemosHalfResolution() {
        int n = 128;
        Object[][] cases = {
            {new Finding(LabelClass.LUNG_LESION, "nodule", Side.LEFT, "middle zone", 1, false), 6},
            {new Finding(LabelClass.PLEURAL_OTHER, "pleural thickening", Side.RIGHT, "apex", 1, false), 12},
            {new Finding(LabelClass.AORTA_ABNORMAL, "tortuous aorta", Side.MIDLINE, "aorta", 1, false), 30},
            {new Finding(LabelClass.AORTA_ABNORMAL, "calcified aortic knob", Side.MIDLINE, "aorta", 1, false), 4},
            {new Finding(LabelClass.BONE_SPINE_ABNORMAL, "scoliosis", Side.MIDLINE, "thoracic spine", 1, false), 60},
            {new Finding(LabelClass.PNEUMOTHORAX, "pneumothorax", Side.LEFT, "apex", 1, false), 30},
        };
        for (Object[] c : cases) {
            Finding f = (Finding) c[0];
            int v = visibleAtHalf(diff(List.of(), List.of(f), n), n);
            assertTrue(v >= (Integer) c[1], f.entity() + ": " + v + " pixels of the 64-pixel image changed");
        }
    }

    @Test
    void theTwoAorticFindingsAreDrawnDifferently() {
        int n = 128;
        int[] tortuous = diff(
                List.of(),
                List.of(new Finding(LabelClass.AORTA_ABNORMAL, "tortuous aorta", Side.MIDLINE, "aorta", 1, false)),
                n);
        int[] calcified = diff(
                List.of(),
                List.of(new Finding(
                        LabelClass.AORTA_ABNORMAL, "calcified aortic knob", Side.MIDLINE, "aorta", 1, false)),
                n);
        // tortuosity: a wider knob and an unfolded descending aorta, so the change reaches further down;
        // calcification: a small dense rim on a knob of normal size, so a smaller change
        int lowest = 0, maxT = 0, maxC = 0, areaT = 0, areaC = 0;
        for (int k = 0; k < n * n; k++) {
            if (tortuous[k] > 10) {
                lowest = Math.max(lowest, k / n);
                areaT++;
            }
            if (calcified[k] > 10) areaC++;
            maxT = Math.max(maxT, tortuous[k]);
            maxC = Math.max(maxC, calcified[k]);
        }
        assertTrue(areaT > 3 * areaC, "tortuous area " + areaT + " vs calcified " + areaC);
        assertTrue(maxC > 40 && maxT > 40, "both are plain changes: " + maxC + ", " + maxT);
        assertTrue(lowest > 0.35 * n, "the unfolded aorta reaches row " + lowest);
    }

    @Test
    void consolidationIsDenserThanOpacityAndPneumoniaShowsAirBronchograms() {
        int n = 96;
        Finding op = new Finding(LabelClass.LUNG_OPACITY, "opacity", Side.LEFT, "lower zone", 2, false);
        Finding co = new Finding(LabelClass.CONSOLIDATION, "consolidation", Side.LEFT, "lower zone", 2, false);
        Finding pn = new Finding(LabelClass.PNEUMONIA, "pneumonia", Side.LEFT, "lower zone", 2, false);
        long opSum = 0, coSum = 0, pnSum = 0;
        for (int d : diff(List.of(), List.of(op), n)) opSum += d;
        for (int d : diff(List.of(), List.of(co), n)) coSum += d;
        int[] bronchi = diff(List.of(co), List.of(co, pn), n);
        int darker = 0;
        for (int d : bronchi) {
            pnSum += d;
            if (d < -10) darker++;
        }
        assertTrue(coSum > 1.3 * opSum, "consolidation " + coSum + " vs opacity " + opSum);
        assertTrue(pnSum < 0 && darker > 10, "air bronchograms darken the consolidation: " + pnSum + ", " + darker);
    }

    @Test
    void cardiomegalyMeansCardiothoracicRatioAboveOneHalf() {
        Finding cm = new Finding(LabelClass.CARDIOMEGALY, "cardiomegaly", Side.MIDLINE, "heart", 1, false);
        for (int s = 0; s < 200; s++) {
            assertTrue(Anatomy.sample(new SplitMix64(s), List.of(cm)).ctr() > 0.5);
            assertTrue(Anatomy.sample(new SplitMix64(s), List.of()).ctr() < 0.5);
        }
        // and the heart is drawn that wide: count dense pixels on the row through the heart's centre
        Anatomy normal = Anatomy.sample(new SplitMix64(3), List.of()).canonical();
        Anatomy big = Anatomy.sample(
                        new SplitMix64(3),
                        List.of(new Finding(LabelClass.CARDIOMEGALY, "cardiomegaly", Side.MIDLINE, "heart", 3, false)))
                .canonical();
        assertTrue(heartWidth(big) > heartWidth(normal) * 1.2, heartWidth(big) + " vs " + heartWidth(normal));
    }

    private static int heartWidth(Anatomy a) {
        byte[] px = ChestRenderer.render(N, a, List.of(), new SplitMix64(1));
        int row = (int) (a.heartCy() * N);
        int count = 0;
        for (int i = 0; i < N; i++) if ((px[row * N + i] & 0xFF) > 150) count++;
        return count;
    }

    @Test
    void renderingIsDeterministic() {
        Anatomy a = Anatomy.sample(new SplitMix64(8), List.of());
        List<Finding> f =
                List.of(new Finding(LabelClass.EDEMA, "pulmonary edema", Side.BILATERAL, "perihilar", 2, false));
        assertEquals(
                java.util.Arrays.toString(ChestRenderer.render(64, a, f, new SplitMix64(2))),
                java.util.Arrays.toString(ChestRenderer.render(64, a, f, new SplitMix64(2))));
    }
}
