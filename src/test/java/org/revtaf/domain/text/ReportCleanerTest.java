package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected strings derived by hand from R2Gen's / PromptMRG's Python cleaners. */
class ReportCleanerTest {
    /** (what the case shows, report, {@code cleanMimic} of it). */
    static Stream<Arguments> mimicCases() {
        return Stream.of(
                // worked examples of the study
                arguments(
                        "worked example: 3/4, empty sentence",
                        "Lungs clear. . Heart size 3/4 normal.",
                        "lungs clear .  . heart size 34 normal ."),
                arguments(
                        "worked example: 4.5, ___",
                        "ET tube 4.5 cm above the carina. Compared to ___, no change.",
                        "et tube 45 cm above the carina . compared to  no change ."),
                // ':-\[' is the range ':'..'[' : < = > ? @ A-Z [ go, '-' and digits stay
                arguments(
                        "character class range keeps hyphen and digits, drops < = @",
                        "Size <5 mm = stable @ T-4; A-B.",
                        "size 5 mm  stable  t-4 a-b ."),
                arguments("character class range drops braces and !", "X-ray {12}!", "x-ray 12 ."),
                // numbering quirks
                arguments(
                        "numbering: list numbers go",
                        "1. Small effusion. 2. No pneumothorax.",
                        "small effusion . no pneumothorax ."),
                arguments(
                        "numbering: T11. loses a digit and the dot",
                        "Compression of T11. No fracture.",
                        "compression of t1no fracture ."),
                arguments("numbering: a number before a dot goes", "A 3. B.", "a . b ."),
                // empty sentences are kept
                arguments("empty sentence kept", "No effusion. . ", "no effusion .  ."),
                arguments("empty report", "", " ."),
                // MIMIC: newlines, double spaces and underscores are cleaned before the sentence cleaner
                arguments(
                        "mimic: heading and underscores", "FINDINGS:\nHeart ____ normal.", "findings heart  normal ."),
                arguments(
                        "mimic: double space and newline",
                        "Heart  size normal.\nLungs clear.",
                        "heart size normal . lungs clear ."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mimicCases")
    void cleanMimic(String what, String report, String want) {
        assertEquals(want, ReportCleaner.cleanMimic(report), what);
    }

    @Test
    void iuLeavesNewlinesDoubleSpacesAndUnderscoresToTheSentenceCleaner() {
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
