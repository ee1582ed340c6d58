package org.revtaf.edges.report;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.revtaf.domain.eval.ClinicalEfficacy;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.LabelStatus;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.report.ReportData.AttentionMap;
import org.revtaf.edges.report.ReportData.Sample;

/**
 * Renders {@link ReportData} as one self-contained HTML page: every image (studies, overlays,
 * charts) is inlined as a {@code data:} URI, the style is inline, there is no script, and a
 * Content-Security-Policy forbids the browser any other load, so opening the file makes no
 * network request. {@link #write} also writes the charts to {@code DIR/plots/}.
 */
public final class HtmlReport {
    /** The page's CSP: nothing but inline style and data: images. */
    public static final String CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    private HtmlReport() {}

    /** Writes {@code dir/report.html} and {@code dir/plots/*.png} (atomically); returns the HTML path. */
    public static Path write(Path dir, ReportData data) {
        List<Plots.Chart> charts = Plots.render(data.curves());
        Plots.write(dir.resolve("plots"), charts);
        Path html = dir.resolve("report.html");
        AtomicFile.writeString(html, render(data, charts));
        return html;
    }

    /** The page, with the charts of {@code data.curves()}. */
    public static String render(ReportData data) {
        return render(data, Plots.render(data.curves()));
    }

    static String render(ReportData data, List<Plots.Chart> charts) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
                .append(CSP)
                .append("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(esc(data.title()))
                .append("</title>\n<style>\n")
                .append(ReportStyle.CSS)
                .append("</style>\n</head>\n<body>\n");
        header(h, data, charts);
        h.append("<main>\n");
        samples(h, data.samples());
        metrics(h, data.metrics());
        ce(h, data.ce());
        curves(h, charts);
        h.append("</main>\n<footer>Attention maps: the model's grid upsampled bilinearly to the image,"
                        + " scaled per map from its minimum to its maximum ")
                .append("<span class=\"cbar\"></span> (low to high). Results on synthetic data say nothing"
                        + " clinical.</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void header(StringBuilder h, ReportData data, List<Plots.Chart> charts) {
        h.append("<header>\n<h1>").append(esc(data.title())).append("</h1>\n");
        if (!data.about().isEmpty()) {
            h.append("<dl class=\"about\">");
            for (Map.Entry<String, String> e : data.about().entrySet())
                h.append("<div><dt>")
                        .append(esc(e.getKey()))
                        .append("</dt><dd>")
                        .append(esc(e.getValue()))
                        .append("</dd></div>");
            h.append("</dl>\n");
        }
        if (!data.metrics().isEmpty()) {
            h.append("<div class=\"chips\">");
            for (Map.Entry<String, Double> e : data.metrics().entrySet())
                h.append("<div class=\"chip\"><span>")
                        .append(esc(e.getKey().replace('_', '-')))
                        .append("</span><b>")
                        .append(num(e.getValue()))
                        .append("</b></div>");
            h.append("</div>\n");
        }
        h.append("<nav>");
        if (!data.samples().isEmpty())
            h.append("<a href=\"#samples\">Studies (")
                    .append(data.samples().size())
                    .append(")</a>");
        if (!data.metrics().isEmpty()) h.append("<a href=\"#metrics\">Metrics</a>");
        if (data.ce() != null) h.append("<a href=\"#ce\">Clinical efficacy</a>");
        if (!charts.isEmpty()) h.append("<a href=\"#curves\">Training curves</a>");
        h.append("</nav>\n</header>\n");
    }

    private static void samples(StringBuilder h, List<Sample> samples) {
        if (samples.isEmpty()) return;
        h.append("<section id=\"samples\">\n<h2>Test studies</h2>\n");
        for (Sample s : samples) sample(h, s);
        h.append("</section>\n");
    }

    private static void sample(StringBuilder h, Sample s) {
        int[] pred = s.predictedLabels(), ref = s.referenceLabels();
        int agree = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == ref[i]) agree++;
        h.append("<article class=\"sample\" id=\"study-")
                .append(esc(s.studyId()))
                .append("\">\n<div class=\"head\"><h3>")
                .append(esc(s.studyId()))
                .append("</h3>");
        if (pred.length > 0)
            h.append("<span class=\"badge\">labels agree ")
                    .append(agree)
                    .append(" / ")
                    .append(pred.length)
                    .append("</span>");
        h.append("</div>\n<div class=\"top\">\n<figure class=\"xray\"><img alt=\"image of study ")
                .append(esc(s.studyId()))
                .append("\" src=\"")
                .append(dataUri(Overlay.imagePng(s.image())))
                .append("\"><figcaption>")
                .append(s.image().width())
                .append(" &times; ")
                .append(s.image().height())
                .append("</figcaption></figure>\n<div class=\"texts\">\n");
        text(h, "gen", "Generated", null, s.generated());
        text(h, "ref", "Reference", null, s.referenceReport());
        if (s.retrieved() != null)
            text(
                    h,
                    "retr",
                    "Retrieved training report",
                    esc(s.retrieved().studyId()) + " &middot; Poincar&eacute; distance "
                            + String.format(Locale.ROOT, "%.4f", s.retrieved().distance()),
                    s.retrieved().report());
        h.append("</div>\n</div>\n");
        if (pred.length > 0) labels(h, pred, ref);
        maps(h, s, "GRP branch &middot; attention per retrieved sentence", s.grpMaps());
        maps(h, s, "LRP branch &middot; attention per entity", s.lrpMaps());
        h.append("</article>\n");
    }

    private static void text(StringBuilder h, String cls, String title, String note, String body) {
        h.append("<div class=\"text ").append(cls).append("\"><h4>").append(title);
        if (note != null) h.append(" <small>").append(note).append("</small>");
        h.append("</h4><p>")
                .append(body.isBlank() ? "<i>(empty)</i>" : esc(body))
                .append("</p></div>\n");
    }

    private static void labels(StringBuilder h, int[] pred, int[] ref) {
        h.append("<div class=\"labels\"><h4>Labels <small>predicted / reference</small></h4><ul>");
        for (int i = 0; i < pred.length; i++) {
            h.append(pred[i] == ref[i] ? "<li>" : "<li class=\"diff\">")
                    .append("<span class=\"cls\">")
                    .append(esc(className(i, pred.length)))
                    .append("</span>")
                    .append(status(pred[i]))
                    .append(status(ref[i]))
                    .append("</li>");
        }
        h.append("</ul></div>\n");
    }

    private static String className(int i, int n) {
        return i < LabelClass.ALL.size() && (n == 18 || n == 14)
                ? LabelClass.ALL.get(i).csvName()
                : "class " + i;
    }

    private static String status(int code) {
        LabelStatus s = LabelStatus.ofCode(code);
        String word = switch (s) {
            case BLANK -> "blank";
            case POSITIVE -> "pos";
            case NEGATIVE -> "neg";
            case UNCERTAIN -> "unc";
        };
        return "<span class=\"st " + word + "\">" + word + "</span>";
    }

    private static void maps(StringBuilder h, Sample s, String title, List<AttentionMap> maps) {
        if (maps.isEmpty()) return;
        h.append("<div class=\"maps\"><h4>").append(title).append("</h4><div class=\"grid\">");
        for (AttentionMap m : maps)
            h.append("<figure><img alt=\"attention: ")
                    .append(esc(m.name()))
                    .append("\" src=\"")
                    .append(dataUri(Overlay.overlayPng(s.image(), m)))
                    .append("\"><figcaption>")
                    .append(esc(m.name()))
                    .append("</figcaption></figure>");
        h.append("</div></div>\n");
    }

    private static void metrics(StringBuilder h, Map<String, Double> metrics) {
        if (metrics.isEmpty()) return;
        h.append("<section id=\"metrics\">\n<h2>Metrics</h2>\n<table class=\"wide\"><thead><tr>");
        for (String name : metrics.keySet()) h.append("<th>").append(esc(name)).append("</th>");
        h.append("</tr></thead><tbody><tr>");
        for (Double v : metrics.values()) h.append("<td>").append(num(v)).append("</td>");
        h.append("</tr></tbody></table>\n</section>\n");
    }

    private static void ce(StringBuilder h, ClinicalEfficacy.Result ce) {
        if (ce == null) return;
        h.append("<section id=\"ce\">\n<h2>Clinical efficacy per class</h2>\n")
                .append("<p class=\"note\">Positive findings of the 14 CheXpert classes, generated against reference"
                        + " reports. Example-based P / R / F1: ")
                .append(num(ce.p()))
                .append(" / ")
                .append(num(ce.r()))
                .append(" / ")
                .append(num(ce.f1()))
                .append(".</p>\n<table class=\"num ce\"><thead><tr><th>class</th><th>support</th><th>predicted</th>"
                        + "<th>P</th><th>R</th><th>F1</th><th class=\"bar\"></th></tr></thead><tbody>");
        for (ClinicalEfficacy.ClassScore c : ce.perClass()) ceRow(h, c, "");
        ceRow(h, ce.micro(), "agg");
        ceRow(h, ce.macro(), "agg");
        h.append("</tbody></table>\n</section>\n");
    }

    private static void ceRow(StringBuilder h, ClinicalEfficacy.ClassScore c, String cls) {
        double f1 = Double.isFinite(c.f1()) ? Math.max(0, Math.min(1, c.f1())) : 0;
        h.append(cls.isEmpty() ? "<tr>" : "<tr class=\"" + cls + "\">")
                .append("<td>")
                .append(esc(c.name()))
                .append("</td><td>")
                .append(c.support())
                .append("</td><td>")
                .append(c.predicted())
                .append("</td><td>")
                .append(num(c.p()))
                .append("</td><td>")
                .append(num(c.r()))
                .append("</td><td>")
                .append(num(c.f1()))
                .append("</td><td class=\"bar\"><span style=\"width:")
                .append(String.format(Locale.ROOT, "%.1f", 100 * f1))
                .append("%\"></span></td></tr>");
    }

    private static void curves(StringBuilder h, List<Plots.Chart> charts) {
        if (charts.isEmpty()) return;
        h.append("<section id=\"curves\">\n<h2>Training curves</h2>\n<div class=\"plots\">\n");
        for (Plots.Chart c : charts)
            h.append("<figure class=\"plot\"><img alt=\"")
                    .append(esc(c.title()))
                    .append("\" src=\"")
                    .append(dataUri(c.png()))
                    .append("\"><figcaption>plots/")
                    .append(esc(c.file()))
                    .append("</figcaption></figure>\n");
        h.append("</div>\n</section>\n");
    }

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    static String num(Double v) {
        return v == null || !Double.isFinite(v) ? "&ndash;" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
