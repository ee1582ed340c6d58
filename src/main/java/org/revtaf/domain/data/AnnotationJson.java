package org.revtaf.domain.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;

/**
 * Reads and writes R2Gen/PromptMRG {@code annotation.json}. Two layouts are read:
 *
 * <ul>
 *   <li>the split dictionary {@code {"train": [...], "val": [...], "test": [...]}} of R2Gen (IU X-Ray
 *       and MIMIC-CXR) and PromptMRG's {@code mimic_annotation_promptmrg.json};
 *   <li>the flat list of PromptMRG's {@code iu_annotation_promptmrg.json}, where each entry's
 *       {@code split} field says where it belongs (test when absent).
 * </ul>
 *
 * Entries are {@code {"id", "report", "image_path": [...], "split", "labels": [14 or 18 ints 0..3]}};
 * {@code labels} is optional, other fields (study_id, subject_id, clip_indices, ...) are kept as
 * extras. Every problem names the file and the entry ("annotation.json: train[12] (id CXR1_1_IM-0001)").
 */
public final class AnnotationJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AnnotationJson() {}

    /** Options of {@link #read}. */
    public record Options(BadSamplePolicy onBadSample, boolean checkImages) {
        public static final Options STRICT = new Options(BadSamplePolicy.FAIL, true);
    }

    /** Reads a dataset folder's annotation.json with the default image root (DIR/images, else DIR). */
    public static Dataset readDir(Path dir, Options options, java.util.function.Consumer<String> log) {
        return read(dir.resolve("annotation.json"), Dataset.defaultImageRoot(dir), options, log);
    }

    /** Reads an annotation file; image paths resolve against imageRoot. */
    public static Dataset read(Path file, Path imageRoot, Options options, java.util.function.Consumer<String> log) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": no such file");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new RevtafException(file + ": malformed JSON"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode())
            throw new RevtafException(file + ": empty file (expected an annotation object or list)");
        BadSamples bad = new BadSamples(options.onBadSample());
        Map<Split, List<Study>> splits = new EnumMap<>(Split.class);
        for (Split s : Split.ALL) splits.put(s, new ArrayList<>());
        String name = file.toString(); // as given: every message names the file with its folder
        if (root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Split split = Split.parse(e.getKey(), name + ": key '" + e.getKey() + "'");
                if (!e.getValue().isArray())
                    throw new RevtafException(
                            name + ": '" + e.getKey() + "' must be a list of entries, found " + kind(e.getValue()));
                int i = 0;
                for (JsonNode entry : e.getValue()) {
                    String where = name + ": " + e.getKey() + "[" + i++ + "]";
                    Study st = entry(entry, split.key(), where, imageRoot, options, bad);
                    if (st != null) splits.get(split).add(st);
                }
            }
        } else if (root.isArray()) {
            int i = 0;
            for (JsonNode entry : root) {
                String where = name + ": [" + i++ + "]";
                Study st = entry(entry, null, where, imageRoot, options, bad);
                if (st != null) splits.get(Split.parse(st.split(), where)).add(st);
            }
        } else {
            throw new RevtafException(name + ": expected an object {\"train\": [...], \"val\": [...], \"test\": [...]}"
                    + " or a list of entries, found " + kind(root));
        }
        bad.log(name, log);
        return Dataset.of(file, imageRoot, splits, bad);
    }

    private static Study entry(
            JsonNode e, String splitKey, String where, Path imageRoot, Options options, BadSamples bad) {
        try {
            return parseEntry(e, splitKey, where, imageRoot, options.checkImages());
        } catch (RevtafException ex) {
            bad.report(ex.getMessage());
            return null;
        }
    }

    private static Study parseEntry(JsonNode e, String splitKey, String where, Path imageRoot, boolean checkImages) {
        if (!e.isObject()) throw new RevtafException(where + ": an entry must be an object, found " + kind(e));
        JsonNode idNode = e.get("id");
        if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber()))
            throw new RevtafException(where + ": 'id' must be a string or an integer");
        String id = idNode.asText();
        where = where + " (id " + id + ")";
        JsonNode rep = e.get("report");
        if (rep == null || !rep.isTextual()) throw new RevtafException(where + ": 'report' must be a string");
        if (rep.asText().isBlank()) throw new RevtafException(where + ": empty report");
        JsonNode paths = e.get("image_path");
        if (paths == null || !paths.isArray() || paths.isEmpty())
            throw new RevtafException(where + ": 'image_path' must be a non-empty list of strings");
        List<String> images = new ArrayList<>();
        for (JsonNode p : paths) {
            if (!p.isTextual()) throw new RevtafException(where + ": 'image_path' must be a list of strings");
            Path resolved = Dataset.resolveImage(imageRoot, p.asText(), where);
            if (checkImages && !Files.isRegularFile(resolved))
                throw new RevtafException(where + ": image not found: " + resolved);
            images.add(p.asText());
        }
        String split = splitKey;
        JsonNode sp = e.get("split");
        if (sp != null) {
            if (!sp.isTextual()) throw new RevtafException(where + ": 'split' must be a string");
            Split parsed = Split.parse(sp.asText(), where);
            if (splitKey != null && !parsed.key().equals(splitKey))
                throw new RevtafException(
                        where + ": 'split' is '" + sp.asText() + "' but the entry is listed under '" + splitKey + "'");
            split = parsed.key();
        }
        if (split == null) split = Split.TEST.key();
        int[] labels = null;
        JsonNode lab = e.get("labels");
        if (lab != null && !lab.isNull()) {
            if (!lab.isArray() || (lab.size() != 14 && lab.size() != 18))
                throw new RevtafException(where + ": 'labels' must be a list of 14 or 18 integers 0..3");
            labels = new int[lab.size()];
            for (int c = 0; c < labels.length; c++) {
                JsonNode v = lab.get(c);
                if (!v.isIntegralNumber() || v.asInt() < 0 || v.asInt() > 3)
                    throw new RevtafException(where + ": 'labels'[" + c + "] must be an integer 0..3, found " + v);
                labels[c] = v.asInt();
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = e.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "id", "report", "image_path", "split", "labels" -> {}
                default -> extra.put(f.getKey(), MAPPER.convertValue(f.getValue(), Object.class));
            }
        }
        return new Study(id, split, rep.asText(), images, labels, extra);
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    // ---------------------------------------------------------------- writing

    /**
     * The bytes of an annotation.json in the split-dictionary layout: keys train, val, test; entries
     * id, (extras), report, image_path, split, labels (when present). Deterministic: fixed key order,
     * two-space indent, "\n" line ends whatever the platform.
     */
    public static byte[] toBytes(Map<Split, List<Study>> splits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.setPrettyPrinter(prettyPrinter());
            g.writeStartObject();
            for (Split s : Split.ALL) {
                g.writeArrayFieldStart(s.key());
                for (Study st : splits.getOrDefault(s, List.of())) writeEntry(g, st);
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Writes an annotation file atomically (temporary file, then rename). */
    public static void write(Path file, Map<Split, List<Study>> splits) {
        AtomicFile.writeBytes(file, toBytes(splits));
    }

    private static void writeEntry(JsonGenerator g, Study st) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", st.id());
        for (Map.Entry<String, Object> e : st.extra().entrySet()) {
            g.writeFieldName(e.getKey());
            MAPPER.writeValue(g, e.getValue()); // does not close g
        }
        g.writeStringField("report", st.report());
        g.writeArrayFieldStart("image_path");
        for (String p : st.imagePaths()) g.writeString(p);
        g.writeEndArray();
        g.writeStringField("split", st.split());
        if (st.labelCount() > 0) {
            g.writeArrayFieldStart("labels");
            for (int v : st.labels()) g.writeNumber(v);
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** A pretty printer that is the same on every platform (no system line separator). */
    public static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter nl = new DefaultIndenter("  ", "\n");
        return new DefaultPrettyPrinter().withObjectIndenter(nl); // arrays stay on one line
    }
}
