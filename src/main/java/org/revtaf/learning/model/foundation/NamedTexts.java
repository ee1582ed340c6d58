package org.revtaf.learning.model.foundation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource of {@code [section]} headers and {@code NAME: text} lines ({@code #} comments and
 * blank lines skipped), read in order: the entity descriptions here and the oracle finding table of
 * the feature cache.
 */
public final class NamedTexts {
    private NamedTexts() {}

    /** Sections by name, each a list of (name, text) pairs in file order. */
    public static Map<String, List<Map.Entry<String, String>>> read(Class<?> owner, String resource) {
        String text;
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("resource " + resource + " next to " + owner + " missing");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, List<Map.Entry<String, String>>> out = new LinkedHashMap<>();
        List<Map.Entry<String, String>> cur = null;
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String t = raw.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (t.startsWith("[") && t.endsWith("]")) {
                cur = out.computeIfAbsent(t.substring(1, t.length() - 1), k -> new ArrayList<>());
                continue;
            }
            int colon = t.indexOf(':');
            if (cur == null || colon <= 0)
                throw new IllegalStateException(resource + ":" + lineNo + ": expected 'NAME: text' in a [section]");
            cur.add(Map.entry(
                    t.substring(0, colon).strip(), t.substring(colon + 1).strip()));
        }
        return out;
    }
}
