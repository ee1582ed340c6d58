package org.revtaf.domain.eval;

import java.util.HashMap;
import java.util.Map;
import java.util.StringTokenizer;
import java.util.regex.Pattern;

/**
 * METEOR 1.5's {@code -norm} text normalisation for English (its Moses-tokenizer-based Normalizer,
 * punctuation kept), followed by lower-casing as the scorer does: punctuation other than . ' ` , -
 * is split off; runs of dots are protected; commas are split unless between digits; quotes and
 * dashes are normalised; a dash between alphanumerics becomes a space; English contractions are
 * split to the right ("don't" -> "don 't"); a word-final dot is split off unless the word is a
 * non-breaking prefix (Moses' English list), contains another dot and a letter (then the dots are
 * dropped: U.S. -> US), or the next word starts with a lower-case letter; whitespace is collapsed.
 */
public final class MeteorNormalizer {
    private MeteorNormalizer() {}

    private static final String ALPHA = "A-Za-zŠŽšžŸÀ-ÖØ-öø-ž" + "Ѐ-ӿԀ-ԧꙀ-ꙮ꙾-ꚗᴀ-ᵿ";
    private static final String ALNUM = "0-9" + ALPHA;

    private static final Pattern SEP_OTHER = Pattern.compile("([^" + ALNUM + "\\s\\.\\'\\`\\,\\-\\‘\\’])");
    private static final Pattern MULTI_DOT = Pattern.compile("\\.([\\.]+)");
    private static final Pattern MULTI_DOT2 = Pattern.compile("DOTMULTI\\.([^\\.])");
    private static final Pattern COMMA1 = Pattern.compile("([^\\p{Digit}])[,]([^\\p{Digit}])");
    private static final Pattern COMMA2 = Pattern.compile("([\\p{Digit}])[,]([^\\p{Digit}])");
    private static final Pattern COMMA3 = Pattern.compile("([^\\p{Digit}])[,]([\\p{Digit}])");
    private static final Pattern QUOTE1 = Pattern.compile("([`‘’])");
    private static final Pattern QUOTE2 = Pattern.compile("([“”]|'')");
    private static final Pattern RM_DASH = Pattern.compile("([" + ALNUM + "\\.])[\\-]([" + ALNUM + "])");
    private static final Pattern CONT1 = Pattern.compile("([^" + ALPHA + "])[']([^" + ALPHA + "])");
    private static final Pattern CONT2 = Pattern.compile("([^" + ALPHA + "\\p{Digit}])[']([" + ALPHA + "])");
    private static final Pattern CONT3 = Pattern.compile("([" + ALPHA + "])[']([^" + ALPHA + "])");
    private static final Pattern CONT4 = Pattern.compile("([" + ALPHA + "])[']([" + ALPHA + "])");
    private static final Pattern CONT5 = Pattern.compile("([\\p{Digit}])[']([s])");
    private static final Pattern WHITE = Pattern.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+");
    private static final Pattern HAS_ALPHA = Pattern.compile("[" + ALPHA + "]");
    private static final Pattern STARTS_LOWER = Pattern.compile("^[\\p{Lower}]");
    private static final Pattern STARTS_DIGIT = Pattern.compile("^[0-9]+");

    private static final int NBP_ANY = 1;
    private static final int NBP_NUMERIC_ONLY = 2;

    /** Moses' English non-breaking prefixes (the list METEOR 1.5 ships). */
    private static final Map<String, Integer> NBP = nonBreakingPrefixes();

    private static Map<String, Integer> nonBreakingPrefixes() {
        Map<String, Integer> m = new HashMap<>();
        for (char c = 'A'; c <= 'Z'; c++) m.put(String.valueOf(c), NBP_ANY);
        String any = "Adj Adm Adv Asst Bart Bldg Brig Bros Capt Cmdr Col Comdr Con Corp Cpl DR Dr Drs Ens Gen Gov Hon"
                + " Hr Hosp Insp Lt MM MR MRS MS Maj Messrs Mlle Mme Mr Mrs Ms Msgr Op Ord Pfc Ph Prof Pvt Rep Reps"
                + " Res Rev Rt Sen Sens Sfc Sgt Sr St Supt Surg v vs i.e rev e.g Nos Nr";
        for (String p : any.split(" ")) m.put(p, NBP_ANY);
        for (String p : new String[] {"No", "Art", "pp"}) m.put(p, NBP_NUMERIC_ONLY);
        return m;
    }

    /**
     * Whether every character is an ASCII letter or digit, an ASCII white-space character or one of
     * {@code . ' ` , -}: then SEP_OTHER cannot match, and no WHITE character other than the single
     * spaces the tokens are joined with is present.
     */
    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == ' '
                    || c == '\t'
                    || c == '\n'
                    || c == '\u000B'
                    || c == '\f'
                    || c == '\r'
                    || c == '.'
                    || c == '\''
                    || c == '`'
                    || c == ','
                    || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    /** Normalised, lower-cased text; tokens separated by single spaces. */
    public static String normalize(String line) {
        // each rule runs only where it can match (checked on the characters it needs); the result is
        // that of running every rule
        String s = " " + line + " ";
        if (!plainAscii(s)) s = SEP_OTHER.matcher(s).replaceAll(" $1 ");
        if (s.contains("..") || s.contains("DOTMULTI")) {
            s = MULTI_DOT.matcher(s).replaceAll(" DOTMULTI$1");
            while (s.contains("DOTMULTI.")) {
                s = MULTI_DOT2.matcher(s).replaceAll("DOTDOTMULTI $1");
                s = s.replace("DOTMULTI.", "DOTDOTMULTI");
            }
        }
        if (s.indexOf(',') >= 0) {
            s = COMMA1.matcher(s).replaceAll("$1 , $2");
            s = COMMA2.matcher(s).replaceAll("$1 , $2");
            s = COMMA3.matcher(s).replaceAll("$1 , $2");
        }
        if (s.indexOf('`') >= 0 || s.indexOf('‘') >= 0 || s.indexOf('’') >= 0)
            s = QUOTE1.matcher(s).replaceAll("'");
        if (s.indexOf('“') >= 0 || s.indexOf('”') >= 0 || s.contains("''"))
            s = QUOTE2.matcher(s).replaceAll(" \" ");
        s = s.replace("–", "-");
        s = s.replace("--", "-");
        if (s.indexOf('-') >= 0) s = RM_DASH.matcher(s).replaceAll("$1 $2");
        if (s.indexOf('\'') >= 0) {
            s = CONT1.matcher(s).replaceAll("$1 ' $2");
            s = CONT2.matcher(s).replaceAll("$1 ' $2");
            s = CONT3.matcher(s).replaceAll("$1 ' $2");
            s = CONT4.matcher(s).replaceAll("$1 '$2");
            s = CONT5.matcher(s).replaceAll("$1 '$2");
        }

        StringTokenizer tok = new StringTokenizer(s);
        String[] words = new String[tok.countTokens()];
        for (int i = 0; i < words.length; i++) words[i] = tok.nextToken();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.length() > 1 && w.endsWith(".")) {
                String pre = w.substring(0, w.length() - 1);
                Integer type = NBP.get(pre);
                boolean nextLower = i < words.length - 1
                        && STARTS_LOWER.matcher(words[i + 1]).find();
                boolean nextDigit = i < words.length - 1
                        && STARTS_DIGIT.matcher(words[i + 1]).find();
                if (pre.contains(".") && HAS_ALPHA.matcher(pre).find()) {
                    sb.append(w.replace(".", ""));
                } else if ((type != null && type == NBP_ANY) || nextLower) {
                    sb.append(w);
                } else if (type != null && type == NBP_NUMERIC_ONLY && nextDigit) {
                    sb.append(w);
                } else {
                    sb.append(pre).append(" .");
                }
            } else {
                sb.append(w);
            }
            sb.append(' ');
        }
        s = sb.toString();
        while (s.contains("DOTDOTMULTI")) s = s.replace("DOTDOTMULTI", "DOTMULTI.");
        s = s.replace("DOTMULTI", ".");
        if (!plainAscii(s)) s = WHITE.matcher(s).replaceAll(" ");
        s = s.trim();
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
