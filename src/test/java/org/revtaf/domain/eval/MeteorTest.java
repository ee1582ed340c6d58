package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * METEOR on cases worked by hand: alpha 0.85, beta 0.2, gamma 0.6, weights exact 1.0 / stem 0.6,
 * no function words (so delta cancels): P = weighted matches / |hyp|, R = weighted matches / |ref|,
 * Fmean = 1 / (0.15/P + 0.85/R), score = Fmean (1 - 0.6 frag^0.2), frag = chunks / matches.
 */
class MeteorTest {
    /** Modules exact and stem, no function words: the hand-worked setting of these cases. */
    static final Meteor.Settings EXACT_STEM =
            new Meteor.Settings(List.of(MeteorModule.exact, MeteorModule.stem), Set.of(), "none");

    /** Single-segment cases under {@link #EXACT_STEM}. */
    static Stream<HandWorked> handWorked() {
        return Stream.of(
                // 4 exact matches in one chunk covering both sides: frag = 0, P = R = 1
                HandWorked.of("identical strings score one", "the heart is normal", "the heart is normal", 1.0, 1e-15),
                HandWorked.of("empty hypothesis scores zero", "", "the heart is normal", 0.0, 0),
                // effusions / effusion share the Snowball stem "effus": one stem match, P = R = 0.6,
                // Fmean = 0.6, everything matched in one chunk: no penalty.
                HandWorked.of("stem matches count with weight 0.6", "effusions", "effusion", 0.6, 1e-12),
                // ref "effusion" has two candidates: exact (hyp word 2) and stem (hyp word 1). The search
                // counts covered words with weights 1.0 / 0.5 truncated to int, so exact wins: 1 exact match,
                // P = 1/2, R = 1, Fmean = 1 / (0.3 + 0.85), frag 1: score = 0.4 / 1.15
                HandWorked.of(
                        "exact beats stem in the alignment search",
                        "effusions effusion",
                        "effusion",
                        0.4 / 1.15,
                        1e-12),
                // two stem candidates for one reference word: neither is fixed; in the search a stem match
                // adds (int) 0.5 = 0 covered words but opens a chunk, so the path without it ranks first
                // (fewer chunks): no match at all, score 0 (METEOR 1.5's integer PartialAlignment counts).
                HandWorked.of(
                        "ambiguous stem matches are dropped as METEOR does", "effusions effusions", "effusion", 0.0, 0),
                // "b a" vs "a b": P = R = 1, 2 chunks over 2 matches: frag 1, penalty 0.6: 0.4
                HandWorked.of("swapped words are two chunks", "b a", "a b", 0.4, 1e-12),
                // "the lungs are clear" vs "lungs are clear": 3 matches, one chunk, not all hyp words matched:
                // P = 3/4, R = 1, Fmean = 1 / (0.15/0.75 + 0.85) = 0.952381, frag = 1/3,
                // score = 0.952381 * (1 - 0.6 (1/3)^0.2) = 0.493671
                HandWorked.of(
                        "hypothesis longer than reference",
                        "the lungs are clear",
                        "lungs are clear",
                        0.4936714885179634,
                        1e-12),
                // "a a a" vs "a": one match; P = 1/3, R = 1, Fmean = 1/(0.45 + 0.85) = 0.769231;
                // frag = 1/1: 0.769231 * 0.4 = 0.307692
                HandWorked.of("repeated words match once", "a a a", "a", 0.4 / 1.3, 1e-12));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWorked")
    void handWorkedCase(HandWorked c) {
        c.check((hyp, refs) ->
                Meteor.score(List.of(hyp), List.of(refs), EXACT_STEM).corpus());
    }

    @Test
    void corpusScoreComesFromSummedStatistics() {
        // segment 1 identical (4 words, perfect: its chunk is not added), segment 2 as above.
        // Sums: hyp 8 words, ref 7, 7 matches each side, 1 chunk: P = 7/8, R = 1,
        // Fmean = 1 / (0.15/0.875 + 0.85) = 0.979021, frag = 1/7: 0.580984 (the mean of the two
        // segment scores would be 0.746836).
        Meteor.Result r = Meteor.score(
                List.of("the heart is normal", "the lungs are clear"),
                List.of(List.of("the heart is normal"), List.of("lungs are clear")),
                EXACT_STEM);
        assertEquals(0.5809837991213959, r.corpus(), 1e-12);
        assertEquals(1.0, r.perReport()[0], 1e-15);
    }

    @Test
    void bestReferenceIsKept() {
        Meteor.Result r = Meteor.score(List.of("a b"), List.of(List.of("x y", "a b")), EXACT_STEM);
        assertEquals(1.0, r.corpus(), 1e-15);
    }

    @Test
    void functionWordsWeighDelta() {
        // "the cat" vs "the dog", "the" a function word: matches: "the" only (function).
        // weighted length = 0.75 * 1 + 0.25 * 1 = 1 per side; weighted matches = 0.25: P = R = 0.25;
        // Fmean = 0.25; 1 chunk, not all matched: frag = 1/1 -> 0.25 * 0.4 = 0.1
        Meteor.Result r = Meteor.score(
                List.of("the cat"), List.of(List.of("the dog")), EXACT_STEM.withFunctionWords(Set.of("the"), "test"));
        assertEquals(0.1, r.corpus(), 1e-12);
    }

    @Test
    void normalisationTokenisesPunctuationAndLowercases() {
        assertEquals(
                "heart size normal , lungs clear .", MeteorNormalizer.normalize("Heart size normal, lungs clear."));
        assertEquals(
                "et tube 4.5 cm above the carina .", MeteorNormalizer.normalize("ET tube 4.5 cm above the carina."));
        // dash between alphanumerics becomes a space; contraction split to the right; Dr. is non-breaking
        assertEquals("dr. smith 's x ray", MeteorNormalizer.normalize("Dr. Smith's x-ray"));
        // a word-final dot followed by a lower-case word stays attached (METEOR's heuristic)
        assertEquals("normal. lungs clear .", MeteorNormalizer.normalize("normal. lungs clear."));
        // U.S. style abbreviations drop their dots; runs of dots are one token
        assertEquals("us based ...", MeteorNormalizer.normalize("U.S.-based ..."));
        assertEquals("( left ) effusion ; stable", MeteorNormalizer.normalize("(left) effusion; stable"));
        // the rules that only run where their characters occur: curly quotes, non-ASCII spaces,
        // double dashes, contractions, commas between digits
        assertEquals(
                "he said \" no effusion \" and ' mild ' ' edema ' .",
                MeteorNormalizer.normalize("He said \u201cno effusion\u201d and \u2018mild\u2019 `edema`."));
        assertEquals(
                "no effusion ; stable heart .", MeteorNormalizer.normalize("No\u00a0effusion ;  stable\u2003heart."));
        assertEquals("tube in place ... unchanged", MeteorNormalizer.normalize("Tube--in place... unchanged"));
        assertEquals(
                "the patient 's lungs aren 't clear , 1,000 cc .",
                MeteorNormalizer.normalize("The patient's lungs aren't clear, 1,000 cc."));
    }

    static double meteor(String hyp, String ref, String modules) {
        Meteor.Settings s = EXACT_STEM.withModules(MeteorModule.parseList(modules));
        return Meteor.score(List.of(hyp), List.of(List.of(ref)), s).corpus();
    }

    @Test
    void synonymMatchesCountWithWeightPointEight() {
        // big / large share a WordNet synset: one synonym match (0.8) and one exact match, fixed
        // (sole candidates), one chunk covering both sides: P = R = (1 + 0.8) / 2, no penalty
        assertEquals(0.9, meteor("large effusion", "big effusion", "exact stem synonym"), 1e-12);
        // without it: P = R = 1/2, one chunk over one match: frag 1, 0.5 * (1 - 0.6) = 0.2
        assertEquals(0.2, meteor("large effusion", "big effusion", "exact stem"), 1e-12);
    }

    @Test
    void moduleWeightsGoByPositionAsMeteorsDashMDoes() {
        // with "exact synonym" the synonym module is second and gets the second weight, 0.6
        assertEquals(0.8, meteor("large effusion", "big effusion", "exact synonym"), 1e-12);
    }

    @Test
    void aPairMatchedByStemAndSynonymIsAmbiguousAndDropped() {
        // effusions / effusion: a stem candidate alone is fixed (0.6); with the synonym module the
        // pair is a candidate twice (WordNet reaches "effusion" from "effusions"), so nothing is fixed,
        // and in the search a non-exact match adds (int) 0.5 = 0 words but closes a chunk: the empty
        // alignment ranks first. METEOR 1.5 scores 0 too (the fixture has such pairs).
        assertEquals(0.6, meteor("effusions", "effusion", "exact stem"), 1e-12);
        assertEquals(0.0, meteor("effusions", "effusion", "exact stem synonym"));
    }

    @Test
    void identicalSentencesUseTheFirstModuleOnly() {
        assertEquals(1.0, meteor("big effusion", "big effusion", "exact synonym"), 1e-15);
        // METEOR runs only the first module on identical sentences: stem never matches equal words
        assertEquals(0.0, meteor("big effusion", "big effusion", "stem"));
    }

    @Test
    void moduleListsAreParsedStrictly() {
        assertEquals(MeteorModule.DEFAULT, MeteorModule.parseList("exact, stem,synonym"));
        assertEquals(List.of(MeteorModule.exact), MeteorModule.parseList(" EXACT "));
        assertEquals("exact stem synonym", MeteorModule.describe(MeteorModule.DEFAULT));
        for (String[] bad : new String[][] {
            {"exact,paraphrase", "'paraphrase' is not available"},
            {"exact,stemm", "unknown module 'stemm'"},
            {"exact,exact", "listed twice"},
            {" , ", "no module given"}
        }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> MeteorModule.parseList(bad[0]));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void theShippedFunctionWordsAreMeteorsList() {
        Set<String> words = Meteor.shippedFunctionWords();
        assertEquals(93, words.size());
        for (String w : List.of("the", ",", ".", "of", "'s", "-lrb-", "—")) {
            assertTrue(words.contains(w), w);
        }
        assertEquals(words, Meteor.Settings.standard().functionWords());
        assertEquals("exact stem synonym", Meteor.Settings.standard().modulesRun());
    }
}
