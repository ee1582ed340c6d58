package org.revtaf.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;

class RngTest {
    @Test
    void splitMixMatchesThePublishedSequence() {
        // splitmix64.c (Vigna) started at 0: its first three outputs (SplitMix64Test: domain.data.SplitMix64
        // is this function stepped by the gamma)
        assertEquals(0xe220a8397b1dcdafL, Rng.splitMix(0));
        assertEquals(0x6e789e6aa1b965f4L, Rng.splitMix(Rng.SPLITMIX_GAMMA));
        assertEquals(0x06c45d188009454fL, Rng.splitMix(2 * Rng.SPLITMIX_GAMMA));
    }

    @Test
    void xoshiroOutputsMatchAnIndependentImplementation() {
        // values from a separate Python implementation of xoshiro256** seeded by SplitMix64
        Rng r = new Rng(0);
        assertEquals(0x99ec5f36cb75f2b4L, r.nextLong());
        assertEquals(0xbf6e1f784956452aL, r.nextLong());
        assertEquals(0x1a5f849d4933e6e0L, r.nextLong());
        Rng r42 = new Rng(42);
        assertEquals(0x15780b2e0c2ec716L, r42.nextLong());
    }

    @Test
    void sameSeedSameStreamDifferentSeedDifferentStream() {
        Rng a = new Rng(7), b = new Rng(7), c = new Rng(8);
        for (int i = 0; i < 100; i++) assertEquals(a.nextGaussian(), b.nextGaussian());
        assertNotEquals(new Rng(7).nextLong(), c.nextLong());
    }

    @Test
    void stateRestoresMidPairOfNormals() {
        Rng a = new Rng(123);
        a.nextGaussian(); // leaves the second value of the pair cached
        long[] saved = a.state();
        double[] expect = new double[5];
        for (int i = 0; i < 5; i++) expect[i] = a.nextGaussian();
        Rng b = Rng.fromState(saved);
        double[] got = new double[5];
        for (int i = 0; i < 5; i++) got[i] = b.nextGaussian();
        assertArrayEquals(expect, got, 0.0);
        assertArrayEquals(a.state(), b.state());
    }

    @Test
    void normalsAndUniformsHaveTheRightMoments() {
        Rng r = new Rng(1);
        int n = 200_000;
        double s = 0, s2 = 0, u = 0;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            s += g;
            s2 += g * g;
            double x = r.nextDouble();
            assertTrue(x >= 0 && x < 1);
            u += x;
        }
        assertEquals(0, s / n, 0.01);
        assertEquals(1, s2 / n, 0.01);
        assertEquals(0.5, u / n, 0.005);
    }

    @Test
    void forkIsDeterministicAndDoesNotAdvanceTheParent() {
        Rng p = new Rng(5);
        long[] before = p.state();
        long x = p.fork(1).nextLong();
        assertArrayEquals(before, p.state());
        assertEquals(x, new Rng(5).fork(1).nextLong());
        assertNotEquals(x, p.fork(2).nextLong());
    }

    @Test
    void badStateIsRejected() {
        assertThrows(RevtafException.class, () -> Rng.fromState(new long[3]));
        assertThrows(RevtafException.class, () -> Rng.fromState(new long[6]));
        assertThrows(RevtafException.class, () -> Rng.fromState(new long[] {1, 2, 3, 4, 7, 0}));
    }
}
