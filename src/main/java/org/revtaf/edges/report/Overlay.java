package org.revtaf.edges.report;

import org.revtaf.domain.data.Image;
import org.revtaf.domain.data.PngWriter;
import org.revtaf.edges.report.ReportData.AttentionMap;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * Draws an attention map over its image: the (h, w) grid is upsampled bilinearly to the image
 * size (align_corners False, as the public code upsamples its maps), min-max normalised per map,
 * coloured with viridis (perceptually uniform, readable in gray and by colour-blind readers) and
 * alpha-blended over the image in gray; low attention stays mostly transparent so the anatomy
 * shows through.
 */
public final class Overlay {
    /** Opacity of the colour at the map's maximum; at its minimum it is {@link #MIN_ALPHA}. */
    public static final double MAX_ALPHA = 0.7, MIN_ALPHA = 0.1;

    // viridis sampled at 17 evenly spaced points (matplotlib's table, CC0), interpolated linearly
    private static final double[][] VIRIDIS = {
        {0.267004, 0.004874, 0.329415}, {0.282327, 0.094955, 0.417331}, {0.278826, 0.175490, 0.483397},
        {0.258965, 0.251537, 0.524736}, {0.229739, 0.322361, 0.545706}, {0.199430, 0.387607, 0.554642},
        {0.172719, 0.448791, 0.557885}, {0.149039, 0.508051, 0.557250}, {0.127568, 0.566949, 0.550556},
        {0.120081, 0.622161, 0.534946}, {0.153894, 0.680203, 0.504172}, {0.239374, 0.735588, 0.455688},
        {0.360741, 0.785964, 0.387814}, {0.506271, 0.828786, 0.300362}, {0.668054, 0.861999, 0.196293},
        {0.835270, 0.886029, 0.102646}, {0.993248, 0.906157, 0.143936}
    };

    private Overlay() {}

    /** viridis at t in [0, 1] (clamped) as {r, g, b} in [0, 1]. */
    public static double[] viridis(double t) {
        double x = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (VIRIDIS.length - 1);
        int i = Math.min((int) x, VIRIDIS.length - 2);
        double f = x - i;
        double[] a = VIRIDIS[i], b = VIRIDIS[i + 1];
        return new double[] {a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])};
    }

    /** The map upsampled to (height, width), bilinear with align_corners False: row-major floats. */
    public static float[] upsample(AttentionMap m, int height, int width) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor grid = Tensor.of(Device.CPU, m.values(), 1, 1, m.height(), m.width()); // (1, 1, h, w)
            return F.bilinear(grid, height, width, false).toFloats(); // (1, 1, H, W)
        }
    }

    /** The image in gray, one value in [0, 1] per pixel (RGB by luma). */
    public static float[] gray(Image img) {
        int n = img.width() * img.height();
        if (img.channels() == 1) return img.data().clone();
        float[] d = img.data(), out = new float[n];
        for (int i = 0; i < n; i++) out[i] = 0.299f * d[3 * i] + 0.587f * d[3 * i + 1] + 0.114f * d[3 * i + 2];
        return out;
    }

    /** The image as an 8-bit gray PNG. */
    public static byte[] imagePng(Image img) {
        float[] g = gray(img);
        byte[] px = new byte[g.length];
        for (int i = 0; i < g.length; i++) px[i] = (byte) Math.round(255 * Math.max(0f, Math.min(1f, g[i])));
        return PngWriter.gray(px, img.width(), img.height());
    }

    /** The blended overlay as RGB bytes (height, width, 3). */
    public static byte[] blend(Image img, AttentionMap m) {
        int w = img.width(), h = img.height();
        float[] base = gray(img), a = upsample(m, h, w);
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : a)
            if (!Float.isNaN(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        double span = hi > lo ? hi - lo : 1;
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            double t = Float.isNaN(a[i]) || !(hi > lo) ? 0 : (a[i] - lo) / span;
            double alpha = MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * t;
            double[] c = viridis(t);
            for (int k = 0; k < 3; k++) {
                double v = (1 - alpha) * base[i] + alpha * c[k];
                rgb[3 * i + k] = (byte) Math.round(255 * Math.max(0, Math.min(1, v)));
            }
        }
        return rgb;
    }

    /** The blended overlay as an RGB PNG. */
    public static byte[] overlayPng(Image img, AttentionMap m) {
        return PngWriter.rgb(blend(img, m), img.width(), img.height());
    }
}
