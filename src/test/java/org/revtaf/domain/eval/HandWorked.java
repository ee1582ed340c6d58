package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * A metric case worked by hand: one hypothesis, its references, the expected corpus score and how close
 * the computed one must be ({@code tol} 0: the same double, so -0.0 does not pass for 0.0). The rows of
 * the parameterised tests of {@link MeteorTest} and {@link RougeLTest}.
 */
record HandWorked(String what, String hyp, List<String> refs, double want, double tol) {
    static HandWorked of(String what, String hyp, String ref, double want, double tol) {
        return new HandWorked(what, hyp, List.of(ref), want, tol);
    }

    /** Asserts {@code score(hyp, refs)} against the hand-worked value. */
    void check(ToDoubleBiFunction<String, List<String>> score) {
        double got = score.applyAsDouble(hyp, refs);
        if (tol == 0) {
            assertEquals(want, got, what);
        } else {
            assertEquals(want, got, tol, what);
        }
    }

    @Override
    public String toString() {
        return what;
    }
}
