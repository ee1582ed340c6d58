package org.revtaf.domain.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringTokenizer;
import java.util.concurrent.ConcurrentHashMap;
import org.revtaf.RevtafException;

/**
 * METEOR 1.5's synonym dictionary: WordNet 3.0 words with their synset ids ({@code english.synsets})
 * and irregular forms ({@code english.exceptions}), shipped in {@code org/revtaf/domain/eval/meteor/}.
 *
 * <p>A word's synsets, as METEOR's synonym module looks them up, are the union of (1) the synsets
 * listed for the word itself and (2) its "stem" synsets: if the word is an irregular form, the
 * synsets of all its base forms; otherwise the synsets of the base form WordNet's morphology finds
 * ({@link #morph}). Two different words match as synonyms when their sets intersect.
 *
 * <p>The English dictionary is read once, on first use ({@link #english()}); each word's set is
 * computed once and cached.
 */
final class MeteorSynonyms {
    private static final String RESOURCE_DIR = "/org/revtaf/domain/eval/meteor/";
    private static final int[] NONE = new int[0];

    /**
     * WordNet's detachment rules, tried in this order: noun, verb, adjective suffixes (suffix, ending).
     */
    private static final String[][] RULES = {
        {"s", ""},
        {"ses", "s"},
        {"xes", "x"},
        {"zes", "z"},
        {"ches", "ch"},
        {"shes", "sh"},
        {"men", "man"},
        {"ies", "y"},
        {"s", ""},
        {"ies", "y"},
        {"es", "e"},
        {"es", ""},
        {"ed", "e"},
        {"ed", ""},
        {"ing", "e"},
        {"ing", ""},
        {"er", ""},
        {"est", ""},
        {"er", "e"},
        {"est", "e"}
    };

    private final Map<String, int[]> wordToSynsets;
    private final Map<String, List<String>> wordToBases;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private MeteorSynonyms(Map<String, int[]> wordToSynsets, Map<String, List<String>> wordToBases) {
        this.wordToSynsets = wordToSynsets;
        this.wordToBases = wordToBases;
    }

    private static final class English {
        static final MeteorSynonyms DICTIONARY = load();

        private static MeteorSynonyms load() {
            try (Reader syn = resource("english.synsets");
                    Reader exc = resource("english.exceptions")) {
                return read(syn, exc);
            } catch (IOException e) {
                throw new RevtafException("METEOR's WordNet files could not be read: " + e.getMessage(), e);
            }
        }
    }

    /** The shipped English dictionary, read on first use. */
    static MeteorSynonyms english() {
        return English.DICTIONARY;
    }

    /** A shipped METEOR resource as UTF-8 text. */
    static Reader resource(String name) {
        InputStream in = MeteorSynonyms.class.getResourceAsStream(RESOURCE_DIR + name);
        if (in == null)
            throw new RevtafException("METEOR resource missing from the class path: " + RESOURCE_DIR + name);
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /**
     * Reads METEOR's two formats: synsets = pairs of lines (a word; its synset ids separated by
     * spaces), exceptions = pairs of lines (a base form; its inflected forms).
     */
    static MeteorSynonyms read(Reader synsets, Reader exceptions) throws IOException {
        Map<String, int[]> syn = new HashMap<>(1 << 18);
        BufferedReader in = new BufferedReader(synsets, 1 << 16);
        String word;
        int line = 0;
        while ((word = in.readLine()) != null) {
            String ids = in.readLine();
            line += 2;
            if (ids == null) throw new IOException("english.synsets: line " + (line - 1) + ": word without synsets");
            syn.put(word, parseIds(ids, line));
        }
        Map<String, List<String>> bases = new HashMap<>();
        BufferedReader ex = new BufferedReader(exceptions, 1 << 16);
        String base;
        while ((base = ex.readLine()) != null) {
            String forms = ex.readLine();
            if (forms == null) break;
            for (StringTokenizer t = new StringTokenizer(forms); t.hasMoreTokens(); ) {
                bases.computeIfAbsent(t.nextToken(), k -> new ArrayList<>(1)).add(base);
            }
        }
        return new MeteorSynonyms(syn, bases);
    }

    /** Synset ids separated by white space (parsed by hand: the file has 147k such lines). */
    private static int[] parseIds(String ids, int line) throws IOException {
        int[] out = new int[8];
        int n = 0;
        int i = 0;
        int len = ids.length();
        while (i < len) {
            char c = ids.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            long v = 0;
            while (i < len && !Character.isWhitespace(ids.charAt(i))) {
                char d = ids.charAt(i++);
                if (d < '0' || d > '9' || v > Integer.MAX_VALUE / 10) {
                    throw new IOException("english.synsets: line " + line + ": not a synset id: '"
                            + ids.substring(start, Math.min(len, start + 20)).strip() + "'");
                }
                v = v * 10 + (d - '0');
            }
            if (n == out.length) out = Arrays.copyOf(out, 2 * n);
            out[n++] = (int) v;
        }
        return Arrays.copyOf(out, n);
    }

    /** The synsets METEOR's synonym module gives {@code word} (sorted, distinct; shared array). */
    int[] synsets(String word) {
        int[] s = cache.get(word);
        if (s == null) {
            s = compute(word);
            cache.putIfAbsent(word, s);
        }
        return s;
    }

    private int[] compute(String word) {
        int[] own = wordToSynsets.getOrDefault(word, NONE);
        int[] stem;
        List<String> bases = wordToBases.get(word);
        if (bases != null) {
            stem = NONE;
            for (String b : bases) stem = union(stem, wordToSynsets.getOrDefault(b, NONE));
        } else {
            String m = morph(word);
            stem = m == null ? NONE : wordToSynsets.getOrDefault(m, NONE);
        }
        int[] all = union(own, stem);
        return all.length == 0 ? NONE : all;
    }

    private static int[] union(int[] a, int[] b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        int n = 0;
        for (int i = 0; i < all.length; i++) if (n == 0 || all[i] != all[n - 1]) all[n++] = all[i];
        return Arrays.copyOf(all, n);
    }

    /**
     * WordNet's morphology as METEOR applies it: a word ending in "ss" or of at most two letters is its
     * own base; otherwise the first detachment rule whose result is a WordNet word gives the base;
     * null when none does.
     */
    String morph(String word) {
        if (word.endsWith("ss") || word.length() <= 2) return word;
        for (String[] r : RULES) {
            if (word.endsWith(r[0])) {
                String base = word.substring(0, word.length() - r[0].length()) + r[1];
                if (wordToSynsets.containsKey(base)) return base;
            }
        }
        return null;
    }
}
