package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitMix64Test {
    @Test
    void isTheSameGeneratorAsTheSeedingOfNnRng() {
        // one SplitMix64 in the project: this stream is nn.Rng's seeding function stepped by the gamma
        for (long seed : new long[] {0, 1, -7, 0x123456789ABCDEFL}) {
            SplitMix64 r = new SplitMix64(seed);
            for (int k = 0; k < 5; k++)
                assertEquals(
                        org.revtaf.learning.nn.Rng.splitMix(seed + k * org.revtaf.learning.nn.Rng.SPLITMIX_GAMMA),
                        r.nextLong());
        }
    }

    @Test
    void uniformAndGaussianMoments() {
        SplitMix64 r = new SplitMix64(42);
        int n = 200_000;
        double s = 0, s2 = 0, g = 0, g2 = 0, f = 0, f2 = 0;
        int[] hist = new int[7];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            assertTrue(u >= 0 && u < 1);
            s += u;
            s2 += u * u;
            double z = r.gaussian();
            g += z;
            g2 += z * z;
            double q = r.fastNoise();
            f += q;
            f2 += q * q;
            hist[r.nextInt(7)]++;
        }
        assertEquals(0.5, s / n, 0.005);
        assertEquals(1 / 12.0, s2 / n - 0.25, 0.002);
        assertEquals(0, g / n, 0.01);
        assertEquals(1, g2 / n, 0.02);
        assertEquals(0, f / n, 0.01);
        assertEquals(1, f2 / n, 0.02);
        for (int h : hist) assertEquals(n / 7.0, h, n / 7.0 * 0.05);
    }

    @Test
    void derivedSeedsDiffer() {
        assertTrue(SplitMix64.derive(1, 0) != SplitMix64.derive(1, 1));
        assertTrue(SplitMix64.derive(1, 0) != SplitMix64.derive(2, 0));
        assertEquals(SplitMix64.derive(5, 9), SplitMix64.derive(5, 9));
    }
}
