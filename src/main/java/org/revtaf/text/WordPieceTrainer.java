package org.revtaf.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Trains a WordPiece vocabulary from a corpus (for runs without a pretrained BERT vocabulary): words
 * from BERT's basic tokenizer, an initial alphabet of first characters and {@code ##}-continuation
 * characters, then repeated merges of the most frequent adjacent piece pair (BPE-style, as
 * HuggingFace's WordPiece trainer does), ties broken by the lexicographically smallest pair, until
 * the vocabulary reaches {@code vocabSize} or no pair occurs {@code minFrequency} times. The result
 * starts with the {@link WordPieceTokenizer#SPECIALS}, then the alphabet (sorted), then merges in
 * order. Deterministic.
 */
public final class WordPieceTrainer {
    private WordPieceTrainer() {}

    public static WordPieceTokenizer train(Iterable<String> corpus, int vocabSize, int minFrequency) {
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : corpus) {
            for (String w : WordPieceTokenizer.basicTokenize(text)) {
                if (w.codePointCount(0, w.length()) <= WordPieceTokenizer.MAX_CHARS_PER_WORD)
                    wordCounts.merge(w, 1, Integer::sum);
            }
        }
        // words as piece sequences, in sorted word order for determinism
        List<String> words = new ArrayList<>(new TreeSet<>(wordCounts.keySet()));
        List<List<String>> splits = new ArrayList<>(words.size());
        int[] freq = new int[words.size()];
        Set<String> alphabet = new TreeSet<>();
        for (int w = 0; w < words.size(); w++) {
            String word = words.get(w);
            freq[w] = wordCounts.get(word);
            List<String> pieces = new ArrayList<>();
            int i = 0;
            while (i < word.length()) {
                int cp = word.codePointAt(i);
                String ch = new String(Character.toChars(cp));
                pieces.add(i == 0 ? ch : "##" + ch);
                i += Character.charCount(cp);
            }
            alphabet.addAll(pieces);
            splits.add(pieces);
        }
        LinkedHashSet<String> vocab = new LinkedHashSet<>(WordPieceTokenizer.SPECIALS);
        vocab.addAll(alphabet);
        while (vocab.size() < vocabSize) {
            Map<String, Integer> pairCounts = new HashMap<>();
            for (int w = 0; w < splits.size(); w++) {
                List<String> p = splits.get(w);
                for (int i = 0; i + 1 < p.size(); i++)
                    pairCounts.merge(p.get(i) + "\u0000" + p.get(i + 1), freq[w], Integer::sum);
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : pairCounts.entrySet()) {
                int c = e.getValue();
                if (c > bestCount || (c == bestCount && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null || bestCount < minFrequency) break;
            int sep = best.indexOf('\u0000');
            String a = best.substring(0, sep), b = best.substring(sep + 1);
            String merged = a + (b.startsWith("##") ? b.substring(2) : b);
            vocab.add(merged);
            for (List<String> p : splits) {
                for (int i = 0; i + 1 < p.size(); i++) {
                    if (p.get(i).equals(a) && p.get(i + 1).equals(b)) {
                        p.set(i, merged);
                        p.remove(i + 1);
                    }
                }
            }
        }
        return WordPieceTokenizer.of(new ArrayList<>(vocab));
    }
}
