package org.revtaf.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * METEOR 1.5's word aligner for the exact and stem modules. Candidate matches are every word pair
 * with equal keys (exact, module 0) or equal Snowball stems but different words (stem, module 1),
 * listed per reference position in hypothesis order. A match that is the only candidate of both its
 * words is fixed first; the rest is resolved left to right over the reference with a beam of 40
 * partial alignments ranked by (1) weighted words covered, kept as ints as METEOR does so that with
 * the alignment weights 1.0/0.5 a stem match adds 0, (2) fewer chunks, (3) smaller summed
 * |ref position - hyp position| (accumulated, as in METEOR, on the path being extended rather
 * than on the new one). Identical sentences use the exact module only.
 */
final class MeteorAligner {
    static final int BEAM = 40;
    /** Module weights METEOR uses for the alignment search (not for scoring). */
    private static final double[] ALIGN_WEIGHTS = {1.0, 0.5};

    private MeteorAligner() {}

    /** One word matched: reference position {@code start}, hypothesis position {@code matchStart}. */
    record Match(int start, int matchStart, int module) {}

    /** The chosen matches, indexed by reference position (null = unmatched), and the chunk count. */
    record Alignment(Match[] matches, int chunks) {}

    private static final class Path {
        Match[] matches;
        int matches1;
        int matches2;
        int chunks;
        int idx;
        int lastMatchEnd = -1;
        int distance;
        boolean[] used1;
        boolean[] used2;

        Path(int n1, int n2) {
            matches = new Match[n2];
            used1 = new boolean[n1];
            used2 = new boolean[n2];
        }

        Path(Path p) {
            matches = Arrays.copyOf(p.matches, p.matches.length);
            matches1 = p.matches1;
            matches2 = p.matches2;
            chunks = p.chunks;
            idx = p.idx;
            lastMatchEnd = p.lastMatchEnd;
            distance = p.distance;
            used1 = Arrays.copyOf(p.used1, p.used1.length);
            used2 = Arrays.copyOf(p.used2, p.used2.length);
        }

        void take(Match m) {
            // int += double, truncated, as METEOR's PartialAlignment does
            matches1 = (int) (matches1 + ALIGN_WEIGHTS[m.module()]);
            matches2 = (int) (matches2 + ALIGN_WEIGHTS[m.module()]);
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

    /** Aligns hypothesis words {@code w1} with reference words {@code w2}. */
    static Alignment align(List<String> w1, List<String> w2, boolean stem) {
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
        for (int j = 0; j < n2; j++) {
            for (int i = 0; i < n1; i++) {
                if (k1[i] == k2[j]) {
                    cand.get(j).add(new Match(j, i, 0));
                    cov1[i]++;
                    cov2[j]++;
                }
            }
        }
        boolean identical = n1 == n2 && Arrays.equals(k1, k2);
        if (stem && !identical) {
            int[] s1 = new int[n1];
            int[] s2 = new int[n2];
            for (int i = 0; i < n1; i++) s1[i] = EnglishStemmer.stem(w1.get(i)).hashCode();
            for (int j = 0; j < n2; j++) s2[j] = EnglishStemmer.stem(w2.get(j)).hashCode();
            for (int j = 0; j < n2; j++) {
                for (int i = 0; i < n1; i++) {
                    if (s1[i] == s2[j] && k1[i] != k2[j]) {
                        cand.get(j).add(new Match(j, i, 1));
                        cov1[i]++;
                        cov2[j]++;
                    }
                }
            }
        }
        Path start = new Path(n1, n2);
        for (int j = 0; j < n2; j++) {
            if (cand.get(j).size() == 1) {
                Match m = cand.get(j).get(0);
                if (cov2[j] == 1 && cov1[m.matchStart()] == 1) {
                    start.matches[j] = m;
                    start.used2[j] = true;
                    start.used1[m.matchStart()] = true;
                }
            }
        }
        Path best = resolve(cand, start);
        return new Alignment(best.matches, countChunks(best.matches));
    }

    private static Path resolve(List<List<Match>> cand, Path start) {
        List<Path> next = new ArrayList<>();
        next.add(start);
        List<Path> paths = next;
        for (int current = 0; current <= cand.size(); current++) {
            paths = next;
            next = new ArrayList<>();
            paths.sort(ORDER);
            for (int rank = 0; rank < BEAM && rank < paths.size(); rank++) {
                Path path = paths.get(rank);
                if (current == cand.size()) {
                    if (path.lastMatchEnd != -1) path.chunks++;
                    next.add(path);
                    continue;
                }
                if (path.used2[current]) {
                    if (current < path.idx) {
                        next.add(path);
                    } else if (path.matches[path.idx] != null) {
                        Match m = path.matches[path.idx];
                        path.take(m);
                        path.distance += Math.abs(m.start() - m.matchStart());
                        next.add(path);
                    }
                    continue;
                }
                for (Match m : cand.get(current)) {
                    if (path.used2[m.start()] || path.used1[m.matchStart()]) continue;
                    Path np = new Path(path);
                    np.used2[m.start()] = true;
                    np.used1[m.matchStart()] = true;
                    np.matches[current] = m;
                    np.take(m);
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
            if (next.isEmpty()) next.add(paths.get(0));
        }
        next.sort(ORDER);
        return next.get(0);
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
