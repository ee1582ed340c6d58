package org.revtaf.domain.eval;

/**
 * The Snowball English ("Porter2") stemmer as bundled with METEOR 1.5 (the version whose R1
 * exceptions are gener-, commun-, arsen-). Works on lower-case words; letters other than a-z are
 * non-vowels. Written from the published Snowball algorithm, step by step:
 * exception1, prelude (initial apostrophe, y -> Y), regions R1/R2, Step 1a (with the apostrophe
 * suffixes), exception2, Steps 1b, 1c, 2, 3, 4, 5, postlude (Y -> y). Each step finds the longest
 * matching suffix first and then tests its condition; a failed condition ends the step.
 */
public final class EnglishStemmer {
    private EnglishStemmer() {}

    private static final String[][] EXCEPTION1 = {
        {"skis", "ski"}, {"skies", "sky"}, {"dying", "die"}, {"lying", "lie"}, {"tying", "tie"},
        {"idly", "idl"}, {"gently", "gentl"}, {"ugly", "ugli"}, {"early", "earli"}, {"only", "onli"},
        {"singly", "singl"}, {"sky", "sky"}, {"news", "news"}, {"howe", "howe"}, {"atlas", "atlas"},
        {"cosmos", "cosmos"}, {"bias", "bias"}, {"andes", "andes"}
    };
    private static final java.util.Set<String> EXCEPTION2 =
            java.util.Set.of("inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed");

    // Step 2/3/4 suffix tables: suffix, replacement (null = special rule)
    private static final String[][] STEP2 = {
        {"ization", "ize"}, {"ational", "ate"}, {"fulness", "ful"}, {"ousness", "ous"}, {"iveness", "ive"},
        {"tional", "tion"}, {"biliti", "ble"}, {"lessli", "less"}, {"entli", "ent"}, {"ation", "ate"},
        {"alism", "al"}, {"aliti", "al"}, {"ousli", "ous"}, {"iviti", "ive"}, {"fulli", "ful"},
        {"enci", "ence"}, {"anci", "ance"}, {"abli", "able"}, {"izer", "ize"}, {"ator", "ate"},
        {"alli", "al"}, {"bli", "ble"}, {"ogi", null}, {"li", null}
    };
    private static final String[][] STEP3 = {
        {"ational", "ate"},
        {"tional", "tion"},
        {"alize", "al"},
        {"icate", "ic"},
        {"iciti", "ic"},
        {"ative", null},
        {"ical", "ic"},
        {"ness", ""},
        {"ful", ""}
    };
    private static final String[] STEP4 = {
        "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
        "al", "er", "ic"
    };

    private static boolean vowel(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    }

    /** Stems one word. */
    public static String stem(String word) {
        for (String[] e : EXCEPTION1) if (e[0].equals(word)) return e[1];
        if (word.length() < 3) return word;
        StringBuilder w = new StringBuilder(word);
        // prelude
        if (w.charAt(0) == '\'') w.deleteCharAt(0);
        if (w.length() > 0 && w.charAt(0) == 'y') w.setCharAt(0, 'Y');
        for (int i = 1; i < w.length(); i++) {
            if (w.charAt(i) == 'y' && vowel(w.charAt(i - 1))) w.setCharAt(i, 'Y');
        }
        // regions
        int p1 = w.length();
        int p2 = w.length();
        String s = w.toString();
        int r1Start;
        if (s.startsWith("gener") || s.startsWith("arsen")) r1Start = 5;
        else if (s.startsWith("commun")) r1Start = 6;
        else r1Start = afterVowelNonVowel(w, 0);
        if (r1Start >= 0) {
            p1 = r1Start;
            int r2 = afterVowelNonVowel(w, p1);
            if (r2 >= 0) p2 = r2;
        }
        step1a(w);
        if (!EXCEPTION2.contains(w.toString())) {
            step1b(w, p1);
            step1c(w);
            step2(w, p1);
            step3(w, p1, p2);
            step4(w, p2);
            step5(w, p1, p2);
        }
        for (int i = 0; i < w.length(); i++) if (w.charAt(i) == 'Y') w.setCharAt(i, 'y');
        return w.toString();
    }

    /** Position after the first non-vowel that follows a vowel, from {@code from}; -1 if none. */
    private static int afterVowelNonVowel(CharSequence w, int from) {
        int i = from;
        while (i < w.length() && !vowel(w.charAt(i))) i++;
        if (i >= w.length()) return -1;
        i++;
        while (i < w.length() && vowel(w.charAt(i))) i++;
        if (i >= w.length()) return -1;
        return i + 1;
    }

    private static boolean ends(CharSequence w, String suf) {
        int n = w.length();
        int k = suf.length();
        if (k > n) return false;
        for (int i = 0; i < k; i++) if (w.charAt(n - k + i) != suf.charAt(i)) return false;
        return true;
    }

    private static void replaceEnd(StringBuilder w, int suffixLen, String with) {
        w.setLength(w.length() - suffixLen);
        w.append(with);
    }

    private static boolean hasVowel(CharSequence w, int end) {
        for (int i = 0; i < end; i++) if (vowel(w.charAt(i))) return true;
        return false;
    }

    /** Snowball's shortv at position {@code end} (the letters before it). */
    private static boolean shortBefore(CharSequence w, int end) {
        if (end >= 3) {
            char a = w.charAt(end - 3);
            char b = w.charAt(end - 2);
            char c = w.charAt(end - 1);
            if (!vowel(a) && vowel(b) && !vowel(c) && c != 'w' && c != 'x' && c != 'Y') return true;
        }
        return end == 2 && vowel(w.charAt(0)) && !vowel(w.charAt(1));
    }

    private static void step1a(StringBuilder w) {
        // apostrophe suffixes: longest of 's' 's '
        if (ends(w, "'s'")) w.setLength(w.length() - 3);
        else if (ends(w, "'s")) w.setLength(w.length() - 2);
        else if (ends(w, "'")) w.setLength(w.length() - 1);
        if (ends(w, "sses")) {
            replaceEnd(w, 4, "ss");
        } else if (ends(w, "ied") || ends(w, "ies")) {
            replaceEnd(w, 3, w.length() - 3 >= 2 ? "i" : "ie");
        } else if (ends(w, "us") || ends(w, "ss")) {
            // unchanged
        } else if (ends(w, "s")) {
            // a vowel somewhere before the letter preceding the s
            if (w.length() >= 2 && hasVowel(w, w.length() - 2)) w.setLength(w.length() - 1);
        }
    }

    private static void step1b(StringBuilder w, int p1) {
        String[] suffixes = {"eedly", "ingly", "edly", "eed", "ing", "ed"};
        for (String suf : suffixes) {
            if (!ends(w, suf)) continue;
            int start = w.length() - suf.length();
            if (suf.equals("eed") || suf.equals("eedly")) {
                if (start >= p1) replaceEnd(w, suf.length(), "ee");
                return;
            }
            if (!hasVowel(w, start)) return;
            w.setLength(start);
            if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) {
                w.append('e');
            } else if (endsDouble(w)) {
                w.setLength(w.length() - 1);
            } else if (w.length() == p1 && shortBefore(w, w.length())) {
                w.append('e');
            }
            return;
        }
    }

    private static boolean endsDouble(CharSequence w) {
        int n = w.length();
        if (n < 2 || w.charAt(n - 1) != w.charAt(n - 2)) return false;
        return "bdfgmnprt".indexOf(w.charAt(n - 1)) >= 0;
    }

    private static void step1c(StringBuilder w) {
        int n = w.length();
        if (n < 3) return;
        char last = w.charAt(n - 1);
        if ((last == 'y' || last == 'Y') && !vowel(w.charAt(n - 2))) w.setCharAt(n - 1, 'i');
    }

    private static void step2(StringBuilder w, int p1) {
        for (String[] e : STEP2) {
            if (!ends(w, e[0])) continue;
            int start = w.length() - e[0].length();
            if (start < p1) return;
            if (e[0].equals("ogi")) {
                if (start >= 1 && w.charAt(start - 1) == 'l') replaceEnd(w, 3, "og");
            } else if (e[0].equals("li")) {
                if (start >= 1 && "cdeghkmnrt".indexOf(w.charAt(start - 1)) >= 0) w.setLength(start);
            } else {
                replaceEnd(w, e[0].length(), e[1]);
            }
            return;
        }
    }

    private static void step3(StringBuilder w, int p1, int p2) {
        for (String[] e : STEP3) {
            if (!ends(w, e[0])) continue;
            int start = w.length() - e[0].length();
            if (start < p1) return;
            if (e[1] == null) {
                if (start >= p2) w.setLength(start);
            } else {
                replaceEnd(w, e[0].length(), e[1]);
            }
            return;
        }
    }

    private static void step4(StringBuilder w, int p2) {
        for (String suf : STEP4) {
            if (!ends(w, suf)) continue;
            int start = w.length() - suf.length();
            if (start < p2) return;
            if (suf.equals("ion")) {
                if (start >= 1 && (w.charAt(start - 1) == 's' || w.charAt(start - 1) == 't')) w.setLength(start);
            } else {
                w.setLength(start);
            }
            return;
        }
    }

    private static void step5(StringBuilder w, int p1, int p2) {
        int n = w.length();
        if (n == 0) return;
        int start = n - 1;
        if (w.charAt(start) == 'e') {
            if (start >= p2 || (start >= p1 && !shortBefore(w, start))) w.setLength(start);
        } else if (w.charAt(start) == 'l') {
            if (start >= p2 && start >= 1 && w.charAt(start - 1) == 'l') w.setLength(start);
        }
    }
}
