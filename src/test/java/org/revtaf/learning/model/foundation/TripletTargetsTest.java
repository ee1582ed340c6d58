package org.revtaf.learning.model.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.data.SplitMix64;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.domain.text.TripletExtractor.Exist;
import org.revtaf.domain.text.TripletExtractor.Triplet;

class TripletTargetsTest {
    static int e(String n) {
        return TripletExtractor.ENTITIES.indexOf(n);
    }

    static int p(String n) {
        return TripletExtractor.POSITIONS.indexOf(n);
    }

    @Test
    void triplesBecomeExistenceAndPositionTargets() {
        List<Triplet> t = List.of(
                new Triplet(e("effusion"), p("left_pleural"), Exist.PRESENT),
                new Triplet(e("effusion"), p("right_pleural"), Exist.PRESENT),
                new Triplet(e("effusion"), p("pleural_unspec"), Exist.ABSENT),
                new Triplet(e("pneumothorax"), p("unspecified"), Exist.ABSENT),
                new Triplet(e("pneumonia"), p("lung_bases"), Exist.UNCERTAIN));
        TripletTargets a = TripletTargets.of(t, true), m = TripletTargets.of(t, false);
        for (TripletTargets x : List.of(a, m)) {
            assertEquals(1, x.exist()[e("effusion")]);
            assertEquals((1L << p("left_pleural")) | (1L << p("right_pleural")), x.positions()[e("effusion")]);
            assertEquals(0, x.exist()[e("pneumothorax")]);
            assertEquals(-1, x.exist()[e("pneumonia")], "uncertain only: no target");
            assertTrue(x.hasPosition(e("effusion")));
            assertFalse(x.hasPosition(e("pneumothorax")));
        }
        assertEquals(0, a.exist()[e("edema")], "unmentioned is absent");
        assertEquals(-1, m.exist()[e("edema")], "MedKLIP: unmentioned has no target");
    }

    @Test
    void candidatesAreOneTruePositionThenDistinctNegatives() {
        TripletTargets t = TripletTargets.of(
                List.of(
                        new Triplet(e("effusion"), p("left_pleural"), Exist.PRESENT),
                        new Triplet(e("effusion"), p("right_pleural"), Exist.PRESENT)),
                true);
        Set<Long> firsts = new HashSet<>();
        for (int s = 0; s < 50; s++) {
            long[] c = t.candidates(7, new SplitMix64(s));
            assertEquals(75 * 8, c.length);
            int o = e("effusion") * 8;
            assertTrue(c[o] == p("left_pleural") || c[o] == p("right_pleural"));
            firsts.add(c[o]);
            Set<Long> row = new HashSet<>();
            for (int k = 0; k < 8; k++) row.add(c[o + k]);
            assertEquals(8, row.size(), "distinct");
            for (int k = 1; k < 8; k++) {
                assertNotEquals(p("left_pleural"), c[o + k]);
                assertNotEquals(p("right_pleural"), c[o + k]);
            }
            int q = e("edema") * 8;
            Set<Long> other = new HashSet<>();
            for (int k = 0; k < 8; k++) {
                assertTrue(c[q + k] >= 0 && c[q + k] < 51);
                other.add(c[q + k]);
            }
            assertEquals(8, other.size());
        }
        assertEquals(2, firsts.size(), "either true position is drawn");
    }
}
