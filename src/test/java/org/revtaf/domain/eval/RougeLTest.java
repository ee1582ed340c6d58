package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ROUGE-L on cases worked by hand: F = (1 + 1.44) P R / (R + 1.44 P). */
class RougeLTest {
    static double rouge(String hyp, String... refs) {
        return RougeL.score(List.of(hyp), List.of(List.of(refs))).corpus();
    }

    @Test
    void identicalStringsScoreOne() {
        assertEquals(1.0, rouge("a b c", "a b c"), 1e-15);
    }

    @Test
    void emptyHypothesisScoresZero() {
        // "" splits to one empty token, which matches nothing in "a b"
        assertEquals(0.0, rouge("", "a b"));
    }

    @Test
    void trailingSpaceAddsAnEmptyToken() {
        // "a b " -> ["a", "b", ""]: LCS 2, P = 2/3, R = 1: 2.44 * 2/3 / (1 + 1.44 * 2/3) = 0.829932
        assertEquals(0.8299319727891156, rouge("a b ", "a b"), 1e-12);
        // a double space in both is an empty token that matches: LCS 3 of 3
        assertEquals(1.0, rouge("a  b", "a  b"), 1e-15);
    }

    @Test
    void hypothesisLongerThanReference() {
        // LCS("the cat sat on the mat", "the cat sat") = 3: P = 0.5, R = 1 -> 1.22 / 1.72
        assertEquals(0.7093023255813954, rouge("the cat sat on the mat", "the cat sat"), 1e-12);
    }

    @Test
    void repeatedTokens() {
        // LCS("a a a", "a b a") = 2: P = R = 2/3, F = 2/3
        assertEquals(2.0 / 3.0, rouge("a a a", "a b a"), 1e-12);
    }

    @Test
    void maxPrecisionAndMaxRecallAreTakenSeparatelyOverReferences() {
        // ref 1 "a b": P = 2/4, R = 1; ref 2 (8 words, contains "a b c d"): P = 1, R = 0.5.
        // max P = 1 and max R = 1 come from different references: F = 1.
        assertEquals(1.0, rouge("a b c d", "a b", "a b c d e f g h"), 1e-15);
    }

    @Test
    void corpusIsTheMeanOverReports() {
        RougeL.Result r = RougeL.score(List.of("a b c", ""), List.of(List.of("a b c"), List.of("x")));
        assertEquals(0.5, r.corpus(), 1e-15);
    }
}
