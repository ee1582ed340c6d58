package org.revtaf.domain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * METEOR 1.5's word aligner. Each module, in the order given, adds candidate matches for every word
 * pair it accepts, listed per reference position in hypothesis order: exact (equal words), stem
 * (different words with equal Snowball stems), synonym (different words whose WordNet synsets
 * intersect, {@link MeteorSynonyms}); a pair can be a candidate of several modules. Words are compared
 * by their {@code hashCode}, as METEOR does. A match that is the only candidate of both its words is
 * fixed first; the rest is resolved left to right over the reference with a beam of 40 partial
 * alignments ranked by (1) weighted words covered, kept as ints as METEOR does so that with the
 * alignment weights 1.0 (exact) / 0.5 (others) a non-exact match adds 0, (2) fewer chunks, (3) smaller
 * summed |ref position - hyp position| (accumulated, as in METEOR, on the path being extended rather
 * than on the new one); ties keep insertion order (stable sort). Identical sentences use the first
 * module only.
 */
final class MeteorAligner {
    static final int BEAM = 40;

    private MeteorAligner() {}

    /**
     * One word matched: reference position {@code start}, hypothesis position {@code matchStart},
     * {@code module} = the index of the matching module in the module list.
     */
    record Match(int start, int matchStart, int module) {}

    /** The chosen matches, indexed by reference position (null = unmatched), and the chunk count. */
    record Alignment(Match[] matches, int chunks) {}

    /** A chosen (non-fixed) match and the ones chosen before it: paths share their history. */
    private record Chosen(Match match, Chosen before) {}

    /**
     * A partial alignment. The matches fixed before the search are shared by all paths ({@code fixed},
     * indexed by reference position); the ones chosen in the search are a shared linked list; the
     * used hypothesis words a bit set. (The reference words a path uses are the fixed ones and those
     * left of {@code idx}: the search only ever asks about the current position.)
     */
    private static final class Path {
        final Match[] fixed;
        Chosen chosen;
        long[] used1;
        int matches1;
        int matches2;
        int chunks;
        int idx;
        int lastMatchEnd = -1;
        int distance;

        Path(Match[] fixed, long[] used1) {
            this.fixed = fixed;
            this.used1 = used1;
        }

        /** {@code p} extended by match {@code m}, before {@link #take}. */
        Path(Path p, Match m) {
            fixed = p.fixed;
            chosen = new Chosen(m, p.chosen);
            used1 = p.used1.clone();
            used1[m.matchStart() >>> 6] |= 1L << m.matchStart();
            matches1 = p.matches1;
            matches2 = p.matches2;
            chunks = p.chunks;
            idx = p.idx;
            lastMatchEnd = p.lastMatchEnd;
            distance = p.distance;
        }

        boolean usesHyp(int i) {
            return (used1[i >>> 6] & (1L << i)) != 0;
        }

        /** The match at reference position {@code j}, or null. */
        Match at(int j) {
            if (fixed[j] != null) return fixed[j];
            for (Chosen c = chosen; c != null; c = c.before()) if (c.match().start() == j) return c.match();
            return null;
        }

        /** All matches, indexed by reference position. */
        Match[] matches() {
            Match[] out = fixed.clone();
            for (Chosen c = chosen; c != null; c = c.before()) out[c.match().start()] = c.match();
            return out;
        }

        void take(Match m, double alignWeight) {
            // int += double, truncated, as METEOR's PartialAlignment does
            matches1 = (int) (matches1 + alignWeight);
            matches2 = (int) (matches2 + alignWeight);
            if (lastMatchEnd != -1 && m.matchStart() != lastMatchEnd) chunks++;
            idx = m.start() + 1;
            lastMatchEnd = m.matchStart() + 1;
        }
    }

    private static final Comparator<Path> ORDER = (x, y) -> {
        int matchDiff = (y.matches1 + y.matches2) - (x.matches1 + x.matches2);
        if (matchDiff != 0) return matchDiff > 0 ? 1 : -1;
        if (x.chunks != y.chunks) return x.chunks - y.chunks;
        return x.distance - y.distance;
    };

    /** Aligns hypothesis words {@code w1} with reference words {@code w2} using {@code modules}. */
    static Alignment align(List<String> w1, List<String> w2, List<MeteorModule> modules) {
        int n1 = w1.size();
        int n2 = w2.size();
        int[] k1 = new int[n1];
        int[] k2 = new int[n2];
        for (int i = 0; i < n1; i++) k1[i] = w1.get(i).hashCode();
        for (int j = 0; j < n2; j++) k2[j] = w2.get(j).hashCode();
        List<List<Match>> cand = new ArrayList<>(n2);
        for (int j = 0; j < n2; j++) cand.add(new ArrayList<>());
        int[] cov1 = new int[n1];
        int[] cov2 = new int[n2];
        boolean identical = n1 == n2 && Arrays.equals(k1, k2);
        int used = identical ? 1 : modules.size();
        double[] alignWeights = new double[modules.size()];
        for (int mod = 0; mod < used; mod++) {
            MeteorModule module = modules.get(mod);
            alignWeights[mod] = module.alignWeight();
            boolean[][] accept = accept(module, w1, w2, k1, k2);
            for (int j = 0; j < n2; j++) {
                for (int i = 0; i < n1; i++) {
                    if (accept[j][i]) {
                        cand.get(j).add(new Match(j, i, mod));
                        cov1[i]++;
                        cov2[j]++;
                    }
                }
            }
        }
        Match[] fixed = new Match[n2];
        long[] used1 = new long[(n1 + 63) >>> 6];
        for (int j = 0; j < n2; j++) {
            if (cand.get(j).size() == 1) {
                Match m = cand.get(j).get(0);
                if (cov2[j] == 1 && cov1[m.matchStart()] == 1) {
                    fixed[j] = m;
                    used1[m.matchStart() >>> 6] |= 1L << m.matchStart();
                }
            }
        }
        Match[] best = resolve(cand, new Path(fixed, used1), alignWeights);
        return new Alignment(best, countChunks(best));
    }

    /** Words' stem hash codes, memoised (bounded: a corpus has far fewer distinct words). */
    private static final Map<String, Integer> STEM_KEYS = new ConcurrentHashMap<>();

    private static final int STEM_CACHE_LIMIT = 1 << 20;

    private static int stemKey(String word) {
        Integer k = STEM_KEYS.get(word);
        if (k != null) return k;
        int key = EnglishStemmer.stem(word).hashCode();
        if (STEM_KEYS.size() < STEM_CACHE_LIMIT) STEM_KEYS.put(word, key);
        return key;
    }

    /** accept[j][i]: whether {@code module} matches reference word j with hypothesis word i. */
    private static boolean[][] accept(MeteorModule module, List<String> w1, List<String> w2, int[] k1, int[] k2) {
        int n1 = k1.length;
        int n2 = k2.length;
        boolean[][] a = new boolean[n2][n1];
        switch (module) {
            case exact -> {
                for (int j = 0; j < n2; j++) for (int i = 0; i < n1; i++) a[j][i] = k1[i] == k2[j];
            }
            case stem -> {
                int[] s1 = new int[n1];
                int[] s2 = new int[n2];
                for (int i = 0; i < n1; i++)
                    s1[i] = EnglishStemmer.stem(w1.get(i)).hashCode();
                for (int j = 0; j < n2; j++)
                    s2[j] = EnglishStemmer.stem(w2.get(j)).hashCode();
                for (int j = 0; j < n2; j++) {
                    for (int i = 0; i < n1; i++) a[j][i] = s1[i] == s2[j] && k1[i] != k2[j];
                }
            }
            case synonym -> {
                // synset id -> bit set of the hypothesis positions having it
                MeteorSynonyms dict = MeteorSynonyms.english();
                int words = (n1 + 63) >>> 6;
                Map<Integer, long[]> hypBySynset = new HashMap<>();
                for (int i = 0; i < n1; i++) {
                    for (int id : dict.synsets(w1.get(i))) {
                        hypBySynset.computeIfAbsent(id, x -> new long[words])[i >>> 6] |= 1L << i;
                    }
                }
                if (hypBySynset.isEmpty()) break;
                long[] row = new long[words];
                for (int j = 0; j < n2; j++) {
                    Arrays.fill(row, 0);
                    boolean any = false;
                    for (int id : dict.synsets(w2.get(j))) {
                        long[] bits = hypBySynset.get(id);
                        if (bits == null) continue;
                        for (int w = 0; w < words; w++) row[w] |= bits[w];
                        any = true;
                    }
                    if (!any) continue;
                    for (int i = 0; i < n1; i++) a[j][i] = (row[i >>> 6] & (1L << i)) != 0 && k1[i] != k2[j];
                }
            }
        }
        return a;
    }

    private static Match[] resolve(List<List<Match>> cand, Path start, double[] alignWeights) {
        Paths paths = new Paths(1);
        paths.add(start);
        for (int current = 0; current <= cand.size(); current++) {
            paths.sort();
            int beam = Math.min(BEAM, paths.size);
            Paths next =
                    new Paths(current < cand.size() ? beam * (cand.get(current).size() + 1) : beam);
            for (int rank = 0; rank < beam; rank++) {
                Path path = paths.items[rank];
                if (current == cand.size()) {
                    if (path.lastMatchEnd != -1) path.chunks++;
                    next.add(path);
                    continue;
                }
                if (start.fixed[current] != null) {
                    if (current < path.idx) {
                        next.add(path);
                    } else {
                        Match m = path.at(path.idx);
                        if (m != null) {
                            path.take(m, alignWeights[m.module()]);
                            path.distance += Math.abs(m.start() - m.matchStart());
                            next.add(path);
                        }
                    }
                    continue;
                }
                for (Match m : cand.get(current)) {
                    if (path.usesHyp(m.matchStart())) continue;
                    Path np = new Path(path, m);
                    np.take(m, alignWeights[m.module()]);
                    path.distance += Math.abs(m.start() - m.matchStart()); // sic: METEOR adds it to the parent
                    next.add(np);
                }
                if (path.lastMatchEnd != -1) {
                    path.chunks++;
                    path.lastMatchEnd = -1;
                }
                path.idx++;
                next.add(path);
            }
            if (next.size == 0) next.add(paths.items[0]);
            paths = next;
        }
        paths.sort();
        return paths.items[0].matches();
    }

    /**
     * The partial alignments of one step, sorted as METEOR sorts them: a stable sort by {@link #ORDER}.
     * Where the three keys and the insertion index fit in 63 bits (always, but for huge segments) they
     * are packed into one long per path and sorted as primitives: the same order, without a comparator.
     */
    private static final class Paths {
        final Path[] items;
        int size;

        Paths(int capacity) {
            items = new Path[capacity];
        }

        void add(Path p) {
            items[size++] = p;
        }

        void sort() {
            if (size < 2) return;
            int maxMatches = 0;
            int maxChunks = 0;
            int maxDistance = 0;
            for (int i = 0; i < size; i++) {
                Path p = items[i];
                maxMatches = Math.max(maxMatches, p.matches1 + p.matches2);
                maxChunks = Math.max(maxChunks, p.chunks);
                maxDistance = Math.max(maxDistance, p.distance);
            }
            int bIndex = bits(size - 1);
            int bDistance = bits(maxDistance);
            int bChunks = bits(maxChunks);
            if (bIndex + bDistance + bChunks + bits(maxMatches) > 63
                    || Math.min(maxMatches, Math.min(maxChunks, maxDistance)) < 0) {
                Arrays.sort(items, 0, size, ORDER);
                return;
            }
            long[] keys = new long[size];
            for (int i = 0; i < size; i++) {
                Path p = items[i];
                // more matches first, then fewer chunks, shorter distance, earlier insertion
                keys[i] = ((((((long) (maxMatches - (p.matches1 + p.matches2)) << bChunks) | p.chunks) << bDistance)
                                        | p.distance)
                                << bIndex)
                        | i;
            }
            Arrays.sort(keys);
            Path[] sorted = new Path[size];
            long mask = (1L << bIndex) - 1;
            for (int i = 0; i < size; i++) sorted[i] = items[(int) (keys[i] & mask)];
            System.arraycopy(sorted, 0, items, 0, size);
        }

        private static int bits(int max) {
            return 32 - Integer.numberOfLeadingZeros(max);
        }
    }

    /** Chunks of an alignment: maximal runs contiguous and in order on both sides. */
    static int countChunks(Match[] matches) {
        int chunks = 0;
        int lastMatchEnd = -1;
        for (Match m : matches) {
            if (m == null) {
                if (lastMatchEnd != -1) {
                    chunks++;
                    lastMatchEnd = -1;
                }
            } else {
                if (lastMatchEnd != -1 && m.matchStart() != lastMatchEnd) chunks++;
                lastMatchEnd = m.matchStart() + 1;
            }
        }
        if (lastMatchEnd != -1) chunks++;
        return chunks;
    }
}
