package org.revtaf.domain.text;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.io.TextFiles;

/**
 * BERT's WordPiece tokenizer over a standard {@code vocab.txt} (line i = id i), giving the same ids as
 * HuggingFace's {@code BertTokenizer(do_lower_case=True)}: the basic tokenizer (control characters
 * dropped, whitespace normalised, CJK characters split out, NFC, lowercasing, accents stripped,
 * punctuation split), then greedy longest-match-first word pieces with {@code ##} continuations and
 * {@code [UNK]} for words longer than 100 characters or with no full cover. Special tokens in the text
 * ({@link #SPECIALS} present in the vocabulary) are kept whole. The vocabulary travels with a
 * checkpoint as its plain text ({@link #toVocabText()} / {@link #fromVocabText(String)}).
 */
public final class WordPieceTokenizer {
    public static final String PAD = "[PAD]", CLS = "[CLS]", SEP = "[SEP]", UNK = "[UNK]", MASK = "[MASK]";
    public static final String DEC = "[DEC]", BLA = "[BLA]", POS = "[POS]", NEG = "[NEG]", UNC = "[UNC]";
    /** The special tokens of the project, in the order they are added to a trained vocabulary. */
    public static final List<String> SPECIALS = List.of(PAD, CLS, SEP, UNK, MASK, DEC, BLA, POS, NEG, UNC);

    static final int MAX_CHARS_PER_WORD = 100;

    private final List<String> vocab;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> specialsPresent = new ArrayList<>();

    private WordPieceTokenizer(List<String> vocab) {
        this.vocab = List.copyOf(vocab);
        for (int i = 0; i < this.vocab.size(); i++) ids.putIfAbsent(this.vocab.get(i), i);
        if (!ids.containsKey(UNK)) throw new RevtafException("WordPiece vocabulary has no " + UNK + " token");
        for (String s : SPECIALS) if (ids.containsKey(s)) specialsPresent.add(s);
    }

    /** A tokenizer over the given vocabulary (index = id). */
    public static WordPieceTokenizer of(List<String> vocab) {
        return new WordPieceTokenizer(vocab);
    }

    /** Reads {@code vocab.txt} text: one token per line (a trailing newline is allowed). */
    public static WordPieceTokenizer fromVocabText(String text) {
        List<String> v =
                new ArrayList<>(Arrays.asList(text.replace("\r\n", "\n").split("\n", -1)));
        if (!v.isEmpty() && v.getLast().isEmpty()) v.removeLast();
        return new WordPieceTokenizer(v);
    }

    /** Reads a {@code vocab.txt} file (strict UTF-8; errors name the file and line). */
    public static WordPieceTokenizer load(Path vocabTxt) {
        String text = TextFiles.readUtf8(vocabTxt, "WordPiece vocab.txt");
        try {
            return fromVocabText(text);
        } catch (RevtafException e) {
            throw new RevtafException(vocabTxt + ": " + e.getMessage());
        }
    }

    /** This vocabulary plus the {@link #SPECIALS} it lacks, appended in order (bert-base-uncased: [DEC] = 30522). */
    public WordPieceTokenizer withSpecialTokens() {
        List<String> v = new ArrayList<>(vocab);
        for (String s : SPECIALS) if (!ids.containsKey(s)) v.add(s);
        return new WordPieceTokenizer(v);
    }

    public String toVocabText() {
        return String.join("\n", vocab) + "\n";
    }

    /** Writes vocab.txt atomically. */
    public void save(Path vocabTxt) {
        AtomicFile.writeString(vocabTxt, toVocabText());
    }

    public int size() {
        return vocab.size();
    }

    /** The id of a token, or -1. */
    public int idOf(String token) {
        return ids.getOrDefault(token, -1);
    }

    public String token(int id) {
        return vocab.get(id);
    }

    public List<String> vocab() {
        return vocab;
    }

    /** Word pieces of a text (special tokens kept whole). */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String chunk : splitOnSpecials(text)) {
            if (specialsPresent.contains(chunk)) {
                out.add(chunk);
                continue;
            }
            for (String word : basicTokenize(chunk)) wordPieces(word, out);
        }
        return out;
    }

    /** Ids of {@code [CLS] tokens [SEP]}. */
    public int[] encode(String text) {
        List<String> toks = tokenize(text);
        int[] out = new int[toks.size() + 2];
        out[0] = requireId(CLS);
        for (int i = 0; i < toks.size(); i++) out[i + 1] = ids.get(toks.get(i));
        out[out.length - 1] = requireId(SEP);
        return out;
    }

    /** {@link #encode(String)} truncated to {@code maxLength} ids, keeping the final [SEP] (truncation=True). */
    public int[] encode(String text, int maxLength) {
        int[] all = encode(text);
        if (all.length <= maxLength) return all;
        int[] out = Arrays.copyOf(all, maxLength);
        out[maxLength - 1] = requireId(SEP);
        return out;
    }

    /** Ids of the word pieces only (no [CLS]/[SEP]). */
    public int[] ids(String text) {
        return tokenize(text).stream().mapToInt(ids::get).toArray();
    }

    /**
     * HuggingFace's {@code decode}: tokens joined by spaces, {@code " ##"} removed, optionally special
     * tokens skipped, then {@code clean_up_tokenization} (" ." -> "." and the like).
     */
    public String decode(int[] tokenIds, boolean skipSpecial) {
        StringBuilder b = new StringBuilder();
        for (int id : tokenIds) {
            String t = vocab.get(id);
            if (skipSpecial && SPECIALS.contains(t)) continue;
            if (!b.isEmpty()) b.append(' ');
            b.append(t);
        }
        String s = b.toString().replace(" ##", "");
        return s.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    private int requireId(String t) {
        Integer id = ids.get(t);
        if (id == null) throw new RevtafException("WordPiece vocabulary has no " + t + " token");
        return id;
    }

    private List<String> splitOnSpecials(String text) {
        List<String> out = new ArrayList<>();
        int from = 0;
        outer:
        while (from < text.length()) {
            int best = -1;
            String which = null;
            for (String s : specialsPresent) {
                int i = text.indexOf(s, from);
                if (i >= 0 && (best < 0 || i < best)) {
                    best = i;
                    which = s;
                }
            }
            if (best < 0) break outer;
            if (best > from) out.add(text.substring(from, best));
            out.add(which);
            from = best + which.length();
        }
        if (from < text.length()) out.add(text.substring(from));
        return out;
    }

    private void wordPieces(String word, List<String> out) {
        int cps = word.codePointCount(0, word.length());
        if (cps > MAX_CHARS_PER_WORD) {
            out.add(UNK);
            return;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String found = null;
            while (start < end) {
                String sub = word.substring(start, end);
                if (start > 0) sub = "##" + sub;
                if (ids.containsKey(sub)) {
                    found = sub;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                out.add(UNK);
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    // ---- BERT BasicTokenizer (do_lower_case=True, tokenize_chinese_chars=True)

    /** BERT's basic tokenization of one text into words and punctuation marks. */
    public static List<String> basicTokenize(String text) {
        StringBuilder clean = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) return;
            if (isWhitespace(cp)) clean.append(' ');
            else if (isCjk(cp)) clean.append(' ').appendCodePoint(cp).append(' ');
            else clean.appendCodePoint(cp);
        });
        String normalized = Normalizer.normalize(clean.toString(), Normalizer.Form.NFC);
        List<String> out = new ArrayList<>();
        for (String tok : WordTokenizer.whitespaceSplit(normalized)) {
            String t = stripAccents(tok.toLowerCase(Locale.ROOT));
            StringBuilder cur = new StringBuilder();
            int i = 0;
            while (i < t.length()) {
                int cp = t.codePointAt(i);
                i += Character.charCount(cp);
                if (isPunctuation(cp)) {
                    if (!cur.isEmpty()) out.add(cur.toString());
                    cur.setLength(0);
                    out.add(new String(Character.toChars(cp)));
                } else {
                    cur.appendCodePoint(cp);
                }
            }
            if (!cur.isEmpty()) out.add(cur.toString());
        }
        return out;
    }

    static String stripAccents(String s) {
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(nfd.length());
        nfd.codePoints().forEach(cp -> {
            if (Character.getType(cp) != Character.NON_SPACING_MARK) b.appendCodePoint(cp);
        });
        return b.toString();
    }

    static boolean isWhitespace(int cp) {
        return cp == ' '
                || cp == '\t'
                || cp == '\n'
                || cp == '\r'
                || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int t = Character.getType(cp);
        return t == Character.CONTROL
                || t == Character.FORMAT
                || t == Character.UNASSIGNED
                || t == Character.PRIVATE_USE
                || t == Character.SURROGATE;
    }

    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
            return true;
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
