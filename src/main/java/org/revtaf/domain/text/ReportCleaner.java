package org.revtaf.domain.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report cleaners of the public pipelines, reproduced with their quirks: R2Gen's
 * {@code clean_report_mimic_cxr} (also PromptMRG/REVTAF's, used there for IU X-Ray too) and
 * {@code clean_report_iu_xray}, and PromptMRG's {@code my_pre_caption} word cap.
 *
 * <p>Quirks kept on purpose (the reference metrics are computed on exactly this text): the
 * per-sentence character class {@code [.,?;*!%^&_+():-\[\]{}]} contains the range {@code :-\[}
 * (':' to '['), so '-' and digits survive while {@code < = > @} and A-Z go; empty sentences are
 * kept ({@code "a .  . b ."}); {@code "1. "} is removed anywhere (so {@code "T11. No"} becomes
 * {@code "t1no"}); Python's {@code str.replace} / {@code str.split('. ')} / {@code str.strip()}
 * semantics are used, not Java's regex split.
 */
public final class ReportCleaner {
    private ReportCleaner() {}

    /** R2Gen / PromptMRG {@code clean_report_mimic_cxr}. */
    public static String cleanMimic(String report) {
        String t = report.replace("\n", " ");
        for (int i = 0; i < 7; i++) t = t.replace("__", "_");
        for (int i = 0; i < 6; i++) t = t.replace("  ", " ");
        for (int i = 0; i < 8; i++) t = t.replace("..", ".");
        return finish(t);
    }

    /** R2Gen {@code clean_report_iu_xray}: no newline / underscore / double-space steps, 3 passes of '..'. */
    public static String cleanIu(String report) {
        String t = report;
        for (int i = 0; i < 3; i++) t = t.replace("..", ".");
        return finish(t);
    }

    /** PromptMRG {@code my_pre_caption}: mimic cleaning, then the first {@code maxWords} of split(' '). */
    public static String preCaption(String report, int maxWords) {
        String c = cleanMimic(report);
        List<String> words = pySplit(c, " ");
        if (words.size() > maxWords) c = String.join(" ", words.subList(0, maxWords));
        return c;
    }

    /** PromptMRG's default cap of 100 words. */
    public static String preCaption(String report) {
        return preCaption(report, 100);
    }

    private static String finish(String t) {
        t = t.replace("1. ", "")
                .replace(". 2. ", ". ")
                .replace(". 3. ", ". ")
                .replace(". 4. ", ". ")
                .replace(". 5. ", ". ")
                .replace(" 2. ", ". ")
                .replace(" 3. ", ". ")
                .replace(" 4. ", ". ")
                .replace(" 5. ", ". ");
        List<String> sents = pySplit(pyStrip(t).toLowerCase(Locale.ROOT), ". ");
        List<String> cleaned = new ArrayList<>(sents.size());
        for (String s : sents) cleaned.add(cleanSentence(s)); // the "!= []" filter never drops one
        return String.join(" . ", cleaned) + " .";
    }

    /** R2Gen's {@code sent_cleaner}. */
    static String cleanSentence(String s) {
        String t = pyStrip(
                        s.replace("\"", "").replace("/", "").replace("\\", "").replace("'", ""))
                .toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!removedBySentCleaner(c)) b.append(c);
        }
        return b.toString();
    }

    /** Membership in the regex class {@code [.,?;*!%^&_+():-\[\]{}]}, range ':'..'[' included. */
    static boolean removedBySentCleaner(char c) {
        if (c >= ':' && c <= '[') return true;
        return switch (c) {
            case '.', ',', '?', ';', '*', '!', '%', '^', '&', '_', '+', '(', ')', ']', '{', '}' -> true;
            default -> false;
        };
    }

    /** Python's {@code s.split(sep)}: literal separator, trailing empty strings kept. */
    static List<String> pySplit(String s, String sep) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int i = s.indexOf(sep, from);
            if (i < 0) break;
            out.add(s.substring(from, i));
            from = i + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    /** Python's {@code str.strip()} (whitespace as {@code str.isspace()} defines it). */
    static String pyStrip(String s) {
        int a = 0, z = s.length();
        while (a < z && isPySpace(s.charAt(a))) a++;
        while (z > a && isPySpace(s.charAt(z - 1))) z--;
        return s.substring(a, z);
    }

    static boolean isPySpace(char c) {
        if (c >= '\t' && c <= '\r') return true;
        if (c >= 0x1c && c <= 0x1f) return true;
        return switch (c) {
            case ' ', '\u0085', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200a';
        };
    }
}
