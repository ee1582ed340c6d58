package org.revtaf.domain.data.synth;

import static org.revtaf.domain.data.synth.Anatomy.CX;

import java.util.List;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.text.LabelClass;

/**
 * Draws one frontal (PA) chest radiograph: anatomy first (body, lungs, mediastinum, heart, aortic
 * knob, trachea, spine, ribs, clavicles, lung markings), then the findings where a radiologist looks
 * for them, then devices, then the "exposure": patient rotation and shift, contrast, gamma, noise,
 * 8-bit quantisation. Densities are on a 0..1 scale, bright = radiopaque. Deterministic: every random
 * choice comes from the study's {@link SplitMix64}, all maths is IEEE or {@link StrictMath}.
 */
final class ChestRenderer {
    private static final double AIR = 0.03;

    private final int n;
    private final Anatomy a;
    private final List<Finding> findings;
    private final SplitMix64 rng;
    private final Canvas c;
    private final float[] lung; // (n, n) lung-field mask 0..1
    private final double soft;

    private ChestRenderer(int n, Anatomy a, List<Finding> findings, SplitMix64 rng) {
        this.n = n;
        this.a = a;
        this.findings = findings;
        this.rng = rng;
        this.c = new Canvas(n);
        this.lung = new float[n * n];
        this.soft = 1.5 / n;
    }

    /** The 8-bit grayscale pixels (n, n) of the study. */
    static byte[] render(int n, Anatomy a, List<Finding> findings, SplitMix64 rng) {
        ChestRenderer r = new ChestRenderer(n, a, findings, rng);
        r.drawAnatomy();
        r.drawFindings();
        r.drawDevices();
        return r.expose();
    }

    // ---------------------------------------------------------------- anatomy

    private void drawAnatomy() {
        float[] v = c.v;
        // per-column geometry (depends on x only): distance from the midline, side, apex and diaphragm heights
        double[] dist = new double[n], top = new double[n], diaphragm = new double[n];
        int[] side = new int[n];
        for (int i = 0; i < n; i++) {
            double dx = c.coord(i) - CX;
            dist[i] = Math.abs(dx);
            side[i] = dx < 0 ? -1 : 1;
            top[i] = a.top(dist[i]);
            diaphragm[i] = a.diaphragm(side[i], dist[i]);
        }
        for (int j = 0; j < n; j++) {
            double y = c.coord(j);
            double chest = a.tw() + 0.075;
            double bw = y < 0.03 ? 0.11 : y < 0.28 ? chest + 0.09 * (1 - Canvas.smooth01((y - 0.03) / 0.25)) : chest;
            if (y > a.domeLeft() + 0.1) bw -= 0.3 * (y - a.domeLeft() - 0.1);
            double lat = a.lateral(y);
            double med = a.medial(y);
            double tissue = 0.50 + 0.18 * Canvas.smooth01((y - a.domeRight() + 0.1) / 0.1); // abdomen ~ heart
            for (int i = 0; i < n; i++) {
                double d = dist[i];
                int s = side[i];
                float body = Canvas.step(bw - d, soft);
                double val = AIR + (tissue - AIR) * body;
                // mediastinum: dense column between the lungs, above the diaphragm
                float mediast = Canvas.step(med + 0.004 - d, soft) * Canvas.step(a.dome(s) + 0.02 - y, 4 * soft);
                val += (0.68 - val) * 0.85 * mediast;
                float l = Canvas.step(lat - d, soft)
                        * Canvas.step(d - med, soft)
                        * Canvas.step(y - top[i], soft)
                        * Canvas.step(diaphragm[i] - y, soft);
                double lungDensity = 0.17
                        + 0.07 * Math.clamp((y - a.apexY()) / (a.dome(s) - a.apexY()), 0.0, 1.0)
                        + 0.05 * Math.clamp(1 - (d - med) / 0.12, 0.0, 1.0);
                val = val * (1 - l) + lungDensity * l;
                int k = j * n + i;
                v[k] = (float) val;
                lung[k] = l;
            }
        }
        // trachea and main bronchi (air columns)
        c.stroke(new double[] {CX, -0.02, CX, a.carinaY()}, 0.026).addStroke(-0.13, null);
        c.stroke(new double[] {CX, a.carinaY(), CX - 0.045, a.carinaY() + 0.05}, 0.016)
                .addStroke(-0.09, null);
        c.stroke(new double[] {CX, a.carinaY(), CX + 0.06, a.carinaY() + 0.045}, 0.015)
                .addStroke(-0.09, null);
        // aortic knob, heart
        double kx = CX + a.mw() * 0.9 + a.aortaR() * 0.5, ky = a.carinaY() - 0.06;
        c.ellipse(kx, ky, a.aortaR(), a.aortaR() * 1.1, 0, 0.66, 0.7);
        if (FindingSampler.entity(findings, "tortuous aorta") != null) {
            // the unfolded descending aorta: a convex shadow along the left mediastinal border below the knob
            c.ellipse(kx + 0.012, ky + 0.1, a.aortaR() * 0.75, 0.09, -0.12, 0.66, 0.7);
        }
        if (FindingSampler.entity(findings, "calcified aortic knob") != null) {
            // a dense curvilinear rim along the upper and lateral wall of the knob
            int m = 8;
            double[] arc = new double[2 * (m + 1)];
            for (int t = 0; t <= m; t++) {
                double th = -2.7 + 2.5 * t / m;
                arc[2 * t] = kx + 0.85 * a.aortaR() * StrictMath.cos(th);
                arc[2 * t + 1] = ky + 0.95 * a.aortaR() * StrictMath.sin(th);
            }
            c.stroke(arc, 0.011).blendStroke(0.97, 0.85);
        }
        // heart: an ellipse tilted with its apex down and to the patient's left, as wide as the CTR says
        double tilt = Anatomy.HEART_TILT;
        double half = a.heartRx(), ry = a.heartRy();
        double rx =
                Math.sqrt((half * half - Math.pow(ry * StrictMath.sin(tilt), 2)) / Math.pow(StrictMath.cos(tilt), 2));
        c.ellipse(a.heartCx(), a.heartCy(), rx, ry, tilt, 0.68, 0.9);
        if (a.stomachBubble()) c.ellipse(CX + 0.13, a.domeLeft() + 0.06, 0.05, 0.026, 0.1, 0.32, 0.6);
        if (rng.chance(0.5)) {
            double amp = rng.uniform(0.03, 0.07);
            for (int s = -1; s <= 1; s += 2) {
                c.blob(CX + s * (a.tw() - 0.08), a.domeRight() - 0.02, 0.09, 0.07, 0, amp, null);
            }
        }
        drawSpine();
        drawRibs();
        // clavicles
        for (int s = -1; s <= 1; s += 2) {
            double y0 = a.apexY();
            c.stroke(
                            new double[] {CX + s * 0.035, y0 + 0.03, CX + s * 0.16, y0 + 0.005, CX + s * 0.34, y0 - 0.02
                            },
                            0.032)
                    .addStroke(0.11, null);
        }
    }

    private void drawSpine() {
        for (double y = 0.02; y < 1.0; y += 0.042) {
            double x = a.spineX(y);
            c.blob(x, y, 0.024, 0.012, 0, 0.07, null);
            c.blob(x - 0.022, y - 0.004, 0.005, 0.008, 0, 0.05, null);
            c.blob(x + 0.022, y - 0.004, 0.005, 0.008, 0, 0.05, null);
        }
    }

    private void drawRibs() {
        float[] boneMask = new float[n * n];
        for (int k = 0; k < boneMask.length; k++) boneMask[k] = 0.15f + 0.85f * lung[k];
        Finding fx = FindingSampler.first(findings, LabelClass.FRACTURE);
        int fxSide = fx == null ? 0 : fx.side().imageSign();
        int fxRib = fx == null ? -1 : Integer.parseInt(fx.zone().substring(4)) - 1;
        double spacing = (a.domeRight() + 0.03 - a.apexY()) / 9.5;
        for (int s = -1; s <= 1; s += 2) {
            for (int r = 0; r < 10; r++) {
                double y0 = a.apexY() - 0.015 + r * spacing;
                double end = a.lateral(y0 + 0.05) + 0.02;
                int m = 10;
                double[] pts = new double[2 * (m + 1)];
                for (int t = 0; t <= m; t++) {
                    double u = t / (double) m;
                    pts[2 * t] = CX + s * (0.03 + u * (end - 0.03));
                    pts[2 * t + 1] = y0 - 0.035 * u + 0.13 * u * u;
                }
                if (s == fxSide && r == fxRib) {
                    // discontinuity: a gap in the lateral rib, displaced beyond it when severity 2
                    int cut = 6 + rng.nextInt(3);
                    double shift = fx.severity() >= 2 ? 0.024 : 0.01;
                    double[] inner = java.util.Arrays.copyOf(pts, 2 * (cut + 1));
                    double[] outer = java.util.Arrays.copyOfRange(pts, 2 * cut, pts.length);
                    for (int q = 0; q < 2; q++) {
                        double step = pts[2 * (cut + 1) + q] - pts[2 * cut + q];
                        inner[2 * cut + q] -= 0.5 * step; // the gap is a segment wide
                        outer[q] += 0.5 * step;
                    }
                    for (int q = 1; q < outer.length; q += 2) outer[q] += shift;
                    c.stroke(inner, a.ribWidth()).addStroke(0.085, boneMask);
                    c.stroke(outer, a.ribWidth()).addStroke(0.085, boneMask);
                    // the fragment ends: overlapping cortex and haematoma make a small dense spot at the break
                    c.blob(
                            pts[2 * cut],
                            pts[2 * cut + 1] + 0.5 * shift,
                            0.012,
                            0.012,
                            0,
                            0.06 + 0.03 * fx.severity(),
                            null);
                } else {
                    c.stroke(pts, a.ribWidth()).addStroke(rng.uniform(0.05, 0.08), boneMask);
                }
                // anterior rib, fainter, running down towards the sternum
                double ya = y0 + 0.05;
                double al = a.lateral(ya);
                c.stroke(new double[] {CX + s * al, ya, CX + s * 0.6 * al, ya + 0.06, CX + s * 0.15, ya + 0.12}, 0.02)
                        .addStroke(0.035, boneMask);
            }
        }
    }

    /** Lung markings: vessel trees from each hilum, faint and tapering; returned, not yet added. */
    private float[] drawMarkings(double gain) {
        Canvas m = new Canvas(n);
        for (int s = -1; s <= 1; s += 2) {
            double hx = CX + s * (a.mw() + 0.035), hy = 0.43;
            for (int t = 0; t < 6; t++) {
                double angle = (s < 0 ? Math.PI : 0) + s * (-1.2 + t * 0.5 + rng.uniform(-0.2, 0.2));
                double r0 = rng.uniform(0.0, 0.02);
                branch(
                        m,
                        hx + r0 * StrictMath.cos(angle),
                        hy + r0 * StrictMath.sin(angle),
                        angle,
                        0.10,
                        0.008,
                        0.045 * gain,
                        3);
            }
        }
        return m.v;
    }

    private void branch(Canvas m, double x, double y, double angle, double len, double width, double amp, int depth) {
        double x1 = x + len * StrictMath.cos(angle), y1 = y + len * StrictMath.sin(angle);
        m.stroke(new double[] {x, y, x1, y1}, width).addStroke(amp, null);
        if (depth == 0) return;
        for (int b = -1; b <= 1; b += 2) {
            branch(
                    m,
                    x1,
                    y1,
                    angle + b * rng.uniform(0.2, 0.6),
                    len * rng.uniform(0.6, 0.85),
                    width * 0.75,
                    amp * 0.8,
                    depth - 1);
        }
    }

    // ---------------------------------------------------------------- findings

    private static int[] sides(Finding f) {
        return switch (f.side()) {
            case BILATERAL -> new int[] {-1, 1};
            case MIDLINE -> new int[] {};
            default -> new int[] {f.side().imageSign()};
        };
    }

    private double zoneY(String zone, int s) {
        return switch (zone) {
            case "upper zone" -> a.apexY() + 0.11;
            case "middle zone" -> 0.5 * (a.apexY() + a.dome(s)) + 0.02;
            default -> a.dome(s) - 0.075;
        };
    }

    private double zoneD(double y) {
        return 0.5 * (a.medial(y) + a.lateral(y)) + rng.uniform(-0.03, 0.03);
    }

    private void drawFindings() {
        Finding edema = FindingSampler.first(findings, LabelClass.EDEMA);
        double gain = edema == null ? 1 : 1 + 0.15 * edema.severity();
        float[] marks = drawMarkings(gain);
        float[] ptx = new float[n * n];
        for (Finding f : findings) {
            switch (f.label()) {
                case PLEURAL_EFFUSION -> {
                    for (int s : sides(f)) effusion(s, f.uncertain() ? 1 : f.severity());
                }
                case PNEUMOTHORAX -> pneumothorax(f, ptx);
                default -> {}
            }
        }
        float[] v = c.v;
        for (int k = 0; k < v.length; k++) v[k] += marks[k] * lung[k] * (1 - ptx[k]);
        for (Finding f : findings) {
            double weak = f.uncertain() ? 0.6 : 1.0;
            switch (f.label()) {
                case LUNG_OPACITY, CONSOLIDATION ->
                    airspace(f, f.label() == LabelClass.CONSOLIDATION ? 1.0 : 0.75, weak);
                case PNEUMONIA -> {
                    boolean drawn = findings.stream()
                            .anyMatch(
                                    o -> (o.label() == LabelClass.CONSOLIDATION || o.label() == LabelClass.LUNG_OPACITY)
                                            && o.side() == f.side()
                                            && o.zone().equals(f.zone()));
                    if (!drawn) airspace(f, 0.9, weak);
                    airBronchograms(f, weak);
                }
                case EDEMA -> {
                    for (int s = -1; s <= 1; s += 2) {
                        double amp = (0.05 + 0.045 * f.severity()) * weak;
                        c.blob(CX + s * (a.mw() + 0.07), 0.45, 0.07 + 0.02 * f.severity(), 0.10, 0, amp, lung);
                    }
                }
                case ATELECTASIS -> {
                    for (int s : sides(f)) {
                        double d = 0.5 * (a.medial(0.6) + a.lateral(0.6)) + rng.uniform(-0.02, 0.03);
                        double y = a.diaphragm(s, d) - 0.035 - rng.uniform(0, 0.02);
                        c.blob(
                                CX + s * d,
                                y,
                                0.07,
                                0.010 + 0.004 * f.severity(),
                                s * rng.uniform(0.05, 0.3),
                                (0.16 + 0.06 * f.severity()) * weak,
                                lung);
                    }
                }
                case LUNG_LESION -> lesion(f);
                case PLEURAL_OTHER -> {
                    for (int s : sides(f)) pleuralThickening(s, f);
                }
                default -> {}
            }
        }
    }

    private void airspace(Finding f, double density, double weak) {
        for (int s : sides(f)) {
            double y = zoneY(f.zone(), s);
            double d = zoneD(y);
            if (f.label() == LabelClass.CONSOLIDATION) {
                // consolidation is confluent: a homogeneous dense base under the lumps (opacity stays patchy)
                double r = 0.045 + 0.012 * f.severity();
                c.blob(CX + s * d, y, r, r * 0.8, 0, (0.05 + 0.02 * f.severity()) * weak, lung);
            }
            int lumps = 4 + 2 * f.severity();
            double spread = 0.03 + 0.012 * f.severity();
            for (int q = 0; q < lumps; q++) {
                double x = CX + s * (d + rng.gaussian(0, spread));
                double yy = y + rng.gaussian(0, spread);
                double sz = rng.uniform(0.022, 0.045);
                double amp = density * (0.05 + 0.03 * f.severity()) * weak;
                c.blob(x, yy, sz, sz * rng.uniform(0.7, 1.3), rng.uniform(0, Math.PI), amp, lung);
            }
        }
    }

    /**
     * Pneumonia's sign within its airspace disease: air-filled bronchi, dark branching lines running
     * from the hilar side of the zone outwards (drawn after the opacity, so they show against it).
     */
    private void airBronchograms(Finding f, double weak) {
        for (int s : sides(f)) {
            double y = zoneY(f.zone(), s);
            double d = 0.5 * (a.medial(y) + a.lateral(y));
            double x0 = CX + s * (d - 0.05), x1 = CX + s * (d + 0.035);
            for (int b = -1; b <= 1; b++) {
                c.stroke(new double[] {x0, y, 0.5 * (x0 + x1), y + 0.012 * b, x1, y + 0.035 * b}, 0.011)
                        .addStroke(-0.16 * weak, lung);
            }
        }
    }

    private void lesion(Finding f) {
        int s = f.side().imageSign();
        double y = zoneY(f.zone(), s) + rng.uniform(-0.03, 0.03);
        double d = zoneD(y);
        double x = CX + s * d;
        double alpha = f.uncertain() ? 0.45 : 0.75;
        if (f.entity().equals("mass")) {
            double r = rng.uniform(0.035, 0.05);
            for (int q = 0; q < 3; q++) {
                c.ellipse(x + rng.uniform(-0.5, 0.5) * r, y + rng.uniform(-0.5, 0.5) * r, r, r * 0.85, 0, 0.62, alpha);
            }
        } else {
            double r = 0.014 + 0.006 * f.severity(); // 16-21 mm across: 3-4 pixels of the demo's 64-pixel input
            c.ellipse(x, y, r, r, 0, 0.6, alpha);
        }
    }

    /** Fluid in the dependent pleural space: a meniscus rising laterally, blunting the costophrenic angle. */
    private void effusion(int s, int severity) {
        float[] v = c.v;
        for (int j = 0; j < n; j++) {
            double y = c.coord(j);
            if (y < a.apexY()) continue;
            double lat = a.lateral(y);
            for (int i = 0; i < n; i++) {
                double dx = c.coord(i) - CX;
                if (dx * s <= 0) continue;
                double d = Math.abs(dx);
                double level = a.effusionLevel(s, severity, d);
                float fl = Canvas.ramp((y - level) / 0.03);
                if (fl == 0) continue;
                float inside = Canvas.step(lat + 0.004 - d, soft) * Canvas.step(d - a.medial(y), soft);
                int k = j * n + i;
                v[k] += (float) ((0.60 - v[k]) * 0.92 * fl * inside);
                lung[k] *= 1 - fl * inside;
            }
        }
    }

    /** Air in the pleural space: a lucent rim without markings outside a thin visceral pleural line. */
    private void pneumothorax(Finding f, float[] ptx) {
        int s = f.side().imageSign();
        double gap = switch (f.severity()) {
            case 1 -> 0.032;
            case 2 -> 0.055;
            default -> 0.085;
        };
        double yEnd = f.zone().equals("apex") ? a.apexY() + 0.22 + 0.08 * f.severity() : a.dome(s) - 0.03;
        float[] v = c.v;
        for (int j = 0; j < n; j++) {
            double y = c.coord(j);
            double g = gap * (1 - Canvas.smooth01((y - (yEnd - 0.12)) / 0.12));
            if (g <= 0) continue;
            double edge = a.lateral(y) - g;
            lungRow(j, s, (k, d) -> {
                double topEdge = a.top(d) + g;
                float p = Math.max(Canvas.step(d - edge, soft), Canvas.step(topEdge - y, soft)) * lung[k];
                ptx[k] = Math.max(ptx[k], p);
                v[k] += (float) ((0.07 - v[k]) * 0.8 * p);
                double line = Math.min(Math.abs(d - edge), y >= topEdge ? 1 : Math.abs(y - topEdge)) * n;
                if (d < edge) line = Math.min(line, Math.abs(y - topEdge) * n);
                v[k] += (float) (0.10 * Canvas.ramp(1 - line) * lung[k] * (1 - p));
            });
        }
    }

    private void pleuralThickening(int s, Finding f) {
        double w = 0.018 + 0.010 * f.severity();
        boolean apex = f.zone().equals("apex");
        float[] v = c.v;
        for (int j = 0; j < n; j++) {
            double y = c.coord(j);
            if (!apex && (y < 0.3 || y > a.dome(s))) continue;
            double lat = a.lateral(y);
            lungRow(j, s, (k, d) -> {
                float t = apex ? Canvas.step(a.top(d) + w - y, soft) : Canvas.step(d - (lat - w), soft);
                v[k] += (float) ((0.52 - v[k]) * 0.8 * t * lung[k]);
            });
        }
    }

    /** Receives a lung pixel: its index in the canvas and its distance from the midline. */
    private interface LungPixel {
        void at(int k, double d);
    }

    /** Calls {@code p} for the lung pixels of row {@code j} on side {@code s} (the image sign of the side). */
    private void lungRow(int j, int s, LungPixel p) {
        for (int i = 0; i < n; i++) {
            double dx = c.coord(i) - CX;
            if (dx * s <= 0) continue;
            int k = j * n + i;
            if (lung[k] == 0) continue;
            p.at(k, Math.abs(dx));
        }
    }

    // ---------------------------------------------------------------- devices

    private void drawDevices() {
        double cy = a.carinaY();
        for (Finding f : findings) {
            if (f.label() != LabelClass.SUPPORT_DEVICES) continue;
            switch (f.entity()) {
                case "endotracheal tube" -> {
                    double tip = cy - rng.uniform(0.03, 0.07);
                    c.stroke(new double[] {CX + 0.002, -0.02, CX, tip}, 0.012).blendStroke(0.8, 0.35);
                    c.stroke(new double[] {CX + 0.004, -0.02, CX + 0.002, tip}, 0.004)
                            .blendStroke(0.97, 0.85);
                }
                case "enteric tube" ->
                    c.stroke(
                                    new double[] {
                                        CX + 0.012,
                                        -0.02,
                                        CX + 0.014,
                                        cy,
                                        CX + 0.03,
                                        a.domeLeft() - 0.02,
                                        CX + 0.09,
                                        a.domeLeft() + 0.05,
                                        CX + 0.15,
                                        a.domeLeft() + 0.09,
                                        CX + 0.12,
                                        a.domeLeft() + 0.13
                                    },
                                    0.006)
                            .blendStroke(0.95, 0.85);
                case "central venous catheter" -> {
                    int s = f.side().imageSign();
                    c.stroke(
                                    new double[] {
                                        CX + s * 0.13,
                                        -0.02,
                                        CX + s * 0.085,
                                        0.14,
                                        CX + s * 0.03 - 0.02,
                                        0.24,
                                        CX - 0.03,
                                        cy + rng.uniform(0, 0.05)
                                    },
                                    0.005)
                            .blendStroke(0.95, 0.85);
                }
                case "pacemaker" -> {
                    double gx = CX + 0.25, gy = a.apexY() + 0.05;
                    c.ellipse(gx, gy, 0.045, 0.032, 0.2, 0.98, 0.95);
                    double hy = a.heartCy();
                    c.stroke(
                                    new double[] {
                                        gx - 0.03, gy, CX + 0.1, gy + 0.03, CX - 0.015, 0.3, CX - 0.04, hy - 0.03
                                    },
                                    0.005)
                            .blendStroke(0.96, 0.85);
                    c.stroke(
                                    new double[] {
                                        gx - 0.03, gy + 0.01, CX + 0.08, gy + 0.05, CX, 0.33, CX + 0.06, hy + 0.05
                                    },
                                    0.005)
                            .blendStroke(0.96, 0.85);
                }
                default -> throw new IllegalStateException("no drawing for device " + f.entity());
            }
        }
    }

    // ---------------------------------------------------------------- exposure

    /** Patient rotation, shift and magnification (bilinear resampling), then contrast, gamma and noise. */
    private byte[] expose() {
        float[] src = c.v;
        for (int pass = 0; pass < Math.max(1, n / 128); pass++) src = blur121(src); // same unsharpness at every size
        byte[] out = new byte[n * n];
        double cos = StrictMath.cos(a.rotation()), sin = StrictMath.sin(a.rotation());
        double contrast = a.contrast(), bright = a.brightness(), gamma = a.gamma();
        float[] lut = new float[1025]; // gamma curve on [0, 1], linear interpolation between entries
        for (int q = 0; q <= 1024; q++) lut[q] = (float) StrictMath.pow(q / 1024.0, gamma);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double ux = (c.coord(i) - 0.5 - a.shiftX()) / a.scale();
                double uy = (c.coord(j) - 0.5 - a.shiftY()) / a.scale();
                double sx = (0.5 + cos * ux + sin * uy) * n - 0.5;
                double sy = (0.5 - sin * ux + cos * uy) * n - 0.5;
                double val = bilinear(src, sx, sy);
                val = (val - 0.4) * contrast + 0.4 + bright;
                val = Math.clamp(val, 0.0, 1.0) * 1024;
                int q = Math.min((int) val, 1023);
                double g = lut[q] + (lut[q + 1] - lut[q]) * (val - q);
                g += a.noise() * rng.fastNoise();
                out[j * n + i] = (byte) Math.clamp((int) (g * 255 + 0.5), 0, 255);
            }
        }
        return out;
    }

    /** Separable [1 2 1] / 4 blur (edges clamped): the film's unsharpness. */
    private float[] blur121(float[] src) {
        float[] tmp = new float[n * n];
        float[] out = new float[n * n];
        for (int j = 0; j < n; j++) {
            int r = j * n;
            for (int i = 0; i < n; i++) {
                float l = src[r + Math.max(i - 1, 0)], m = src[r + i], rr = src[r + Math.min(i + 1, n - 1)];
                tmp[r + i] = 0.25f * l + 0.5f * m + 0.25f * rr;
            }
        }
        for (int j = 0; j < n; j++) {
            int up = Math.max(j - 1, 0) * n, dn = Math.min(j + 1, n - 1) * n, r = j * n;
            for (int i = 0; i < n; i++) out[r + i] = 0.25f * tmp[up + i] + 0.5f * tmp[r + i] + 0.25f * tmp[dn + i];
        }
        return out;
    }

    private double bilinear(float[] src, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        double p00 = at(src, x0, y0), p10 = at(src, x0 + 1, y0);
        double p01 = at(src, x0, y0 + 1), p11 = at(src, x0 + 1, y0 + 1);
        return (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
    }

    private double at(float[] src, int x, int y) {
        if (x < 0 || y < 0 || x >= n || y >= n) return AIR;
        return src[y * n + x];
    }
}
