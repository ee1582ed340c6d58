package org.revtaf.learning.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;

class LrScheduleTest {
    private final LrSchedule paper = LrSchedule.paper(6);

    @Test
    void warmupIsLinearFromStartToPeakDuringEpochOne() {
        assertEquals(5e-7, paper.lr(1, 0), 1e-20);
        // 5e-7 + (5e-5 - 5e-7) * 1000 / 2000 = 2.525e-5
        assertEquals(2.525e-5, paper.lr(1, 1000), 1e-18);
        assertEquals(5e-7 + 4.95e-5 / 2000, paper.lr(1, 1), 1e-18);
        assertEquals(5e-5, paper.lr(1, 2000), 1e-18);
        assertEquals(5e-5, paper.lr(1, 15000), 1e-18, "held at the peak after warm-up");
        for (int s = 1; s <= 2000; s++) assertTrue(paper.lr(1, s) > paper.lr(1, s - 1));
    }

    @Test
    void laterEpochsAreConstantCosineValuesFromTheStudy() {
        // study section 1.9: 3.875e-5, 2.75e-5, 1.625e-5, 8.01e-6, 5e-6 for epochs 2..6
        assertEquals(3.875e-5, paper.lr(2, 0), 1e-15);
        assertEquals(2.75e-5, paper.lr(3, 0), 1e-15);
        assertEquals(1.625e-5, paper.lr(4, 0), 1e-15);
        assertEquals(8.01e-6, paper.lr(5, 0), 1e-8);
        assertEquals(5e-6, paper.lr(6, 0), 1e-18);
        assertEquals(paper.lr(3, 0), paper.lr(3, 12345), 0.0, "constant within an epoch");
    }

    @Test
    void stateWalksThroughTheSchedule() {
        LrSchedule.State s = new LrSchedule.State(1, 0);
        for (int i = 0; i < 10; i++) s = s.next();
        assertEquals(paper.lr(1, 10), paper.lr(s), 0.0);
        s = s.nextEpoch();
        assertEquals(new LrSchedule.State(2, 0), s);
        assertEquals(3.875e-5, paper.lr(s), 1e-15);
    }

    @Test
    void zeroWarmupStepsFollowTheReferenceFormula() {
        // max(warmup_steps, 1) = 1: step 0 is the start rate, step 1 on the peak
        LrSchedule noWarm = new LrSchedule(1e-3, 1e-5, 0, 0, 3);
        assertEquals(0.0, noWarm.lr(1, 0), 0.0);
        assertEquals(1e-3, noWarm.lr(1, 1), 0.0);
        assertEquals(1e-3, new LrSchedule(1e-3, 1e-5, 1e-3, 0, 3).lr(1, 0), 0.0);
        assertEquals(1e-5, noWarm.lr(3, 0), 1e-18);
    }

    @Test
    void badArgumentsAreNamed() {
        RevtafException e = assertThrows(RevtafException.class, () -> new LrSchedule(5e-5, 6e-5, 5e-7, 10, 6));
        assertTrue(e.getMessage().contains("min lr"), e.getMessage());
        assertThrows(RevtafException.class, () -> new LrSchedule(-1, 0, 0, 10, 6));
        assertThrows(RevtafException.class, () -> new LrSchedule(1, 0, 0, -1, 6));
        assertThrows(RevtafException.class, () -> new LrSchedule(1, 0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> paper.lr(7, 0));
        assertThrows(IllegalArgumentException.class, () -> paper.lr(0, 0));
    }
}
