package org.revtaf.edges.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;

/**
 * The {@code --json} line of a stage command (../shared/CLI.md): a record of the command's results,
 * one key per component in declaration order, named in snake_case ({@code valAuroc} ->
 * {@code val_auroc}); numbers and booleans as JSON values, anything else (paths, hashes) as text.
 */
final class JsonSummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonSummary() {}

    static String of(Record summary) {
        ObjectNode o = JSON.createObjectNode();
        for (RecordComponent c : summary.getClass().getRecordComponents()) {
            String key = c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
            switch (value(summary, c)) {
                case Integer v -> o.put(key, v);
                case Long v -> o.put(key, v);
                case Double v -> o.put(key, v);
                case Boolean v -> o.put(key, v);
                case Object v -> o.put(key, v.toString());
            }
        }
        return o.toString();
    }

    private static Object value(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
        }
    }
}
