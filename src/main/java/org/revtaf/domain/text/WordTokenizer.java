package org.revtaf.domain.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.io.TextFiles;

/**
 * R2Gen's word-level tokenizer: words = whitespace split of the cleaned report; the vocabulary is
 * every word seen at least {@code threshold} times in the cleaned training reports plus {@code <unk>},
 * sorted (code-point order, as Python's {@code sort}), ids from 1; id 0 is bos, eos and padding.
 * {@code encode} gives {@code [0] + ids + [0]}; R2Gen's dataset then keeps the first
 * {@code max_seq_length} ids (60 IU, 100 MIMIC), which can cut the eos.
 */
public final class WordTokenizer {
    public static final String UNK = "<unk>";

    private final List<String> idToToken; // index id-1
    private final Map<String, Integer> tokenToId = new HashMap<>();
    private final UnaryOperator<String> cleaner;

    private WordTokenizer(List<String> sortedVocab, UnaryOperator<String> cleaner) {
        this.idToToken = List.copyOf(sortedVocab);
        for (int i = 0; i < idToToken.size(); i++) tokenToId.put(idToToken.get(i), i + 1);
        if (!tokenToId.containsKey(UNK)) throw new IllegalArgumentException("vocabulary lacks " + UNK);
        this.cleaner = cleaner;
    }

    /** Builds the vocabulary from training reports, as R2Gen's {@code create_vocabulary}. */
    public static WordTokenizer build(Iterable<String> trainReports, int threshold, UnaryOperator<String> cleaner) {
        Map<String, Integer> counts = new HashMap<>();
        for (String r : trainReports) {
            for (String w : whitespaceSplit(cleaner.apply(r))) counts.merge(w, 1, Integer::sum);
        }
        List<String> vocab = new ArrayList<>();
        counts.forEach((w, c) -> {
            if (c >= threshold) vocab.add(w);
        });
        vocab.add(UNK);
        Collections.sort(vocab, WordTokenizer::codePointCompare);
        return new WordTokenizer(vocab, cleaner);
    }

    /** MIMIC-CXR setting: mimic cleaner, threshold 10. */
    public static WordTokenizer mimic(Iterable<String> trainReports) {
        return build(trainReports, 10, ReportCleaner::cleanMimic);
    }

    /** IU X-Ray setting: IU cleaner, threshold 3. */
    public static WordTokenizer iu(Iterable<String> trainReports) {
        return build(trainReports, 3, ReportCleaner::cleanIu);
    }

    /** Number of tokens (ids 1..size; 0 is bos/eos/pad), R2Gen's {@code get_vocab_size}. */
    public int size() {
        return idToToken.size();
    }

    public int id(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? tokenToId.get(UNK) : id;
    }

    public String token(int id) {
        return idToToken.get(id - 1);
    }

    /** {@code [0] + ids(clean(report)) + [0]}. */
    public int[] encode(String report) {
        List<String> words = whitespaceSplit(cleaner.apply(report));
        int[] ids = new int[words.size() + 2];
        for (int i = 0; i < words.size(); i++) ids[i + 1] = id(words.get(i));
        return ids;
    }

    /** {@code encode(report)[:maxSeqLength]} as R2Gen's dataset does. */
    public int[] encode(String report, int maxSeqLength) {
        int[] ids = encode(report);
        return ids.length <= maxSeqLength ? ids : Arrays.copyOf(ids, maxSeqLength);
    }

    /** R2Gen's {@code decode}: tokens up to the first 0, a space before every token after position 0. */
    public String decode(int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] <= 0) break;
            if (i >= 1) b.append(' ');
            b.append(token(ids[i]));
        }
        return b.toString();
    }

    /** The vocabulary, one token per line in id order (line 1 = id 1). */
    public String toVocabText() {
        return String.join("\n", idToToken) + "\n";
    }

    /** Writes the vocabulary atomically (temporary sibling, fsync, rename). */
    public void save(Path file) {
        AtomicFile.writeString(file, toVocabText());
    }

    /** Reads a vocabulary written by {@link #toVocabText()}. */
    public static WordTokenizer fromVocabText(String text, UnaryOperator<String> cleaner) {
        List<String> vocab = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!vocab.isEmpty() && vocab.getLast().isEmpty()) vocab.removeLast();
        if (!vocab.contains(UNK)) throw new RevtafException("word vocabulary has no " + UNK + " entry");
        return new WordTokenizer(vocab, cleaner);
    }

    /** Reads a vocabulary file (strict UTF-8; errors name the file and line). */
    public static WordTokenizer load(Path file, UnaryOperator<String> cleaner) {
        String text = TextFiles.readUtf8(file, "word vocabulary");
        try {
            return fromVocabText(text, cleaner);
        } catch (RevtafException e) {
            throw new RevtafException(file + ": " + e.getMessage());
        }
    }

    /** Python's {@code str.split()}: runs of whitespace, no empty strings. */
    static List<String> whitespaceSplit(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length(), i = 0;
        while (i < n) {
            while (i < n && ReportCleaner.isPySpace(s.charAt(i))) i++;
            int j = i;
            while (j < n && !ReportCleaner.isPySpace(s.charAt(j))) j++;
            if (j > i) out.add(s.substring(i, j));
            i = j;
        }
        return out;
    }

    static int codePointCompare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
