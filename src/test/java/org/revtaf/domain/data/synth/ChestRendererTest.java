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
