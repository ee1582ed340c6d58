package org.revtaf.learning.model.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revtaf.domain.data.SplitMix64;

class MlmMaskingTest {
    @Test
    void fifteenPercentOfOrdinaryTokensAreChosenThenEightyTenTen() {
        int vocab = 500, mask = 4;
        boolean[] special = new boolean[vocab];
        special[0] = special[1] = special[2] = special[mask] = true; // [PAD] [CLS] [SEP] [MASK]
        MlmMasking m = new MlmMasking(0.15, mask, vocab, special);
        SplitMix64 rng = new SplitMix64(1);
        long ordinary = 0, chosen = 0, toMask = 0, random = 0, kept = 0;
        for (int s = 0; s < 2000; s++) {
            int[] ids = new int[50];
            ids[0] = 1;
            ids[49] = 2;
            for (int i = 1; i < 49; i++) ids[i] = 10 + rng.nextInt(vocab - 10);
            MlmMasking.Example e = m.apply(ids, rng);
            for (int i = 0; i < ids.length; i++) {
                if (special[ids[i]]) {
                    assertEquals(MlmMasking.IGNORE, e.targets()[i], "special tokens are never chosen");
                    assertEquals(ids[i], e.ids()[i]);
                    continue;
                }
                ordinary++;
                if (e.targets()[i] == MlmMasking.IGNORE) {
                    assertEquals(ids[i], e.ids()[i], "unchosen tokens stay");
                    continue;
                }
                chosen++;
                assertEquals(ids[i], e.targets()[i], "the target is the original token");
                if (e.ids()[i] == mask) toMask++;
                else if (e.ids()[i] == ids[i]) kept++;
                else random++;
            }
        }
        double p = (double) chosen / ordinary;
        assertEquals(0.15, p, 0.005, "choice rate over " + ordinary + " tokens");
        assertEquals(0.8, (double) toMask / chosen, 0.015);
        // a random replacement equals the original with probability 1/vocab: it counts as kept
        assertEquals(0.1, (double) random / chosen, 0.01);
        assertEquals(0.1, (double) kept / chosen, 0.01);
    }

    @Test
    void theInputIsNotModifiedAndTheSameStreamGivesTheSameMask() {
        boolean[] special = new boolean[20];
        MlmMasking m = new MlmMasking(0.5, 3, 20, special);
        int[] ids = {5, 6, 7, 8, 9, 10, 11, 12};
        int[] copy = ids.clone();
        MlmMasking.Example a = m.apply(ids, new SplitMix64(7)), b = m.apply(ids, new SplitMix64(7));
        assertTrue(java.util.Arrays.equals(copy, ids));
        assertTrue(java.util.Arrays.equals(a.ids(), b.ids()) && java.util.Arrays.equals(a.targets(), b.targets()));
    }
}
