package org.revtaf.domain.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.TextFiles;

/**
 * The one reader of report files, for {@code revtaf label} and {@code revtaf evaluate}
 * (shared/CLI.md). Kinds:
 *
 * <ul>
 *   <li>{@code .jsonl}: one {@code {"id", "report"}} object a line (blank lines skipped);
 *   <li>an R2Gen / PromptMRG {@code annotation.json} ({@code {"train": [...], "val": [...], "test":
 *       [...]}}, any split names, entries with {@code id} and {@code report}) or a flat list of
 *       entries: {@link #read(Path)} reads every split in file order, {@link #read(Path, String)}
 *       one split (a flat list is read whole);
 *   <li>label only: {@code .txt}, one report a line, id = 1-based line number (blank lines are no
 *       report); {@code .csv} with a {@code Report} column (CheXbert's {@code Report Impression}
 *       also accepted), id from an {@code id} column, else the 1-based row number.
 * </ul>
 *
 * <p>Ids keep the file's order. Every defect is a {@link RevtafException} naming the file and line
 * ({@code FILE:LINE: ...}): a missing file, a folder, bytes that are not UTF-8, bad JSON or CSV, a
 * missing or mistyped key, a duplicate id (both lines named), a file without any report.
 */
public final class ReportSource {
    private ReportSource() {}

    /** One report: its id and text. */
    public record Report(String id, String text) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code revtaf label}: any of the four kinds; an annotation.json with all its splits. */
    public static List<Report> read(Path file) {
        return read(file, null, true);
    }

    /** {@code revtaf evaluate}: a {@code .jsonl}, or the given split of an annotation.json. */
    public static List<Report> read(Path file, String split) {
        return read(file, split, false);
    }

    /** id -> text in file order (ids are unique: {@link #read} rejects duplicates). */
    public static Map<String, String> byId(List<Report> reports) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Report r : reports) m.put(r.id(), r.text());
        return m;
    }

    /** Whether {@code file} is read as an annotation.json (not {@code .jsonl}, {@code .txt}, {@code .csv}). */
    public static boolean isAnnotation(Path file) {
        return switch (kind(file)) {
            case "jsonl", "txt", "csv" -> false;
            default -> true;
        };
    }

    private static String kind(Path file) {
        String name =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    private static List<Report> read(Path file, String split, boolean labelKinds) {
        String kind = kind(file);
        if (!labelKinds && (kind.equals("txt") || kind.equals("csv"))) {
            throw new RevtafException(file + ": ." + kind + " input is read by 'label' only; give a .jsonl of"
                    + " {\"id\", \"report\"} lines or an annotation.json");
        }
        if (labelKinds && !List.of("jsonl", "json", "txt", "csv").contains(kind)) {
            throw new RevtafException(file + ": unknown input kind (expected annotation .json, .jsonl, .txt or .csv)");
        }
        String text = TextFiles.readUtf8(file, "report file");
        Ids ids = new Ids(file);
        List<Report> out = switch (kind) {
            case "jsonl" -> readJsonl(file, text, ids);
            case "txt" -> readTxt(text);
            case "csv" -> readCsv(file, text, ids);
            default -> readAnnotation(file, text, split, ids);
        };
        if (out.isEmpty()) {
            String why = text.isBlank()
                    ? " (the file is empty)"
                    : split != null && isAnnotation(file) ? " (split '" + split + "' is empty)" : "";
            throw new RevtafException(file + ": no reports in the file" + why);
        }
        return out;
    }

    /** Where each id was first seen, to name both places of a duplicate. */
    private static final class Ids {
        private final Path file;
        private final Map<String, String> firstAt = new HashMap<>();

        Ids(Path file) {
            this.file = file;
        }

        Report add(String id, String text, String where) {
            String first = firstAt.putIfAbsent(id, where);
            if (first != null) {
                throw new RevtafException(file + ":" + where + ": duplicate id '" + id + "', first at line " + first);
            }
            return new Report(id, text);
        }
    }

    private static List<Report> readJsonl(Path file, String text, Ids ids) {
        List<Report> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new RevtafException(file + ":" + (i + 1) + ": not valid JSON: " + e.getOriginalMessage());
            }
            out.add(entry(n, file, Integer.toString(i + 1), ids));
        }
        return out;
    }

    private static Report entry(JsonNode n, Path file, String where, Ids ids) {
        String at = file + ":" + where + ": ";
        if (n == null || !n.isObject())
            throw new RevtafException(at + "expected a JSON object with \"id\" and \"report\"");
        JsonNode id = n.get("id"), report = n.get("report");
        if (id == null || id.isNull()) throw new RevtafException(at + "missing key \"id\"");
        if (!id.isTextual() && !id.isIntegralNumber())
            throw new RevtafException(at + "key \"id\" must be text or an integer");
        if (report == null) throw new RevtafException(at + "missing key \"report\"");
        if (!report.isTextual()) throw new RevtafException(at + "key \"report\" must be text");
        return ids.add(id.asText(), report.asText(), where);
    }

    /** annotation.json streamed token by token: every split ({@code split == null}) or one split. */
    private static List<Report> readAnnotation(Path file, String text, String split, Ids ids) {
        List<Report> out = new ArrayList<>();
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                readEntries(p, file, "", ids, out);
            } else if (t == JsonToken.START_OBJECT) {
                List<String> present = new ArrayList<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    present.add(name);
                    if (p.nextToken() != JsonToken.START_ARRAY) {
                        throw new RevtafException(
                                file + ":" + p.currentTokenLocation().getLineNr() + ": split \"" + name
                                        + "\" is not a list of entries");
                    }
                    if (split == null || split.equals(name)) readEntries(p, file, name, ids, out);
                    else p.skipChildren();
                }
                if (split != null && !present.contains(split)) {
                    throw new RevtafException(
                            file + ": no split '" + split + "' (splits present: " + String.join(", ", present) + ")");
                }
            } else {
                throw new RevtafException(file + ": expected an annotation.json object {\"train\": [...], \"val\":"
                        + " [...], \"test\": [...]}, a list of entries, or a .jsonl file of {\"id\", \"report\"}"
                        + " lines");
            }
            if (p.nextToken() != null) {
                throw new RevtafException(file + ":" + p.currentTokenLocation().getLineNr()
                        + ": unexpected content after the annotation object");
            }
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new RevtafException(file + ":" + line + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) { // reading from a String: only the JSON errors above are expected
            throw new RevtafException(file + ": cannot parse (" + e.getMessage() + ")", e);
        }
        return out;
    }

    private static void readEntries(JsonParser p, Path file, String split, Ids ids, List<Report> out)
            throws IOException {
        int k = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int line = p.currentTokenLocation().getLineNr();
            JsonNode n = p.readValueAsTree();
            String where = line + " (" + (split.isEmpty() ? "" : "split " + split + ", ") + "entry " + k + ")";
            out.add(entry(n, file, where, ids));
            k++;
        }
    }

    private static List<Report> readTxt(String text) {
        List<Report> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (!line.isBlank()) out.add(new Report(Integer.toString(i + 1), line));
        }
        return out;
    }

    private static List<Report> readCsv(Path file, String text, Ids ids) {
        if (text.isBlank()) return List.of();
        CSVFormat fmt = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        List<Report> out = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), fmt)) {
            Map<String, Integer> header = parser.getHeaderMap();
            String col = header.containsKey("Report")
                    ? "Report"
                    : header.containsKey("Report Impression") ? "Report Impression" : null;
            if (col == null)
                throw new RevtafException(file + ":1: no \"Report\" column (header: " + header.keySet() + ")");
            String idCol = header.containsKey("id") ? "id" : null;
            int row = 0;
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                long line = parser.getCurrentLineNumber() + 1; // where the next record starts
                if (!it.hasNext()) break;
                CSVRecord rec = it.next();
                row++;
                if (!rec.isSet(col))
                    throw new RevtafException(file + ":" + line + ": row " + row + " has no \"" + col + "\" value");
                if (idCol != null) out.add(ids.add(rec.get(idCol), rec.get(col), Long.toString(line)));
                else out.add(new Report(Integer.toString(row), rec.get(col)));
            }
        } catch (UncheckedIOException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new RevtafException(file + ": malformed CSV: " + c.getMessage());
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new RevtafException(file + ":1: not a readable CSV (" + e.getMessage() + ")");
        }
        return out;
    }
}
