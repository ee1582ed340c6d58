package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** BLEU on cases worked by hand (pycocoevalcap's formulas; see {@link Bleu}). */
class BleuTest {
    static double[] bleu(String hyp, String... refs) {
        return Bleu.score(List.of(hyp), List.of(List.of(refs))).corpus();
    }

    @Test
    void identicalStringsScoreOneLessTheSmoothingQuirk() {
        // guess = correct = [4,3,2,1]: each p_k = (c + 1e-15) / (c + 1e-9) ~ 1 - 1e-9/c, so
        // BLEU_1 = p_1 * BP with p_1 ~ 1 - 2.5e-10 and ratio = 4/(4 + 1e-9) < 1, BP = exp(1 - 1/ratio)
        // ~ 1 - 2.5e-10: BLEU_1 ~ 1 - 5e-10, strictly below 1 as in Python.
        double[] b = bleu("a b c d", "a b c d");
        assertEquals(1 - 5e-10, b[0], 1e-15);
        for (double x : b) {
            assertTrue(x < 1.0);
            assertEquals(1.0, x, 1e-8);
        }
    }

    @Test
    void emptyHypothesisScoresZero() {
        // testlen 0: p_k = 1e-15 / 1e-9 = 1e-6, but ratio = 1e-15 / (2 + 1e-9), BP = exp(1 - 2e15) = 0
        for (double x : bleu("", "a b")) assertEquals(0.0, x);
    }

    @Test
    void hypothesisLongerThanReference() {
        // hyp (6 words): the cat sat on the mat; ref: the cat sat.
        // 1-grams: the (2, clipped to 1) + cat + sat = 3 of 6; 2-grams: "the cat", "cat sat" = 2 of 5;
        // 3-grams: "the cat sat" = 1 of 4; 4-grams: 0 of 3. No brevity penalty (6 > 3).
        // BLEU_1 = 0.5, BLEU_2 = sqrt(0.5 * 0.4), BLEU_3 = (0.5 * 0.4 * 0.25)^(1/3),
        // BLEU_4 = (0.05 * 1e-15/3)^(1/4) = 6.389431e-05.
        double[] b = bleu("the cat sat on the mat", "the cat sat");
        assertEquals(0.5, b[0], 1e-9);
        assertEquals(0.4472135954999579, b[1], 1e-9);
        assertEquals(0.3684031498640387, b[2], 1e-9);
        assertEquals(6.389431042462726e-05, b[3], 1e-12);
    }

    @Test
    void repeatedNgramsAreClipped() {
        // "the" x4 against one "the": 1 of 4 unigrams; no bigram of "the the" in the reference
        double[] b = bleu("the the the the", "the cat");
        assertEquals(0.25, b[0], 1e-9);
        assertTrue(b[1] < 1e-6);
    }

    @Test
    void closestReferenceLengthTiesGoToTheShorter() {
        // hyp has 3 words; references of 2 and 4 words are equally close: pycocoevalcap takes
        // min((|l - 3|, l)) = (1, 2), so reflen = 2 and there is no brevity penalty (the 4-word
        // reference would give exp(1 - 4/3) = 0.7165). Clipping uses the max count over both.
        double[] b = bleu("a b c", "a b", "a b c d");
        assertEquals(1.0, b[0], 1e-9);
        assertEquals(1.0, b[2], 1e-9);
    }

    @Test
    void corpusScoreSumsCountsInsteadOfAveraging() {
        // report 1: "a b" vs "a b" (2 of 2); report 2: "c d e f" vs "w x y z" (0 of 4):
        // corpus BLEU_1 = 2/6 (the mean of the per-report scores would be 0.5); lengths 6 = 6.
        Bleu.Result r = Bleu.score(List.of("a b", "c d e f"), List.of(List.of("a b"), List.of("w x y z")));
        assertEquals(1.0 / 3.0, r.corpus()[0], 1e-9);
        assertEquals(1.0, r.perReport()[0][0], 1e-8);
        assertEquals(0.0, r.perReport()[1][0], 1e-9);
    }
}
