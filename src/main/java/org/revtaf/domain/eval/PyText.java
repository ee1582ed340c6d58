package org.revtaf.domain.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's string splitting and pycocoevalcap's n-gram counting, reproduced exactly so that the
 * scores equal those of the Python scripts.
 */
public final class PyText {
    private PyText() {}

    /** {@code str.isspace()} for one UTF-16 unit: the characters Python's {@code str.split()} splits on. */
    static boolean isPyWhitespace(char c) {
        return switch (c) {
            case ' ',
                    '\t',
                    '\n',
                    '\u000b',
                    '\u000c',
                    '\r',
                    '\u001c',
                    '\u001d',
                    '\u001e',
                    '\u001f',
                    '\u0085',
                    '\u00a0',
                    '\u1680',
                    '\u2028',
                    '\u2029',
                    '\u202f',
                    '\u205f',
                    '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200a';
        };
    }

    /** {@code s.split()}: runs of whitespace separate tokens; no empty tokens. */
    public static List<String> splitWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && isPyWhitespace(s.charAt(i))) i++;
            int start = i;
            while (i < n && !isPyWhitespace(s.charAt(i))) i++;
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }

    /**
     * {@code s.split(" ")}: every single space separates, so double, leading and trailing spaces give
     * empty tokens, and {@code ""} gives one empty token.
     */
    public static List<String> splitSpace(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /**
     * pycocoevalcap's {@code precook}: counts of the 1..n-grams of whitespace tokens, one map per
     * order ({@code counts[k]} holds the (k+1)-grams), in the order Python's dict would hold them.
     * An n-gram key is its tokens joined by single spaces (tokens hold no whitespace, so it is unique).
     */
    public static List<Map<String, Integer>> ngramCounts(List<String> words, int n) {
        List<Map<String, Integer>> counts = new ArrayList<>(n);
        for (int k = 1; k <= n; k++) {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (int i = 0; i + k <= words.size(); i++) {
                String key = k == 1 ? words.get(i) : String.join(" ", words.subList(i, i + k));
                m.merge(key, 1, Integer::sum);
            }
            counts.add(m);
        }
        return counts;
    }
}
