package org.revtaf.edges.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Image;
import org.revtaf.edges.report.ReportData.AttentionMap;
import org.revtaf.edges.report.ReportData.Curves;
import org.revtaf.edges.report.ReportData.EpochRow;
import org.revtaf.edges.report.ReportData.StepRow;

class OverlayTest {
    @Test
    void upsamplingIsBilinearWithoutAlignedCorners() {
        // torch.nn.functional.interpolate([[0, 1], [2, 3]], size=4, mode="bilinear", align_corners=False)
        float[] expect = {0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3};
        assertArrayEquals(expect, Overlay.upsample(new AttentionMap("m", 2, 2, new float[] {0, 1, 2, 3}), 4, 4), 1e-6f);
    }

    @Test
    void viridisEndsAndIsMonotoneInLightness() {
        assertArrayEquals(new double[] {0.267004, 0.004874, 0.329415}, Overlay.viridis(0), 1e-9);
        assertArrayEquals(new double[] {0.993248, 0.906157, 0.143936}, Overlay.viridis(1), 1e-9);
        assertArrayEquals(Overlay.viridis(1), Overlay.viridis(7), 0, "clamped");
        double prev = -1;
        for (int i = 0; i <= 100; i++) {
            double[] c = Overlay.viridis(i / 100.0);
            double luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
            assertTrue(luma > prev, "viridis gets lighter at " + i);
            prev = luma;
        }
    }

    @Test
    void blendColoursTheHotSpotAndKeepsTheImageElsewhere() throws Exception {
        int n = 16;
        float[] px = new float[n * n];
        java.util.Arrays.fill(px, 0.5f);
        Image img = new Image(n, n, 1, px);
        float[] grid = new float[4 * 4];
        grid[0] = 1; // top-left cell hot
        byte[] rgb = Overlay.blend(img, new AttentionMap("hot", 4, 4, grid));
        double a1 = Overlay.MAX_ALPHA, a0 = Overlay.MIN_ALPHA;
        double[] hot = Overlay.viridis(1), cold = Overlay.viridis(0);
        for (int k = 0; k < 3; k++) {
            // top-left pixel: the maximum after upsampling (the hot cell's centre region)
            assertEquals((1 - a1) * 0.5 + a1 * hot[k], (rgb[k] & 0xFF) / 255.0, 1.0 / 255 + 1e-9);
            int last = (n * n - 1) * 3 + k; // bottom-right: the minimum
            assertEquals((1 - a0) * 0.5 + a0 * cold[k], (rgb[last] & 0xFF) / 255.0, 1.0 / 255 + 1e-9);
        }
        BufferedImage png =
                ImageIO.read(new ByteArrayInputStream(Overlay.overlayPng(img, new AttentionMap("hot", 4, 4, grid))));
        assertEquals(n, png.getWidth());
        assertEquals(((rgb[0] & 0xFF) << 16) | ((rgb[1] & 0xFF) << 8) | (rgb[2] & 0xFF), png.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void badMapsAndLabelsAreClearErrors() {
        assertThrows(RevtafException.class, () -> new AttentionMap("m", 7, 7, new float[48]));
        Image img = new Image(2, 2, 1, new float[4]);
        assertThrows(
                RevtafException.class,
                () -> new ReportData.Sample("s", img, "", "", null, new int[] {4}, new int[] {0}, null, null));
        assertThrows(
                RevtafException.class,
                () -> new ReportData.Sample("s", img, "", "", null, new int[] {1, 1}, new int[] {0}, null, null));
    }

    @Test
    void plotsDrawEachCurveAndSkipWhatIsMissing() throws Exception {
        List<Plots.Chart> charts = Plots.render(SampleReports.curves(50, 3));
        assertEquals(
                List.of("loss.png", "lr.png", "validation.png"),
                charts.stream().map(Plots.Chart::file).toList());
        for (Plots.Chart c : charts) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(c.png()));
            assertEquals(Plots.HEIGHT, img.getHeight());
            assertEquals(c.file().equals("loss.png") ? Plots.WIDE : Plots.NARROW, img.getWidth());
            java.util.Set<Integer> colours = new java.util.HashSet<>();
            for (int y = 0; y < img.getHeight(); y += 3)
                for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
            assertTrue(colours.size() > 20, c.file() + " is drawn, not blank");
        }
        Curves onlyLr = new Curves(List.of(new StepRow(1, 1e-4, Map.of("loss", Double.NaN))), List.<EpochRow>of());
        assertEquals(
                List.of("lr.png"),
                Plots.render(onlyLr).stream().map(Plots.Chart::file).toList(),
                "a NaN-only loss and no validation draw nothing");
        assertTrue(Plots.render(null).isEmpty());
    }
}
