package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.text.TripletExtractor.Exist;
import org.revtaf.domain.text.TripletExtractor.Triplet;

class TripletExtractorTest {
    private static final TripletExtractor X = TripletExtractor.standard();

    private static int e(String name) {
        int i = TripletExtractor.ENTITIES.indexOf(name);
        assertTrue(i >= 0, name);
        return i;
    }

    private static int p(String name) {
        int i = TripletExtractor.POSITIONS.indexOf(name);
        assertTrue(i >= 0, name);
        return i;
    }

    @Test
    void listsHaveMedklipSizesAndOrder() {
        assertEquals(75, TripletExtractor.ENTITIES.size());
        assertEquals(51, TripletExtractor.POSITIONS.size());
        assertEquals("normal", TripletExtractor.ENTITIES.get(0));
        assertEquals("effusion", TripletExtractor.ENTITIES.get(8));
        assertEquals("pneumonia", TripletExtractor.ENTITIES.get(20));
        assertEquals("excluded_obs", TripletExtractor.ENTITIES.get(74));
        assertEquals("trachea", TripletExtractor.POSITIONS.get(0));
        assertEquals("other", TripletExtractor.POSITIONS.get(50));
        assertEquals(49, TripletExtractor.UNSPECIFIED);
    }

    @Test
    void positionsExistAndNegatedLists() {
        List<Triplet> t =
                X.extract("Small left pleural effusion. No pneumothorax or consolidation in the right lower lobe.");
        assertEquals(
                List.of(
                        new Triplet(e("effusion"), p("left_pleural"), Exist.PRESENT),
                        new Triplet(e("pneumothorax"), p("lower_right_lobe"), Exist.ABSENT),
                        new Triplet(e("consolidation"), p("lower_right_lobe"), Exist.ABSENT)),
                t);
        assertEquals("effusion left pleural present", t.get(0).text());
    }

    @Test
    void uncertaintyNearestPositionAndUnspecified() {
        List<Triplet> t = X.extract("Left basilar opacity, likely atelectasis. Pneumonia cannot be excluded.");
        assertEquals(new Triplet(e("opacity"), p("left_lower_lung"), Exist.PRESENT), t.get(0));
        assertEquals(new Triplet(e("atelectasis"), p("left_lower_lung"), Exist.UNCERTAIN), t.get(1));
        assertEquals(new Triplet(e("pneumonia"), TripletExtractor.UNSPECIFIED, Exist.UNCERTAIN), t.get(2));
    }

    @Test
    void normalStatementsAreEntitiesThemselves() {
        List<Triplet> t = X.extract("The lungs are clear. Heart size is normal.");
        assertEquals(
                List.of(
                        new Triplet(e("clear"), p("pulmonary"), Exist.PRESENT),
                        new Triplet(e("normal"), p("heart_size"), Exist.PRESENT)),
                t);
    }

    @Test
    void entityLabelsAndMatrixFollowMedklip() {
        List<Triplet> t = X.extract(
                "No left pleural effusion. Small right pleural effusion. Possible pneumonia. No pneumothorax.");
        int[] lab = TripletExtractor.entityLabels(t);
        assertEquals(1, lab[e("effusion")]);
        assertEquals(-1, lab[e("pneumonia")]);
        assertEquals(0, lab[e("pneumothorax")]);
        assertEquals(-1, lab[e("edema")]);
        int[][] m = TripletExtractor.matrix(t);
        assertEquals(0, m[p("left_pleural")][e("effusion")]);
        assertEquals(1, m[p("right_pleural")][e("effusion")]);
        assertEquals(0, m[TripletExtractor.UNSPECIFIED][e("pneumothorax")]);
    }
}
