package org.revtaf.edges.config;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.TextFiles;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads a YAML config into a typed Java record. Keys are the snake_case form of the record
 * component names ({@code learningRate} is {@code learning_rate}); nested records are nested
 * mappings; {@code List<T>}, {@code Map<String,T>}, {@code Optional<T>}, enums (case-insensitive,
 * '-' or '_'), {@code Path} and the primitive types are supported.
 *
 * <p>Absent keys take their value from the defaults: an explicit defaults instance, or the record
 * type's static {@code defaults()} method; without either, every key except {@code Optional} ones
 * is required. A list or map given in the file replaces the default one whole; a nested mapping is
 * merged key by key into the default record. Overrides {@code a.b.c=value} (value in YAML syntax)
 * are applied to the document before binding. Every error is a {@link RevtafException} naming the
 * file and line (or the override), the full dotted key and what was expected; unknown keys list
 * the known ones and suggest the closest.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Loads {@code file} into {@code type}, defaults from {@code type}'s static defaults() if any. */
    public static <T extends Record> T load(Path file, Class<T> type) {
        return load(file, type, List.of());
    }

    /** Loads {@code file} with {@code --set}-style overrides applied first. */
    public static <T extends Record> T load(Path file, Class<T> type, List<String> overrides) {
        return parse(read(file), file.toString(), type, RecordBinder.staticDefaults(type), overrides);
    }

    /** Loads {@code file}; absent keys come from {@code defaults}. */
    public static <T extends Record> T load(Path file, T defaults, List<String> overrides) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) defaults.getClass();
        return parse(read(file), file.toString(), type, defaults, overrides);
    }

    /**
     * Binds YAML text; {@code source} names it in errors (a file name); {@code defaults} may be null
     * (then the type's static defaults() is used if it has one).
     */
    public static <T extends Record> T parse(
            String yaml, String source, Class<T> type, T defaults, List<String> overrides) {
        MappingNode root = compose(yaml, source);
        IdentityHashMap<Node, String> origins = new IdentityHashMap<>();
        for (String o : overrides) applyOverride(root, o, origins);
        T dflt = defaults != null ? defaults : RecordBinder.staticDefaults(type);
        return new RecordBinder(source, origins).bindRoot(root, type, dflt);
    }

    private static String read(Path file) {
        return TextFiles.readUtf8(file, "config file");
    }

    private static Yaml yaml() {
        LoaderOptions lo = new LoaderOptions();
        lo.setMaxAliasesForCollections(50);
        lo.setNestingDepthLimit(50);
        return new Yaml(lo);
    }

    /** The document's root mapping (an empty one for an empty document). */
    private static MappingNode compose(String text, String source) {
        Node root;
        try {
            List<Node> docs = new ArrayList<>();
            for (Node n : yaml().composeAll(new StringReader(text))) docs.add(n);
            if (docs.size() > 1)
                throw new RevtafException(source + ":" + line(docs.get(1).getStartMark())
                        + ": a config holds one YAML document, found a second one");
            root = docs.isEmpty() ? null : docs.get(0);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = m == null ? source : source + ":" + line(m) + ":" + (m.getColumn() + 1);
            throw new RevtafException(where + ": YAML syntax error: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new RevtafException(source + ": YAML error: " + e.getMessage(), e);
        }
        if (root == null || (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL)))
            return new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
        if (!(root instanceof MappingNode m))
            throw new RevtafException(source + ":" + line(root.getStartMark())
                    + ": a config must be a mapping of keys to values at the top level");
        return m;
    }

    static int line(Mark m) {
        return m == null ? 1 : m.getLine() + 1;
    }

    /** Applies {@code a.b.c=value}: the value (YAML syntax) replaces or adds the key, creating sections. */
    static void applyOverride(MappingNode root, String override, Map<Node, String> origins) {
        String where = "--set " + override;
        int eq = override.indexOf('=');
        if (eq <= 0) throw new RevtafException(where + ": expected KEY=VALUE, e.g. train.lr=1e-4");
        String path = override.substring(0, eq).strip();
        String text = override.substring(eq + 1);
        String[] keys = path.split("\\.", -1);
        for (String k : keys)
            if (k.isBlank()) throw new RevtafException(where + ": empty key segment in '" + path + "'");
        Node value;
        try {
            value = text.isBlank() ? null : yaml().compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new RevtafException(
                    where + ": the value is not valid YAML (" + e.getMessage().strip() + ")", e);
        }
        if (value == null) value = new ScalarNode(Tag.NULL, "", null, null, DumperOptions.ScalarStyle.PLAIN);
        markAll(value, where, origins);
        MappingNode section = root;
        for (int i = 0; i < keys.length; i++) {
            boolean last = i == keys.length - 1;
            int idx = indexOf(section, keys[i]);
            if (last) {
                if (idx >= 0) {
                    NodeTuple old = section.getValue().get(idx);
                    section.getValue().set(idx, new NodeTuple(old.getKeyNode(), value));
                } else {
                    section.getValue().add(new NodeTuple(keyNode(keys[i], where, origins), value));
                }
            } else if (idx >= 0) {
                Node next = section.getValue().get(idx).getValueNode();
                if (!(next instanceof MappingNode m))
                    throw new RevtafException(
                            where + ": '" + String.join(".", List.of(keys).subList(0, i + 1))
                                    + "' is a single value, not a section with keys");
                section = m;
            } else {
                MappingNode created = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
                origins.put(created, where);
                section.getValue().add(new NodeTuple(keyNode(keys[i], where, origins), created));
                section = created;
            }
        }
    }

    private static int indexOf(MappingNode m, String key) {
        List<NodeTuple> t = m.getValue();
        for (int i = t.size() - 1; i >= 0; i--) // last one wins, like the binder's duplicate check reports
        if (t.get(i).getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) return i;
        return -1;
    }

    private static ScalarNode keyNode(String key, String where, Map<Node, String> origins) {
        ScalarNode k = new ScalarNode(Tag.STR, key, null, null, DumperOptions.ScalarStyle.PLAIN);
        origins.put(k, where);
        return k;
    }

    private static void markAll(Node n, String where, Map<Node, String> origins) {
        origins.put(n, where);
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                markAll(t.getKeyNode(), where, origins);
                markAll(t.getValueNode(), where, origins);
            }
        } else if (n instanceof SequenceNode s) {
            for (Node c : s.getValue()) markAll(c, where, origins);
        }
    }
}
