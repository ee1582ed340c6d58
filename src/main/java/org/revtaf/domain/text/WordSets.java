package org.revtaf.domain.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The named word sets of the labeler's scope rules ({@link CueSet}, {@link ClauseStart}): data, kept
 * in the resource {@code labeler-words.txt} next to {@code cues.txt} and read once at class load.
 * A {@code [name]} line starts a set, then one word or phrase a line; {@code #} starts a comment.
 * A missing resource, a word outside a set, a word listed twice in one set or an unknown set name is
 * an error naming the resource (and line).
 */
final class WordSets {
    private static final String RESOURCE = "labeler-words.txt";
    private static final String WHERE = "resource org/revtaf/domain/text/" + RESOURCE;
    private static final Map<String, Set<String>> SETS = load();

    private WordSets() {}

    /** The set {@code [name]} of the resource. */
    static Set<String> get(String name) {
        Set<String> set = SETS.get(name);
        if (set == null) throw new IllegalStateException(WHERE + ": no word set [" + name + "]");
        return set;
    }

    private static Map<String, Set<String>> load() {
        Map<String, LinkedHashSet<String>> sets = new HashMap<>();
        try (InputStream in = WordSets.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(WHERE + " missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            LinkedHashSet<String> current = null;
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                if (line.startsWith("[") && line.endsWith("]")) {
                    current = new LinkedHashSet<>();
                    if (sets.put(line.substring(1, line.length() - 1), current) != null)
                        throw new IllegalStateException(WHERE + " line " + no + ": set " + line + " given twice");
                } else if (current == null) {
                    throw new IllegalStateException(WHERE + " line " + no + ": '" + line + "' before any [set]");
                } else if (!current.add(line)) {
                    throw new IllegalStateException(WHERE + " line " + no + ": '" + line + "' listed twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Set<String>> out = new HashMap<>();
        sets.forEach((name, words) -> out.put(name, Set.copyOf(words)));
        return Map.copyOf(out);
    }
}
