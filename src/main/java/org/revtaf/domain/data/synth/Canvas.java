package org.revtaf.domain.data.synth;

/**
 * A square float image (n x n, row-major, values about 0..1, bright = dense) with the few drawing
 * primitives the synthetic radiographs need. Coordinates are normalised: x and y in [0, 1], x to the
 * image's right, y down; pixel (i, j) has its centre at ((i + 0.5) / n, (j + 0.5) / n). Every
 * primitive touches only its bounding box, so a study costs O(n^2) plus small extras.
 */
final class Canvas {
    final int n;
    final float[] v; // (n, n)
    private final float[] cov; // (n, n) scratch coverage of the current stroke, zero between strokes
    private int bx0, by0, bx1, by1; // bounding box of the current stroke, inclusive-exclusive

    Canvas(int n) {
        this.n = n;
        this.v = new float[n * n];
        this.cov = new float[n * n];
    }

    /** Normalised coordinate of pixel index i. */
    double coord(int i) {
        return (i + 0.5) / n;
    }

    static float ramp(double t) {
        return t <= 0 ? 0f : t >= 1 ? 1f : (float) t;
    }

    /** Soft step: 0 for s <= -soft/2, 1 for s >= soft/2, linear between; s and soft in normalised units. */
    static float step(double s, double soft) {
        return ramp(s / soft + 0.5);
    }

    static double smooth01(double t) {
        t = t <= 0 ? 0 : t >= 1 ? 1 : t;
        return t * t * (3 - 2 * t);
    }

    /**
     * Adds an anisotropic gaussian lump amp * exp(-(u^2/sx^2 + w^2/sy^2)/2) (u, w: axes rotated by angle),
     * multiplied by mask when mask is not null.
     */
    void blob(double cx, double cy, double sx, double sy, double angle, double amp, float[] mask) {
        double r = 3 * Math.max(sx, sy);
        int x0 = clampIdx((cx - r) * n), x1 = clampIdx((cx + r) * n) + 1;
        int y0 = clampIdx((cy - r) * n), y1 = clampIdx((cy + r) * n) + 1;
        double ca = StrictMath.cos(angle), sa = StrictMath.sin(angle);
        double ix = 1 / (2 * sx * sx), iy = 1 / (2 * sy * sy);
        for (int j = y0; j < y1; j++) {
            double dy = coord(j) - cy;
            for (int i = x0; i < x1; i++) {
                double dx = coord(i) - cx;
                double u = ca * dx + sa * dy, w = -sa * dx + ca * dy;
                double e = u * u * ix + w * w * iy;
                if (e > 4.5) continue;
                int k = j * n + i;
                float g = (float) (amp * StrictMath.exp(-e));
                v[k] += mask == null ? g : g * mask[k];
            }
        }
    }

    /**
     * Marks the coverage of a polyline (xy pairs, normalised) of the given width into the scratch
     * buffer (maximum over segments, box-filtered edges); apply it with {@link #addStroke} or
     * {@link #blendStroke}.
     */
    Canvas stroke(double[] xy, double width) {
        double half = width * n / 2;
        double pad = half + 1.5;
        bx0 = n;
        by0 = n;
        bx1 = 0;
        by1 = 0;
        for (int s = 0; s + 3 < xy.length; s += 2) {
            double ax = xy[s] * n - 0.5, ay = xy[s + 1] * n - 0.5;
            double bx = xy[s + 2] * n - 0.5, by = xy[s + 3] * n - 0.5;
            int x0 = clampPix(Math.min(ax, bx) - pad), x1 = clampPix(Math.max(ax, bx) + pad) + 1;
            int y0 = clampPix(Math.min(ay, by) - pad), y1 = clampPix(Math.max(ay, by) + pad) + 1;
            bx0 = Math.min(bx0, x0);
            by0 = Math.min(by0, y0);
            bx1 = Math.max(bx1, x1);
            by1 = Math.max(by1, y1);
            double ex = bx - ax, ey = by - ay;
            double len2 = ex * ex + ey * ey;
            for (int j = y0; j < y1; j++) {
                for (int i = x0; i < x1; i++) {
                    double px = i - ax, py = j - ay;
                    double t = len2 == 0 ? 0 : Math.clamp((px * ex + py * ey) / len2, 0.0, 1.0);
                    double qx = px - t * ex, qy = py - t * ey;
                    double d = Math.sqrt(qx * qx + qy * qy);
                    float c = ramp(half + 0.5 - d) * (half < 0.5 ? (float) (2 * half) : 1f);
                    int k = j * n + i;
                    if (c > cov[k]) cov[k] = c;
                }
            }
        }
        return this;
    }

    /** v += amp * coverage (times mask when not null); clears the coverage. */
    void addStroke(double amp, float[] mask) {
        for (int j = by0; j < by1; j++) {
            for (int i = bx0; i < bx1; i++) {
                int k = j * n + i;
                float c = cov[k];
                if (c == 0) continue;
                v[k] += (float) (amp * c * (mask == null ? 1f : mask[k]));
                cov[k] = 0;
            }
        }
    }

    /** v moves towards target by alpha * coverage (radiopaque devices); clears the coverage. */
    void blendStroke(double target, double alpha) {
        for (int j = by0; j < by1; j++) {
            for (int i = bx0; i < bx1; i++) {
                int k = j * n + i;
                float c = cov[k];
                if (c == 0) continue;
                v[k] += (float) ((target - v[k]) * alpha * c);
                cov[k] = 0;
            }
        }
    }

    /** Blends a soft-edged ellipse (rotated by angle) towards target with opacity alpha. */
    void ellipse(double cx, double cy, double rx, double ry, double angle, double target, double alpha) {
        double r = Math.max(rx, ry) + 2.0 / n;
        int x0 = clampIdx((cx - r) * n), x1 = clampIdx((cx + r) * n) + 1;
        int y0 = clampIdx((cy - r) * n), y1 = clampIdx((cy + r) * n) + 1;
        double ca = StrictMath.cos(angle), sa = StrictMath.sin(angle);
        double soft = 1.5 / n / Math.min(rx, ry);
        for (int j = y0; j < y1; j++) {
            double dy = coord(j) - cy;
            for (int i = x0; i < x1; i++) {
                double dx = coord(i) - cx;
                double u = (ca * dx + sa * dy) / rx, w = (-sa * dx + ca * dy) / ry;
                float c = step(1 - Math.sqrt(u * u + w * w), soft);
                if (c == 0) continue;
                int k = j * n + i;
                v[k] += (float) ((target - v[k]) * alpha * c);
            }
        }
    }

    private int clampIdx(double p) {
        return Math.clamp((int) Math.floor(p), 0, n - 1);
    }

    private int clampPix(double p) {
        return Math.clamp((int) Math.floor(p), 0, n - 1);
    }
}
