package org.revtaf.edges.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.domain.data.Image;
import org.revtaf.edges.report.ReportData.AttentionMap;
import org.revtaf.edges.report.ReportData.Sample;

class HtmlReportTest {
    @TempDir
    Path dir;

    /** Every URL-bearing attribute and CSS url(): only data: URIs and in-page anchors. */
    static void assertSelfContained(String html) {
        Matcher m = Pattern.compile(
                        "(?i)\\b(src|href|srcset|poster|data|action|formaction|background)\\s*=\\s*\"([^\"]*)\"")
                .matcher(html);
        int refs = 0;
        while (m.find()) {
            refs++;
            String v = m.group(2);
            boolean ok =
                    m.group(1).equalsIgnoreCase("href") ? v.startsWith("#") : v.startsWith("data:image/png;base64,");
            if (!ok) fail("external reference " + m.group(1) + "=\"" + v + "\"");
        }
        assertTrue(refs > 0, "the page has images");
        Matcher css = Pattern.compile("(?i)url\\(|@import").matcher(html);
        assertFalse(css.find(), "no url() or @import in the style");
        for (String tag : List.of("<script", "<link", "<iframe", "<object", "<embed", "<base", "<audio", "<video"))
            assertFalse(html.toLowerCase().contains(tag), "no " + tag + " element");
        assertFalse(
                Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}")
                        .matcher(html.replaceAll("data:image/png;base64,[A-Za-z0-9+/=]+", ""))
                        .find(),
                "no URL anywhere outside data: URIs");
        assertTrue(
                html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"" + HtmlReport.CSP + "\">"),
                "CSP meta present");
        assertTrue(HtmlReport.CSP.startsWith("default-src 'none'"));
    }

    @Test
    void theSampleReportIsSelfContainedAndShowsEveryPart() throws Exception {
        ReportData data = SampleReports.synthetic(8, 64, 3);
        Path html = HtmlReport.write(dir.resolve("run"), data);
        String page = Files.readString(html);
        assertSelfContained(page);
        for (Sample s : data.samples()) {
            assertTrue(page.contains("id=\"study-" + s.studyId() + "\""), s.studyId());
            assertTrue(page.contains(HtmlReport.esc(s.generated())), "generated report of " + s.studyId());
            assertTrue(page.contains(HtmlReport.esc(s.referenceReport())), "reference report");
            assertTrue(page.contains(HtmlReport.esc(s.retrieved().studyId()) + " &middot; Poincar&eacute; distance "
                    + String.format(java.util.Locale.ROOT, "%.4f", s.retrieved().distance())));
            for (AttentionMap m : s.grpMaps()) assertTrue(page.contains(HtmlReport.esc(m.name())));
            for (AttentionMap m : s.lrpMaps()) assertTrue(page.contains(HtmlReport.esc(m.name())));
        }
        int maps = data.samples().stream()
                .mapToInt(s -> s.grpMaps().size() + s.lrpMaps().size())
                .sum();
        List<String> images = dataImages(page);
        assertEquals(data.samples().size() + maps + 3, images.size(), "studies, overlays, 3 charts");
        for (String b64 : images) {
            BufferedImage img =
                    ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
            assertTrue(img != null && img.getWidth() > 0, "every inlined image decodes");
        }
        assertTrue(page.contains("<th>CE_F1</th>") && page.contains("Clinical efficacy per class"));
        assertTrue(page.contains(">Support Devices<") && page.contains(">macro<"));
        for (String f : List.of("loss.png", "lr.png", "validation.png"))
            assertTrue(Files.size(dir.resolve("run/plots/" + f)) > 1000, f);
    }

    @Test
    void textIsEscapedAndMissingPartsAreLeftOut() {
        Image img = new Image(4, 4, 1, new float[16]);
        Sample s = new Sample(
                "a<b",
                img,
                "<script>alert('x')</script> & more",
                "ref \"quoted\"",
                null,
                new int[] {1, 0},
                new int[] {1, 2},
                List.of(),
                List.of(new AttentionMap("<img src=x>", 2, 2, new float[] {0, 1, 2, 3})));
        String page = HtmlReport.render(new ReportData("t & t", Map.of("k", "v<"), List.of(s), Map.of(), null, null));
        assertSelfContained(page);
        assertFalse(page.contains("<script>alert"));
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
        assertTrue(page.contains("ref &quot;quoted&quot;"));
        assertTrue(page.contains("&lt;img src=x&gt;"));
        assertTrue(page.contains("labels agree 1 / 2"));
        assertTrue(page.contains("class=\"diff\""), "the differing label is marked");
        assertFalse(page.contains("Retrieved training report"), "no retrieval given");
        assertFalse(page.contains("id=\"ce\"") || page.contains("id=\"curves\"") || page.contains("id=\"metrics\""));
        assertEquals(2, dataImages(page).size(), "the study image and one overlay");
        // the check itself catches a page that loads from elsewhere
        assertThrows(
                AssertionError.class,
                () -> assertSelfContained(page.replaceFirst("data:image/png;base64,", "//x.org/")));
        assertThrows(AssertionError.class, () -> assertSelfContained(page.replace("<meta http-equiv", "<meta x")));
    }

    static List<String> dataImages(String page) {
        Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(page);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
