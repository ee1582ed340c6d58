package org.revtaf.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.revtaf.RevtafException;

/**
 * Reads report texts from the 4 input kinds of {@code revtaf label} (shared/CLI.md): an R2Gen /
 * PromptMRG {@code annotation.json} (all splits in file order, or a flat list), a {@code .jsonl} of
 * {@code {"id","report"}}, a {@code .txt} with one report per line (id = 1-based line number), or a
 * {@code .csv} with a {@code Report} column (CheXbert's {@code Report Impression} also accepted; id from
 * an {@code id} column, else the 1-based row number). Errors name the file and line.
 */
public final class ReportSource {
    private ReportSource() {}

    /** One report: its id and text. */
    public record Report(String id, String text) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public static List<Report> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".jsonl")) return readJsonl(file);
            if (name.endsWith(".json")) return readAnnotation(file);
            if (name.endsWith(".txt")) return readTxt(file);
            if (name.endsWith(".csv")) return readCsv(file);
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": no such file");
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot read: " + e.getMessage(), e);
        }
        throw new RevtafException(file + ": unknown input kind (expected annotation .json, .jsonl, .txt or .csv)");
    }

    static List<Report> readJsonl(Path file) throws IOException {
        List<Report> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new RevtafException(file + " line " + no + ": not valid JSON: " + e.getOriginalMessage());
                }
                out.add(entry(n, file + " line " + no));
            }
        }
        return out;
    }

    private static Report entry(JsonNode n, String where) {
        if (n == null || !n.isObject())
            throw new RevtafException(where + ": expected a JSON object with \"id\" and \"report\"");
        JsonNode id = n.get("id"), report = n.get("report");
        if (id == null || id.isNull()) throw new RevtafException(where + ": missing key \"id\"");
        if (report == null || !report.isTextual())
            throw new RevtafException(where + ": missing or non-text key \"report\"");
        return new Report(id.asText(), report.asText());
    }

    /** annotation.json: {"train":[...], "val":[...], "test":[...]} (any split names) or a flat list, streamed. */
    static List<Report> readAnnotation(Path file) throws IOException {
        List<Report> out = new ArrayList<>();
        JsonFactory f = JSON.getFactory();
        try (Reader rd = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonParser p = f.createParser(rd)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                readEntries(p, file, "", out);
            } else if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String split = p.currentName();
                    if (p.nextToken() != JsonToken.START_ARRAY)
                        throw new RevtafException(
                                file + " line " + p.currentLocation().getLineNr() + ": split \"" + split
                                        + "\" is not a list of entries");
                    readEntries(p, file, split, out);
                }
            } else {
                throw new RevtafException(file + ": expected an annotation object of splits or a list of entries");
            }
        } catch (JsonProcessingException e) {
            throw new RevtafException(
                    file + " line " + e.getLocation().getLineNr() + ": not valid JSON: " + e.getOriginalMessage());
        }
        return out;
    }

    private static void readEntries(JsonParser p, Path file, String split, List<Report> out) throws IOException {
        int k = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int line = p.currentLocation().getLineNr();
            JsonNode n = p.readValueAsTree();
            out.add(entry(
                    n,
                    file + " line " + line + " (" + (split.isEmpty() ? "" : "split " + split + ", ") + "entry " + k
                            + ")"));
            k++;
        }
    }

    static List<Report> readTxt(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Report> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) out.add(new Report(Integer.toString(i + 1), lines.get(i)));
        return out;
    }

    static List<Report> readCsv(Path file) throws IOException {
        CSVFormat fmt = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        List<Report> out = new ArrayList<>();
        try (Reader rd = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(rd, fmt)) {
            Map<String, Integer> header = parser.getHeaderMap();
            String col = header.containsKey("Report")
                    ? "Report"
                    : header.containsKey("Report Impression") ? "Report Impression" : null;
            if (col == null)
                throw new RevtafException(file + " line 1: no \"Report\" column (header: " + header.keySet() + ")");
            String idCol = header.containsKey("id") ? "id" : null;
            int row = 0;
            for (CSVRecord rec : parser) {
                row++;
                if (!rec.isSet(col))
                    throw new RevtafException(file + " line " + (rec.getParser().getCurrentLineNumber()) + ": row "
                            + row + " has no \"" + col + "\" value");
                String id = idCol != null && rec.isSet(idCol) ? rec.get(idCol) : Integer.toString(row);
                out.add(new Report(id, rec.get(col)));
            }
        } catch (java.io.UncheckedIOException e) {
            throw new RevtafException(file + ": malformed CSV: " + e.getCause().getMessage());
        }
        return out;
    }
}
