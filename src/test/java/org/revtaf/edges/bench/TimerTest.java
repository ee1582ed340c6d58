package org.revtaf.edges.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimerTest {
    @Test
    void zeroWarmupRunsOnlyTheTimedCalls() {
        AtomicInteger calls = new AtomicInteger();
        Timer.Samples s = Timer.time(calls::incrementAndGet, 0, 1e-12);
        // no warm-up call: every call is a sample (the minimum of 3)
        assertEquals(3, s.sorted().length);
        assertEquals(3, calls.get());
        assertTrue(s.min() >= 0 && s.min() <= s.median() && s.median() <= s.max());
    }

    @Test
    void aPositiveWarmupRunsAtLeastTwoUntimedCalls() {
        AtomicInteger calls = new AtomicInteger();
        Timer.Samples s = Timer.time(calls::incrementAndGet, 1e-12, 1e-12);
        assertEquals(3, s.sorted().length);
        assertEquals(5, calls.get());
    }

    @Test
    void aNegativeWarmupIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Timer.time(() -> {}, -1, 1));
    }
}
