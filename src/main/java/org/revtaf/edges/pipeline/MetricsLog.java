package org.revtaf.edges.pipeline;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.io.TextFiles;

/**
 * {@code RUN/metrics.csv} (../shared/CLI.md run conventions): one CSV for the step rows and the
 * validation rows of a run, fixed columns chosen by the stage (those that do not apply to a row stay
 * empty), always with {@code step} and a {@code wall_s} column (seconds since the run started,
 * continued across resumes). Rows are buffered and the file is rewritten atomically on {@link #flush}
 * (call it before saving a checkpoint) and on {@link #close}. {@link #resume} keeps the rows up to
 * the checkpoint's step and drops the rest, so a resumed run's file has the rows of an
 * uninterrupted one (equal except for {@code wall_s}).
 */
public final class MetricsLog implements AutoCloseable {
    public static final String STEP = "step", WALL = "wall_s";

    private final Path file;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final double wallBefore;
    private boolean dirty;

    private MetricsLog(Path file, List<String> columns, double wallBefore) {
        if (!columns.contains(STEP)) throw new IllegalArgumentException("metrics need a '" + STEP + "' column");
        if (columns.contains(WALL)) throw new IllegalArgumentException("'" + WALL + "' is added by the log itself");
        List<String> c = new ArrayList<>(columns);
        c.add(WALL);
        this.file = file;
        this.columns = List.copyOf(c);
        this.wallBefore = wallBefore;
    }

    /** A new log with these columns ({@code wall_s} is appended); the header is written at once. */
    public static MetricsLog create(Path file, List<String> columns) {
        MetricsLog m = new MetricsLog(file, columns, 0);
        m.dirty = true;
        m.flush();
        return m;
    }

    /**
     * Continues the log of a run resumed from a checkpoint taken at {@code step} after
     * {@code wallSeconds}: rows with a larger step are dropped. A missing file starts empty; a file
     * with other columns is an error naming it.
     */
    public static MetricsLog resume(Path file, List<String> columns, long step, double wallSeconds) {
        MetricsLog m = new MetricsLog(file, columns, wallSeconds);
        if (Files.exists(file)) {
            Table t = read(file);
            if (!t.columns().equals(m.columns))
                throw new RevtafException(file + ": columns " + t.columns() + " are not this stage's " + m.columns
                        + " (a metrics file of another kind of run?)");
            int stepAt = m.columns.indexOf(STEP);
            for (int i = 0; i < t.rows().size(); i++) {
                List<String> r = t.rows().get(i);
                if (t.step(i, stepAt) <= step) m.rows.add(r);
            }
        }
        m.dirty = true;
        m.flush();
        return m;
    }

    public List<String> columns() {
        return columns;
    }

    /** Seconds since the run started (including the time before a resume). */
    public double wallSeconds() {
        return wallBefore + (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Adds a row: values by column name (numbers, strings; null or absent = empty). {@code step} is
     * required, {@code wall_s} is filled in. An unknown column is a programming error.
     */
    public void row(Map<String, ?> values) {
        if (!(values.get(STEP) instanceof Number))
            throw new IllegalArgumentException("a metrics row needs a numeric '" + STEP + "'");
        for (String k : values.keySet())
            if (!columns.contains(k) || k.equals(WALL))
                throw new IllegalArgumentException("unknown metrics column '" + k + "' (columns " + columns + ")");
        List<String> r = new ArrayList<>(columns.size());
        for (String c : columns) r.add(c.equals(WALL) ? format(wallSeconds()) : format(values.get(c)));
        rows.add(r);
        dirty = true;
    }

    /** A row builder: {@code log.at(step).put("loss", x).write()}. */
    public Row at(long step) {
        return new Row(step);
    }

    /** Values of one row, in insertion order. */
    public final class Row {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Row(long step) {
            values.put(STEP, step);
        }

        public Row put(String column, Object value) {
            values.put(column, value);
            return this;
        }

        public void write() {
            row(values);
        }
    }

    /**
     * A metrics file as written: its header and rows (cells as strings; an empty cell is a value the
     * row does not have).
     */
    public record Table(Path file, List<String> columns, List<List<String>> rows) {
        /** The step of row {@code i}, whose step column is {@code stepAt}; a bad cell names file and line. */
        long step(int i, int stepAt) {
            String s = rows.get(i).get(stepAt);
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new RevtafException(file + ":" + (i + 2) + ": step '" + s + "' is not an integer");
            }
        }
    }

    /** Reads a metrics file (an error naming it when it is not a readable CSV). */
    public static Table read(Path file) {
        String text = TextFiles.readUtf8(file, "metrics file");
        try (CSVParser p = CSVParser.parse(
                new StringReader(text),
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            List<List<String>> rows = new ArrayList<>();
            for (CSVRecord r : p) {
                if (r.size() != p.getHeaderNames().size())
                    throw new RevtafException(file + ":" + (r.getRecordNumber() + 1) + ": " + r.size() + " cells for "
                            + p.getHeaderNames().size() + " columns");
                rows.add(r.toList());
            }
            return new Table(file, List.copyOf(p.getHeaderNames()), rows);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new RevtafException(file + ": not a readable metrics CSV: " + e.getMessage());
        }
    }

    /** The rows so far (cells as written). */
    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    static String format(Object v) {
        return switch (v) {
            case null -> "";
            case Double d -> formatDouble(d);
            case Float f -> formatDouble(f);
            case Number n -> n.toString();
            default -> v.toString();
        };
    }

    private static String formatDouble(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return String.format(Locale.ROOT, "%.6g", d)
                .replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                .replace(".e", "e");
    }

    /** Rewrites the file atomically with every row so far (no-op when nothing changed). */
    public void flush() {
        if (!dirty) return;
        AtomicFile.writeStream(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter p = new CSVPrinter(
                    w,
                    CSVFormat.DEFAULT
                            .builder()
                            .setRecordSeparator('\n')
                            .setHeader(columns.toArray(String[]::new))
                            .get());
            for (List<String> r : rows) p.printRecord(r);
            p.flush();
        });
        dirty = false;
    }

    @Override
    public void close() {
        flush();
    }

    @Override
    public String toString() {
        return "MetricsLog[" + file + ", " + rows.size() + " rows, columns " + Arrays.toString(columns.toArray()) + "]";
    }
}
