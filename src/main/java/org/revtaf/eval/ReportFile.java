package org.revtaf.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.io.TextFiles;

/**
 * Reads the reports to evaluate: a {@code .jsonl} file of {"id", "report"} objects, one per line, or
 * an R2Gen {@code annotation.json} ({"train": [...], "val": [...], "test": [...]}, entries with
 * {@code id} and {@code report}) of which one split is read. Ids keep the file's order. Every defect
 * is a {@link RevtafException} naming the file and line: unreadable or non-UTF-8 bytes, bad JSON, a
 * missing or non-text key, a duplicate id, no report at all.
 */
public final class ReportFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportFile() {}

    /** id -> report text, in file order. */
    public static Map<String, String> read(Path file, String split) {
        String text = readUtf8(file);
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        Map<String, String> out = name.endsWith(".jsonl") ? readJsonl(file, text) : readAnnotation(file, text, split);
        if (out.isEmpty()) {
            throw new RevtafException(file + ": no reports in the file"
                    + (name.endsWith(".jsonl") ? "" : " (split '" + split + "' is empty)"));
        }
        return out;
    }

    /** The whole file as text; a byte sequence that is not UTF-8 is an error naming its line. */
    static String readUtf8(Path file) {
        return TextFiles.readUtf8(file, "report file");
    }

    private static Map<String, String> readJsonl(Path file, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> firstAt = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new RevtafException(
                        file + ":" + (i + 1) + ": not a JSON object (" + e.getOriginalMessage() + ")");
            }
            add(out, firstAt, node, file + ":" + (i + 1));
        }
        return out;
    }

    private static Map<String, String> readAnnotation(Path file, String text, String split) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new RevtafException(file + ":" + line + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new RevtafException(file + ": expected an annotation.json object {\"train\": [...], \"val\": [...],"
                    + " \"test\": [...]} or a .jsonl file of {\"id\", \"report\"} lines");
        }
        JsonNode entries = root.get(split);
        if (entries == null || !entries.isArray()) {
            throw new RevtafException(file + ": no split '" + split + "' (splits present: "
                    + String.join(", ", (Iterable<String>) root::fieldNames) + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> firstAt = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            add(out, firstAt, entries.get(i), file + ": " + split + "[" + i + "]");
        }
        return out;
    }

    private static void add(Map<String, String> out, Map<String, String> firstAt, JsonNode node, String where) {
        if (!node.isObject()) throw new RevtafException(where + ": expected an object with \"id\" and \"report\"");
        JsonNode id = node.get("id");
        JsonNode report = node.get("report");
        if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
            throw new RevtafException(where + ": missing key \"id\" (text or integer)");
        }
        if (report == null || !report.isTextual()) {
            throw new RevtafException(where + ": missing key \"report\" (text)");
        }
        String key = id.asText();
        if (out.containsKey(key)) {
            throw new RevtafException(where + ": duplicate id '" + key + "' (first at " + firstAt.get(key) + ")");
        }
        out.put(key, report.asText());
        firstAt.put(key, where);
    }
}
