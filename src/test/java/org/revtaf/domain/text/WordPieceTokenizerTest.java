package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

/** Ids derived by hand from tiny-vocab.txt (line i = id i) and BERT's algorithm. */
class WordPieceTokenizerTest {
    static WordPieceTokenizer tiny() throws Exception {
        try (var in = WordPieceTokenizerTest.class.getResourceAsStream("tiny-vocab.txt")) {
            return WordPieceTokenizer.fromVocabText(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void basicTokenizationLowercasePunctuation() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {2, 5, 6, 7, 8, 9, 3}, t.encode("The heart is NORMAL."));
        assertArrayEquals(new int[] {12, 22, 11}, t.ids("pleural-effusion"));
        assertArrayEquals(new int[] {26, 8, 27}, t.ids("(normal)"));
        assertArrayEquals(new int[] {23, 9, 1}, t.ids("4.5"));
    }

    @Test
    void greedyLongestMatchWordPieces() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {14, 15, 16, 17, 11, 13}, t.ids("Unremarkable effusions"));
        assertArrayEquals(new int[] {20, 19}, t.ids("xx"));
        assertArrayEquals(new int[] {1}, t.ids("xy")); // no cover: the whole word is [UNK]
        assertEquals(List.of("un", "##re", "##mark", "##able"), t.tokenize("unremarkable"));
    }

    @Test
    void accentsControlsWhitespaceAndCjk() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {18}, t.ids("Café"));
        assertArrayEquals(new int[] {21, 11}, t.ids("no\u200b\u0000 effusion"));
        assertArrayEquals(new int[] {21, 11}, t.ids("no\u00a0effusion"));
        assertArrayEquals(new int[] {25, 20}, t.ids("中x"));
    }

    @Test
    void wordsOverHundredCharsAreUnknown() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {1}, t.ids("x".repeat(101)));
        int[] hundred = t.ids("x".repeat(100));
        assertEquals(100, hundred.length);
        assertEquals(20, hundred[0]);
        assertEquals(19, hundred[99]);
    }

    @Test
    void specialTokensKeptWholeAndAppended() throws Exception {
        WordPieceTokenizer t = tiny();
        assertEquals(List.of("[CLS]", "heart", "[MASK]"), t.tokenize("[CLS] heart [MASK]"));
        WordPieceTokenizer s = t.withSpecialTokens();
        assertEquals(33, s.size());
        assertEquals(
                List.of(28, 29, 30, 31, 32),
                Stream.of("[DEC]", "[BLA]", "[POS]", "[NEG]", "[UNC]")
                        .map(s::idOf)
                        .toList());
        assertEquals(List.of("[DEC]", "[POS]", "heart"), s.tokenize("[DEC][POS] heart"));
    }

    @Test
    void truncateKeepsSepAndDecode() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {2, 5, 6, 3}, t.encode("The heart is normal.", 4));
        assertEquals("the heart is normal.", t.decode(t.encode("The heart is normal."), true));
        assertEquals("unremarkable", t.decode(new int[] {14, 15, 16, 17}, true));
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path dir) throws Exception {
        WordPieceTokenizer t = tiny().withSpecialTokens();
        Path f = dir.resolve("vocab.txt");
        t.save(f);
        WordPieceTokenizer u = WordPieceTokenizer.load(f);
        assertEquals(t.vocab(), u.vocab());
        assertEquals(
                t.toVocabText(),
                WordPieceTokenizer.fromVocabText(t.toVocabText()).toVocabText());
    }

    @Test
    void saveIsAtomicWithNormalPermissionsAndIgnoresAStaleFixedTmpName(@TempDir Path dir) throws Exception {
        WordPieceTokenizer t = tiny().withSpecialTokens();
        Path f = dir.resolve("vocab.txt");
        Files.writeString(f, "[UNK]\n");
        Files.createDirectory(dir.resolve("vocab.txt.tmp")); // left over by an interrupted save of old
        t.save(f);
        assertEquals(t.vocab(), WordPieceTokenizer.load(f).vocab());
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
        try (var s = Files.list(dir)) {
            assertEquals(3, s.count(), "no temporary file left behind");
        }
        RevtafException e = assertThrows(RevtafException.class, () -> t.save(dir));
        assertTrue(e.getMessage().contains(dir + ": is a directory"), e.getMessage());
    }

    @Test
    void trainerMergesMostFrequentPairs() {
        // words low x3, lower, lowest; merges: ##o+##w (5, tie broken lexicographically), l+##ow (5), low+##e (2)
        WordPieceTokenizer t = WordPieceTrainer.train(List.of("low lower lowest", "low low"), 100, 2);
        List<String> want = new java.util.ArrayList<>(WordPieceTokenizer.SPECIALS);
        want.addAll(List.of("##e", "##o", "##r", "##s", "##t", "##w", "l", "##ow", "low", "lowe"));
        assertEquals(want, t.vocab());
        assertEquals(List.of("lowe", "##s", "##t"), t.tokenize("lowest"));
        assertEquals(List.of("lowe", "##r"), t.tokenize("Lower"));
        assertEquals(5, t.idOf("[DEC]"));
        // a cap on the size stops early
        assertEquals(
                18,
                WordPieceTrainer.train(List.of("low lower lowest", "low low"), 18, 2)
                        .size());
    }

    @Test
    void incrementalTrainerEqualsReference() throws Exception {
        List<String> corpus = new java.util.ArrayList<>();
        for (LabelerAgreementTest.Item it : LabelerAgreementTest.load().subList(0, 120)) corpus.add(it.text());
        for (int size : new int[] {60, 200}) {
            for (int minFreq : new int[] {1, 3}) {
                assertEquals(
                        WordPieceTrainer.trainReference(corpus, size, minFreq).vocab(),
                        WordPieceTrainer.train(corpus, size, minFreq).vocab(),
                        "vocab size " + size + ", min frequency " + minFreq);
            }
        }
        WordPieceTokenizer t = WordPieceTrainer.train(corpus, 400, 2);
        // every word of the corpus is covered (no [UNK]) and decodes back to its basic tokens
        for (String text : corpus.subList(0, 40)) {
            assertEquals(
                    -1,
                    java.util.Arrays.stream(t.ids(text))
                            .filter(i -> i == t.idOf("[UNK]"))
                            .findAny()
                            .orElse(-1));
            assertEquals(
                    String.join(" ", WordPieceTokenizer.basicTokenize(text)),
                    t.decode(t.ids(text), true)
                            .replace(".", " .")
                            .replace(",", " ,")
                            .replace("  ", " ")
                            .strip());
        }
    }
}
