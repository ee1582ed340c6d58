package org.revtaf.edges.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.report.ReportData.Curves;
import org.revtaf.edges.report.ReportData.EpochRow;
import org.revtaf.edges.report.ReportData.StepRow;

/**
 * The training-curve charts of {@code DIR/plots/} as PNGs (JFreeChart, headless): loss
 * components over steps, learning rate over steps, validation metrics over epochs. Non-finite
 * values are left out of a line rather than drawn.
 */
public final class Plots {
    /** Pixel sizes: the loss chart spans the page, the other two share a row. */
    public static final int WIDE = 1100, NARROW = 540, HEIGHT = 400;

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Okabe-Ito colours (distinguishable with colour-blindness), yellow last. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xC9B400)
    };

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private Plots() {}

    /** One chart: file name (e.g. {@code loss.png}), title, PNG bytes. */
    public record Chart(String file, String title, byte[] png) {}

    /** The charts of these curves; a chart without data is left out. */
    public static List<Chart> render(Curves curves) {
        List<Chart> out = new ArrayList<>();
        if (curves == null) return out;
        List<StepRow> steps = curves.steps();
        Map<String, XYSeries> losses = series(steps, r -> r.losses(), StepRow::step);
        if (!losses.isEmpty())
            out.add(chart("loss.png", "Training loss by component", "step", "loss", losses, false, "0.###", WIDE));
        XYSeries lr = new XYSeries("learning rate");
        for (StepRow r : steps) if (Double.isFinite(r.lr())) lr.add(r.step(), r.lr());
        if (lr.getItemCount() > 0)
            out.add(chart(
                    "lr.png", "Learning rate", "step", "lr", Map.of("learning rate", lr), false, "0.##E0", NARROW));
        Map<String, XYSeries> val = series(curves.validation(), EpochRow::metrics, r -> r.epoch());
        if (!val.isEmpty())
            out.add(chart(
                    "validation.png", "Validation metrics by epoch", "epoch", "score", val, true, "0.###", NARROW));
        return out;
    }

    /** Writes the charts into {@code dir} (created when missing), each atomically; returns the paths. */
    public static List<Path> write(Path dir, List<Chart> charts) {
        List<Path> paths = new ArrayList<>();
        for (Chart c : charts) {
            Path p = dir.resolve(c.file());
            AtomicFile.writeBytes(p, c.png());
            paths.add(p);
        }
        return paths;
    }

    private static <R> Map<String, XYSeries> series(
            List<R> rows, Function<R, Map<String, Double>> values, Function<R, Number> x) {
        Set<String> names = new LinkedHashSet<>();
        for (R r : rows) names.addAll(values.apply(r).keySet());
        Map<String, XYSeries> out = new LinkedHashMap<>();
        for (String n : names) {
            XYSeries s = new XYSeries(n, true, true);
            for (R r : rows) {
                Double v = values.apply(r).get(n);
                if (v != null && Double.isFinite(v)) s.addOrUpdate(x.apply(r), v);
            }
            if (s.getItemCount() > 0) out.put(n, s);
        }
        return out;
    }

    /** A tick format that writes zero as "0" (a scientific pattern would write "0E0"). */
    private static NumberFormat tickFormat(String pattern) {
        DecimalFormat f = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)) {
            @Override
            public StringBuffer format(double v, StringBuffer out, FieldPosition pos) {
                return v == 0 ? out.append('0') : f.format(v, out, pos);
            }
        };
    }

    private static Chart chart(
            String file,
            String title,
            String xLabel,
            String yLabel,
            Map<String, XYSeries> series,
            boolean markers,
            String yFormat,
            int width) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, xLabel, yLabel, data, PlotOrientation.VERTICAL, series.size() > 1, false, false);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        chart.getTitle().setFont(FONT.deriveFont(Font.BOLD, 16f));
        chart.getTitle().setPaint(new Color(0x222222));
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(FONT);
            legend.setFrame(new org.jfree.chart.block.BlockBorder(Color.WHITE));
            legend.setPosition(RectangleEdge.BOTTOM);
        }
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(new Color(0xE3E3E3));
        plot.setRangeGridlinePaint(new Color(0xE3E3E3));
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
        for (NumberAxis axis : new NumberAxis[] {(NumberAxis) plot.getDomainAxis(), (NumberAxis) plot.getRangeAxis()}) {
            axis.setLabelFont(FONT);
            axis.setTickLabelFont(FONT.deriveFont(12f));
            axis.setLabelPaint(new Color(0x444444));
            axis.setTickLabelPaint(new Color(0x444444));
            axis.setAxisLinePaint(new Color(0xBBBBBB));
            axis.setTickMarkPaint(new Color(0xBBBBBB));
        }
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        x.setLowerMargin(0.01);
        x.setUpperMargin(0.01);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        y.setNumberFormatOverride(tickFormat(yFormat));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, markers);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            r.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
        }
        plot.setRenderer(r);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(bytes, chart, width, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("plot " + file + ": PNG encoding failed", e);
        }
        return new Chart(file, title, bytes.toByteArray());
    }
}
