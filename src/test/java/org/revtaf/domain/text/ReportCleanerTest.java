package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Expected strings derived by hand from R2Gen's / PromptMRG's Python cleaners. */
class ReportCleanerTest {
    @Test
    void workedExamplesOfTheStudy() {
        assertEquals(
                "lungs clear .  . heart size 34 normal .",
                ReportCleaner.cleanMimic("Lungs clear. . Heart size 3/4 normal."));
        assertEquals(
                "et tube 45 cm above the carina . compared to  no change .",
                ReportCleaner.cleanMimic("ET tube 4.5 cm above the carina. Compared to ___, no change."));
    }

    @Test
    void characterClassRangeKeepsHyphenAndDigitsDropsAngleEqualsAt() {
        // ':-\[' is the range ':'..'[' : < = > ? @ A-Z [ go, '-' and digits stay
        assertEquals("size 5 mm  stable  t-4 a-b .", ReportCleaner.cleanMimic("Size <5 mm = stable @ T-4; A-B."));
        assertEquals("x-ray 12 .", ReportCleaner.cleanMimic("X-ray {12}!"));
    }

    @Test
    void numberingQuirks() {
        assertEquals(
                "small effusion . no pneumothorax .",
                ReportCleaner.cleanMimic("1. Small effusion. 2. No pneumothorax."));
        assertEquals("compression of t1no fracture .", ReportCleaner.cleanMimic("Compression of T11. No fracture."));
        assertEquals("a . b .", ReportCleaner.cleanMimic("A 3. B."));
    }

    @Test
    void emptySentencesAreKept() {
        assertEquals("no effusion .  .", ReportCleaner.cleanMimic("No effusion. . "));
        assertEquals(" .", ReportCleaner.cleanMimic(""));
    }

    @Test
    void mimicVersusIu() {
        assertEquals("findings heart  normal .", ReportCleaner.cleanMimic("FINDINGS:\nHeart ____ normal."));
        assertEquals(
                "heart size normal . lungs clear .", ReportCleaner.cleanMimic("Heart  size normal.\nLungs clear."));
        // IU: newline, double spaces and underscores are not touched before the sentence cleaner
        assertEquals("heart  size normal\nlungs clear .", ReportCleaner.cleanIu("Heart  size normal.\nLungs clear."));
        assertEquals(
                "the heart is normal . lungs clear .", ReportCleaner.cleanIu("The heart is normal.  Lungs clear."));
    }

    @Test
    void preCaptionCapsAtSingleSpaceSplitWords() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 105; i++) b.append("w").append(i).append(' ');
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < 100; i++) want.append(i == 0 ? "" : " ").append("w").append(i);
        assertEquals(want.toString(), ReportCleaner.preCaption(b.toString()));
        // empty strings between double spaces count as words
        assertEquals("x . ", ReportCleaner.preCaption("X. . Y", 3));
        assertEquals("x .  . y .", ReportCleaner.preCaption("X. . Y", 100));
    }

    @Test
    void pythonStripAndSplitSemantics() {
        assertEquals("a", ReportCleaner.pyStrip("\u00a0\u2003a\u001f\n"));
        assertEquals(java.util.List.of("a", "", "b", ""), ReportCleaner.pySplit("a. . b. ", ". "));
    }
}
