package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ROUGE-L on cases worked by hand: F = (1 + 1.44) P R / (R + 1.44 P). */
class RougeLTest {
    /** Single-report cases. */
    static Stream<HandWorked> handWorked() {
        return Stream.of(
                HandWorked.of("identical strings score one", "a b c", "a b c", 1.0, 1e-15),
                // "" splits to one empty token, which matches nothing in "a b"
                HandWorked.of("empty hypothesis scores zero", "", "a b", 0.0, 0),
                // "a b " -> ["a", "b", ""]: LCS 2, P = 2/3, R = 1: 2.44 * 2/3 / (1 + 1.44 * 2/3) = 0.829932
                HandWorked.of("trailing space adds an empty token", "a b ", "a b", 0.8299319727891156, 1e-12),
                // a double space in both is an empty token that matches: LCS 3 of 3
                HandWorked.of("a double space in both is a matching empty token", "a  b", "a  b", 1.0, 1e-15),
                // LCS("the cat sat on the mat", "the cat sat") = 3: P = 0.5, R = 1 -> 1.22 / 1.72
                HandWorked.of(
                        "hypothesis longer than reference",
                        "the cat sat on the mat",
                        "the cat sat",
                        0.7093023255813954,
                        1e-12),
                // LCS("a a a", "a b a") = 2: P = R = 2/3, F = 2/3
                HandWorked.of("repeated tokens", "a a a", "a b a", 2.0 / 3.0, 1e-12),
                // ref 1 "a b": P = 2/4, R = 1; ref 2 (8 words, contains "a b c d"): P = 1, R = 0.5.
                // max P = 1 and max R = 1 come from different references: F = 1.
                new HandWorked(
                        "max precision and max recall are taken separately over references",
                        "a b c d",
                        List.of("a b", "a b c d e f g h"),
                        1.0,
                        1e-15));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWorked")
    void handWorkedCase(HandWorked c) {
        c.check((hyp, refs) -> RougeL.score(List.of(hyp), List.of(refs)).corpus());
    }

    @Test
    void corpusIsTheMeanOverReports() {
        RougeL.Result r = RougeL.score(List.of("a b c", ""), List.of(List.of("a b c"), List.of("x")));
        assertEquals(0.5, r.corpus(), 1e-15);
    }
}
