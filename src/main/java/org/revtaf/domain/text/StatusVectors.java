package org.revtaf.domain.text;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The 18 x 4 status vectors of reports as 72-bit one-hot codes (bit {@code 4*class + status}), their
 * Hamming distance, and the training-time nearest neighbour of each report over a set (self excluded,
 * ties to the lowest index).
 *
 * <p>Distances between one-hot codes are twice the number of classes whose status differs, so the
 * search runs over the distinct codes only: every report with a duplicate has a neighbour at
 * distance 0 (the lowest other index of its group); the others scan the distinct codes, keeping the
 * smallest distance and, among equals, the lowest index of a group.
 */
public final class StatusVectors {
    private StatusVectors() {}

    /** One-hot code of 18 status codes: {lo, hi} with bits 0..63 in lo and 64..71 in hi. */
    public static long[] oneHot(int[] statuses) {
        long lo = 0, hi = 0;
        for (int c = 0; c < statuses.length; c++) {
            int s = statuses[c];
            if (s < 0 || s > 3)
                throw new IllegalArgumentException("status code must be 0..3, got " + s + " at class " + c);
            int bit = 4 * c + s;
            if (bit < 64) lo |= 1L << bit;
            else hi |= 1L << (bit - 64);
        }
        return new long[] {lo, hi};
    }

    /** Hamming distance of the 72-bit one-hot codes of two status vectors. */
    public static int hamming(int[] a, int[] b) {
        long[] x = oneHot(a), y = oneHot(b);
        return Long.bitCount(x[0] ^ y[0]) + Long.bitCount(x[1] ^ y[1]);
    }

    /** Reference: the plain O(n^2) scan (self excluded, ties to the lowest index); -1 for a single vector. */
    public static int[] nearestNeighboursReference(int[][] statuses) {
        int n = statuses.length;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = -1, bestD = Integer.MAX_VALUE;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                int d = hamming(statuses[i], statuses[j]);
                if (d < bestD) {
                    bestD = d;
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Nearest neighbour of every vector (self excluded, ties to the lowest index); -1 when n == 1. */
    public static int[] nearestNeighbours(int[][] statuses) {
        int n = statuses.length;
        // distinct codes: lowest and second-lowest index of each
        long[] codeLo = new long[n], codeHi = new long[n];
        int[] group = new int[n];
        int groups = 0;
        Map<String, Integer> byCode = new HashMap<>();
        int[] first = new int[n], second = new int[n];
        for (int i = 0; i < n; i++) {
            long[] c = oneHot(statuses[i]);
            String key = c[0] + ":" + c[1];
            Integer g = byCode.get(key);
            if (g == null) {
                g = groups++;
                byCode.put(key, g);
                codeLo[g] = c[0];
                codeHi[g] = c[1];
                first[g] = i;
                second[g] = -1;
            } else if (second[g] < 0) {
                second[g] = i;
            }
            group[i] = g;
        }
        final int gCount = groups;
        // nearest other group of each group: (distance, lowest index)
        int[] nearGroupIndex = new int[gCount];
        IntStream.range(0, gCount).parallel().forEach(g -> {
            int bestD = Integer.MAX_VALUE, best = -1;
            for (int h = 0; h < gCount; h++) {
                if (h == g) continue;
                int d = Long.bitCount(codeLo[g] ^ codeLo[h]) + Long.bitCount(codeHi[g] ^ codeHi[h]);
                if (d < bestD || (d == bestD && first[h] < best)) {
                    bestD = d;
                    best = first[h];
                }
            }
            nearGroupIndex[g] = best;
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int g = group[i];
            if (second[g] >= 0) out[i] = first[g] == i ? second[g] : first[g]; // a duplicate at distance 0
            else out[i] = nearGroupIndex[g];
        }
        return out;
    }
}
