package org.revtaf.edges.config;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.revtaf.edges.io.AtomicFile;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a config record back as YAML that {@link ConfigLoader} reads into an equal record (the
 * resolved config of a run, {@code RUN/config.yaml}): snake_case keys in component order, nested
 * records as nested mappings, enums in lower case, empty Optionals as {@code null}.
 */
public final class ConfigWriter {
    private ConfigWriter() {}

    /** The YAML text of {@code config}. */
    public static String toYaml(Record config) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setIndicatorIndent(0);
        o.setWidth(1000);
        o.setSplitLines(false);
        return new Yaml(o).dump(tree(config));
    }

    /** Writes {@code config} to {@code file} atomically, after an optional comment line. */
    public static void write(Path file, Record config, String comment) {
        String head = comment == null || comment.isBlank() ? "" : "# " + comment.replace("\n", "\n# ") + "\n";
        AtomicFile.writeString(file, head + toYaml(config));
    }

    /** Plain Java tree (maps, lists, strings, numbers, booleans, null) of a config value. */
    static Object tree(Object v) {
        return switch (v) {
            case null -> null;
            case Record r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (RecordComponent c : r.getClass().getRecordComponents())
                    m.put(RecordBinder.snake(c.getName()), tree(RecordBinder.accessor(c, r)));
                yield m;
            }
            case Optional<?> o -> o.map(ConfigWriter::tree).orElse(null);
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                for (Object x : l) out.add(tree(x));
                yield out;
            }
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), tree(x)));
                yield out;
            }
            case Enum<?> e -> e.name().toLowerCase(Locale.ROOT);
            case Path p -> p.toString();
            case String s -> s;
            case Number n -> n;
            case Boolean b -> b;
            default -> throw new IllegalArgumentException("cannot write a config value of type " + v.getClass());
        };
    }
}
