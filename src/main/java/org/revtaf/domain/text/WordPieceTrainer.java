package org.revtaf.domain.text;

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
 * order. Deterministic. {@link #train} updates pair counts incrementally (only the words holding the
 * merged pair are revisited); {@link #trainReference} recounts every pair each merge and is the
 * simple oracle the tests compare it with.
 */
public final class WordPieceTrainer {
    private WordPieceTrainer() {}

    /**
     * The distinct words of a corpus (basic tokenization, at most MAX_CHARS_PER_WORD code points) in
     * sorted order (for determinism), each with its count and its initial pieces; and the alphabet
     * (every initial piece).
     */
    private record Words(List<String> words, int[] freq, List<List<String>> pieces, Set<String> alphabet) {
        static Words of(Iterable<String> corpus) {
            Map<String, Integer> counts = new HashMap<>();
            for (String text : corpus) {
                for (String w : WordPieceTokenizer.basicTokenize(text)) {
                    if (w.codePointCount(0, w.length()) <= WordPieceTokenizer.MAX_CHARS_PER_WORD)
                        counts.merge(w, 1, Integer::sum);
                }
            }
            List<String> words = new ArrayList<>(new TreeSet<>(counts.keySet()));
            int[] freq = new int[words.size()];
            List<List<String>> pieces = new ArrayList<>(words.size());
            Set<String> alphabet = new TreeSet<>();
            for (int w = 0; w < words.size(); w++) {
                freq[w] = counts.get(words.get(w));
                List<String> p = WordPieceTrainer.pieces(words.get(w));
                alphabet.addAll(p);
                pieces.add(p);
            }
            return new Words(words, freq, pieces, alphabet);
        }
    }

    /** A word as its initial pieces: the first character as is, every later one "##"-prefixed. */
    private static List<String> pieces(String word) {
        List<String> pieces = new ArrayList<>();
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            pieces.add(i == 0 ? ch : "##" + ch);
            i += Character.charCount(cp);
        }
        return pieces;
    }

    /** Plain reference: recounts all pairs after every merge. */
    public static WordPieceTokenizer trainReference(Iterable<String> corpus, int vocabSize, int minFrequency) {
        Words corpusWords = Words.of(corpus);
        // words as piece sequences, in sorted word order for determinism
        List<List<String>> splits = corpusWords.pieces();
        int[] freq = corpusWords.freq();
        LinkedHashSet<String> vocab = new LinkedHashSet<>(WordPieceTokenizer.SPECIALS);
        vocab.addAll(corpusWords.alphabet());
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

    /** Incremental trainer; same result as {@link #trainReference}. */
    public static WordPieceTokenizer train(Iterable<String> corpus, int vocabSize, int minFrequency) {
        Words corpusWords = Words.of(corpus);
        int words = corpusWords.words().size();
        int[] freq = corpusWords.freq();
        List<String> symbols = new ArrayList<>();
        Map<String, Integer> symbolId = new HashMap<>();
        int[][] seqs = new int[words][];
        int[] lens = new int[words];
        for (int w = 0; w < words; w++) {
            List<String> pieces = corpusWords.pieces().get(w);
            int[] seq = new int[pieces.size()];
            for (int k = 0; k < seq.length; k++) {
                String ch = pieces.get(k);
                Integer id = symbolId.get(ch);
                if (id == null) {
                    id = symbols.size();
                    symbols.add(ch);
                    symbolId.put(ch, id);
                }
                seq[k] = id;
            }
            seqs[w] = seq;
            lens[w] = seq.length;
        }
        Pairs pairs = new Pairs(symbols);
        for (int w = 0; w < seqs.length; w++) pairs.addWord(w, seqs[w], lens[w], freq[w]);
        LinkedHashSet<String> vocab = new LinkedHashSet<>(WordPieceTokenizer.SPECIALS);
        vocab.addAll(corpusWords.alphabet());
        while (vocab.size() < vocabSize) {
            long best = pairs.best();
            if (best < 0 || pairs.count(best) < minFrequency) break;
            int a = (int) (best >>> 32), b = (int) best;
            String merged = symbols.get(a)
                    + (symbols.get(b).startsWith("##") ? symbols.get(b).substring(2) : symbols.get(b));
            vocab.add(merged);
            Integer m = symbolId.get(merged);
            if (m == null) {
                m = symbols.size();
                symbols.add(merged);
                symbolId.put(merged, m);
            }
            for (int w : pairs.wordsWith(best)) {
                pairs.removeWord(w, seqs[w], lens[w], freq[w]);
                int[] seq = seqs[w];
                int n = lens[w], out = 0;
                for (int i = 0; i < n; i++) {
                    if (i + 1 < n && seq[i] == a && seq[i + 1] == b) {
                        seq[out++] = m;
                        i++;
                    } else {
                        seq[out++] = seq[i];
                    }
                }
                lens[w] = out;
                pairs.addWord(w, seq, out, freq[w]);
            }
        }
        return WordPieceTokenizer.of(new ArrayList<>(vocab));
    }

    /** Pair counts, the words holding each pair, and the pairs ordered by (count desc, text asc). */
    private static final class Pairs {
        private final List<String> symbols;
        private final Map<Long, Integer> counts = new HashMap<>();
        private final Map<Long, Set<Integer>> where = new HashMap<>();
        private final java.util.TreeSet<Long> order;

        Pairs(List<String> symbols) {
            this.symbols = symbols;
            this.order = new java.util.TreeSet<>((x, y) -> {
                int c = Integer.compare(counts.get(y), counts.get(x));
                if (c != 0) return c;
                // same order as comparing "a\0b" texts, without building them
                c = symbols.get((int) (x >>> 32)).compareTo(symbols.get((int) (y >>> 32)));
                return c != 0 ? c : symbols.get((int) (long) x).compareTo(symbols.get((int) (long) y));
            });
        }

        private static long key(int a, int b) {
            return ((long) a << 32) | (b & 0xffffffffL);
        }

        private void bump(long p, int by) {
            Integer c = counts.get(p);
            if (c != null) order.remove(p);
            int n = (c == null ? 0 : c) + by;
            if (n > 0) {
                counts.put(p, n);
                order.add(p);
            } else {
                counts.remove(p);
            }
        }

        void addWord(int w, int[] seq, int n, int f) {
            for (int i = 0; i + 1 < n; i++) {
                long p = key(seq[i], seq[i + 1]);
                bump(p, f);
                where.computeIfAbsent(p, q -> new java.util.HashSet<>()).add(w);
            }
        }

        void removeWord(int w, int[] seq, int n, int f) {
            for (int i = 0; i + 1 < n; i++) {
                long p = key(seq[i], seq[i + 1]);
                bump(p, -f);
                Set<Integer> ws = where.get(p);
                if (ws != null) ws.remove(w);
            }
        }

        long best() {
            return order.isEmpty() ? -1 : order.first();
        }

        int count(long p) {
            return counts.getOrDefault(p, 0);
        }

        List<Integer> wordsWith(long p) {
            List<Integer> ws = new ArrayList<>(where.getOrDefault(p, Set.of()));
            java.util.Collections.sort(ws);
            return ws;
        }
    }
}
