package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CIDEr-D on cases worked by hand; L = log(number of reports), idf = L - log(max(1, df)). */
class CiderTest {
    @Test
    void identicalAndDisjointReports() {
        // 2 reports, L = log 2. df: a, b, "a b" (report 1), d (report 2) = 1 each -> every weight L.
        // Report 1 "a b" vs "a b": order 1 cosine 1, order 2 cosine 1, orders 3-4 have no n-grams (0);
        // equal bigram counts so no length penalty: mean(1, 1, 0, 0) x 10 = 5.
        // Report 2 "c" vs "d": no common n-gram: 0. Corpus: 2.5.
        Cider.Result r = Cider.score(List.of("a b", "c"), List.of(List.of("a b"), List.of("d")));
        assertEquals(5.0, r.perReport()[0], 1e-12);
        assertEquals(0.0, r.perReport()[1], 1e-15);
        assertEquals(2.5, r.corpus(), 1e-12);
    }

    @Test
    void longerHypothesisGetsTheClippedCosineAndTheLengthPenalty() {
        // Report 1 "a b c" vs "a b" (all weights L, c has df 0 -> log max(1,0) = 0):
        // order 1: (L^2 + L^2) / (sqrt3 L * sqrt2 L) = 2/sqrt6; order 2: L^2 / (sqrt2 L * L) = 1/sqrt2;
        // order 3: the reference has no trigram (norm 0, no division): 0; order 4: 0.
        // bigram counts 2 vs 1: delta 1, penalty exp(-1/72). Score: (2/sqrt6 + 1/sqrt2) e^(-1/72) / 4 x 10.
        Cider.Result r = Cider.score(List.of("a b c", "x"), List.of(List.of("a b"), List.of("y")));
        assertEquals(3.7564711970301374, r.perReport()[0], 1e-12);
        assertEquals(1.8782355985150687, r.corpus(), 1e-12);
    }

    @Test
    void repeatedNgramsAreClippedByTheReferenceWeight() {
        // "a a" vs "a b" with a second report "z" vs "y". Order 1: hyp a = 2L, ref a = L, b = L;
        // sum min(2L, L) * L = L^2 over |h| = 2L, |r| = sqrt2 L: 1/(2 sqrt2)... times the order-1 part;
        // order 2 ("a a" vs "a b"): 0. Bigram counts 1 = 1: no penalty. (1/(2 sqrt2)) / 4 x 10.
        Cider.Result r = Cider.score(List.of("a a", "z"), List.of(List.of("a b"), List.of("y")));
        assertEquals(10.0 / (8 * Math.sqrt(2)), r.perReport()[0], 1e-12);
    }

    @Test
    void aSingleReportScoresZero() {
        // L = log 1 = 0 and every reference n-gram has df 1: all weights vanish
        assertEquals(0.0, Cider.score(List.of("a b"), List.of(List.of("a b"))).corpus());
    }

    @Test
    void emptyHypothesisScoresZero() {
        Cider.Result r = Cider.score(List.of("", "a"), List.of(List.of("a b"), List.of("a")));
        assertEquals(0.0, r.perReport()[0]);
    }
}
