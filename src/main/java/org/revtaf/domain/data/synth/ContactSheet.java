package org.revtaf.domain.data.synth;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.edges.io.AtomicFile;

/**
 * A contact sheet: the first studies of a synthetic set in a grid, each captioned with its id and its
 * true findings (position, severity, "?" when the report hedges). For looking at the data, and for the
 * README. Uses java.awt for the text, so the bytes are not promised to match across machines (the
 * dataset itself is).
 */
public final class ContactSheet {
    private static final int CAPTION_LINES = 5;

    private ContactSheet() {}

    /** Renders samples (all the same size) in a grid of {@code cols} columns and writes a PNG. */
    public static void write(Path file, List<SyntheticGenerator.Sample> samples, int size, int cols) {
        BufferedImage img = render(samples, size, cols);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFile.writeBytes(file, out.toByteArray());
    }

    static BufferedImage render(List<SyntheticGenerator.Sample> samples, int size, int cols) {
        int rows = (samples.size() + cols - 1) / cols;
        int fontPx = Math.max(10, size / 20);
        int lineH = fontPx + 3;
        int cellW = size + 8, cellH = size + 8 + CAPTION_LINES * lineH;
        BufferedImage sheet = new BufferedImage(cols * cellW, rows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontPx));
        FontMetrics fm = g.getFontMetrics();
        for (int q = 0; q < samples.size(); q++) {
            SyntheticGenerator.Sample s = samples.get(q);
            int x0 = (q % cols) * cellW + 4, y0 = (q / cols) * cellH + 4;
            BufferedImage xr = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            xr.getRaster().setDataElements(0, 0, size, size, s.pixels());
            g.drawImage(xr, x0, y0, null);
            g.setColor(Color.BLACK);
            List<String> lines = wrap(caption(s), fm, size);
            for (int l = 0; l < Math.min(CAPTION_LINES, lines.size()); l++) {
                g.drawString(lines.get(l), x0, y0 + size + (l + 1) * lineH - 2);
            }
        }
        g.dispose();
        return sheet;
    }

    /** "s000003 train: opacity L lower zone mild; pneumothorax R apex small?". */
    static String caption(SyntheticGenerator.Sample s) {
        StringBuilder b = new StringBuilder(s.id()).append(": ");
        if (s.findings().stream().noneMatch(f -> f.isPathology() || f.label() == LabelClass.SUPPORT_DEVICES))
            b.append("no finding");
        List<String> parts = new ArrayList<>();
        for (Finding f : s.findings()) {
            String p = f.entity() + " (" + f.position() + (f.severity() > 0 ? ", " + f.severityWord() : "") + ")";
            parts.add(f.uncertain() ? p + "?" : p);
        }
        if (!parts.isEmpty() && b.toString().endsWith("no finding")) b.append("; ");
        b.append(String.join("; ", parts));
        return b.toString();
    }

    private static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String w : text.split(" ")) {
            String cand = line.isEmpty() ? w : line + " " + w;
            if (fm.stringWidth(cand) > width && !line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder(w);
            } else {
                line = new StringBuilder(cand);
            }
        }
        if (!line.isEmpty()) lines.add(line.toString());
        return lines;
    }
}
