package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StatusVectorsTest {
    private static int[] v(int... changes) {
        int[] s = new int[18];
        for (int i = 0; i < changes.length; i += 2) s[changes[i]] = changes[i + 1];
        return s;
    }

    @Test
    void hammingIsTwicePerDifferingClass() {
        assertEquals(0, StatusVectors.hamming(v(), v()));
        assertEquals(2, StatusVectors.hamming(v(0, 1), v()));
        assertEquals(2, StatusVectors.hamming(v(17, 3), v(17, 2))); // class 17 lives in the high word
        assertEquals(4, StatusVectors.hamming(v(0, 1, 16, 2), v(0, 3)));
        long[] code = StatusVectors.oneHot(v(17, 3));
        assertEquals((1L << 7) | 1L, code[1]); // bits 64 (class 16 blank) and 4*17+3 = 71
        assertEquals(16, Long.bitCount(code[0])); // classes 0..15 fill bits 0..63
    }

    @Test
    void nearestNeighbourExcludesSelfTiesToLowestIndex() {
        int[][] s = {v(), v(0, 1), v(1, 1), v(0, 1), v(0, 1, 1, 1, 2, 1)};
        // 0: d(1)=2,d(2)=2,d(3)=2 -> 1; 1: duplicate 3; 2: d(0)=2 -> 0; 3: duplicate 1; 4: d(1)=4,d(2)=4,d(3)=4,d(0)=6
        // -> 1
        assertArrayEquals(new int[] {1, 3, 0, 1, 1}, StatusVectors.nearestNeighbours(s));
        assertArrayEquals(new int[] {1, 3, 0, 1, 1}, StatusVectors.nearestNeighboursReference(s));
        assertArrayEquals(new int[] {-1}, StatusVectors.nearestNeighbours(new int[][] {v()}));
    }

    @Test
    void fastSearchMatchesReferenceOnRandomSets() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + r.nextInt(60);
            int[][] s = new int[n][18];
            for (int[] row : s) for (int c = 0; c < 18; c++) row[c] = r.nextInt(10) < 7 ? 0 : r.nextInt(4);
            assertArrayEquals(StatusVectors.nearestNeighboursReference(s), StatusVectors.nearestNeighbours(s));
        }
    }
}
