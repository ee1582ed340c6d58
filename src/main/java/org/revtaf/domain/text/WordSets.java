package org.revtaf.domain.text;

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
        LinkedHashSet<String> current = null;
        for (TextResources.Line line : TextResources.lines(RESOURCE)) {
            String t = line.text();
            if (t.startsWith("[") && t.endsWith("]")) {
                current = new LinkedHashSet<>();
                if (sets.put(t.substring(1, t.length() - 1), current) != null)
                    throw new IllegalStateException(WHERE + " line " + line.no() + ": set " + t + " given twice");
            } else if (current == null) {
                throw new IllegalStateException(WHERE + " line " + line.no() + ": '" + t + "' before any [set]");
            } else if (!current.add(t)) {
                throw new IllegalStateException(WHERE + " line " + line.no() + ": '" + t + "' listed twice");
            }
        }
        Map<String, Set<String>> out = new HashMap<>();
        sets.forEach((name, words) -> out.put(name, Set.copyOf(words)));
        return Map.copyOf(out);
    }
}
