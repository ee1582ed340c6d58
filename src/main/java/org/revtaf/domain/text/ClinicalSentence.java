package org.revtaf.domain.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One sentence of a report as the labeler and the triplet extractor see it: lowercase tokens joined
 * by single spaces ({@link #text}), with each token's character span and kind. Commas (and
 * parentheses) become {@code ","} tokens, semicolons and colons {@code ";"} tokens (clause
 * boundaries), {@code and/or} and {@code x/y} between letters become {@code or}.
 */
public final class ClinicalSentence {
    public static final byte WORD = 0;
    public static final byte COMMA = 1;
    public static final byte BOUNDARY = 2;

    /** The tokens joined by single spaces. */
    public final String text;

    final int[] start; // token t spans text[start[t], end[t])
    final int[] end;
    final byte[] kind;
    final String[] tokens;

    private ClinicalSentence(String text, int[] start, int[] end, byte[] kind, String[] tokens) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.kind = kind;
        this.tokens = tokens;
    }

    public int size() {
        return tokens.length;
    }

    public String token(int t) {
        return tokens[t];
    }

    /** The index of the token containing character {@code pos} of {@link #text} (or the one before a space). */
    int tokenAt(int pos) {
        int lo = 0, hi = start.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (start[mid] <= pos) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '\'';
    }

    /** Splits a report into sentences (at . ? ! not inside a number, and at blank lines). */
    public static List<ClinicalSentence> split(String report) {
        String s = report.toLowerCase(Locale.ROOT).replace("and/or", "or");
        List<ClinicalSentence> out = new ArrayList<>();
        Builder b = new Builder();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                int j = i + 1;
                while (j < n) {
                    char d = s.charAt(j);
                    if (Character.isLetterOrDigit(d)) {
                        j++;
                    } else if ((d == '-' || d == '\'') && j + 1 < n && Character.isLetterOrDigit(s.charAt(j + 1))) {
                        j += 2;
                    } else if (d == '.'
                            && j + 1 < n
                            && Character.isDigit(s.charAt(j + 1))
                            && Character.isDigit(s.charAt(j - 1))) {
                        j += 2; // decimal number 4.5
                    } else {
                        break;
                    }
                }
                b.add(s.substring(i, j), WORD);
                i = j;
                continue;
            }
            switch (c) {
                case '.', '?', '!' -> b.flush(out);
                case ',', '(', ')', '[', ']' -> b.add(",", COMMA);
                case ';', ':' -> b.add(";", BOUNDARY);
                case '/' -> {
                    if (i > 0
                            && i + 1 < n
                            && Character.isLetter(s.charAt(i - 1))
                            && Character.isLetter(s.charAt(i + 1))) b.add("or", WORD);
                }
                case '\n' -> {
                    int j = i + 1;
                    while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == '\r')) j++;
                    if (j < n && s.charAt(j) == '\n') b.flush(out);
                }
                default -> {}
            }
            i++;
        }
        b.flush(out);
        return out;
    }

    private static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private final List<String> toks = new ArrayList<>();
        private final List<Byte> kinds = new ArrayList<>();

        void add(String tok, byte k) {
            if (k != WORD && !kinds.isEmpty() && kinds.getLast() != WORD) {
                // runs of punctuation collapse to one token, a boundary winning over a comma
                if (k == BOUNDARY) {
                    toks.set(toks.size() - 1, tok);
                    kinds.set(kinds.size() - 1, k);
                }
                return;
            }
            toks.add(tok);
            kinds.add(k);
        }

        void flush(List<ClinicalSentence> out) {
            int m = toks.size();
            // drop leading/trailing punctuation tokens
            int a = 0, z = m;
            while (a < z && kinds.get(a) != WORD) a++;
            while (z > a && kinds.get(z - 1) != WORD) z--;
            if (a < z) {
                int k = z - a;
                int[] st = new int[k], en = new int[k];
                byte[] kd = new byte[k];
                String[] tk = new String[k];
                text.setLength(0);
                for (int t = 0; t < k; t++) {
                    if (t > 0) text.append(' ');
                    tk[t] = toks.get(a + t);
                    kd[t] = kinds.get(a + t);
                    st[t] = text.length();
                    text.append(tk[t]);
                    en[t] = text.length();
                }
                out.add(new ClinicalSentence(text.toString(), st, en, kd, tk));
            }
            toks.clear();
            kinds.clear();
        }
    }
}
