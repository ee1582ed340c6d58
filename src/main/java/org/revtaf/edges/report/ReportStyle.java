package org.revtaf.edges.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The report's stylesheet ({@code report.css} beside this class), inlined into the page. */
final class ReportStyle {
    static final String CSS = load();

    private ReportStyle() {}

    private static String load() {
        try (InputStream in = ReportStyle.class.getResourceAsStream("report.css")) {
            if (in == null) throw new IllegalStateException("report.css is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("report.css: cannot read", e);
        }
    }
}
