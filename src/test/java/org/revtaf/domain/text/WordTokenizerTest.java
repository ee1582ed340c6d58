package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

class WordTokenizerTest {
    // cleaned: "heart normal . lungs clear .", "heart normal . effusion .", "lungs clear ."
    // counts >= 2: heart normal . lungs clear; sorted with <unk>: . <unk> clear heart lungs normal
    private static final List<String> TRAIN =
            List.of("Heart normal. Lungs clear.", "Heart normal. Effusion.", "Lungs clear.");

    @Test
    void vocabularyThresholdSortedIdsFromOne() {
        WordTokenizer t = WordTokenizer.build(TRAIN, 2, ReportCleaner::cleanMimic);
        assertEquals(6, t.size());
        // an unknown word ("effusion": once only) is <unk>
        assertEquals(
                List.of(1, 2, 3, 4, 5, 6, 2),
                Stream.of(".", "<unk>", "clear", "heart", "lungs", "normal", "effusion")
                        .map(t::id)
                        .toList());
    }

    @Test
    void encodeWithBosEosZeroAndTruncate() {
        WordTokenizer t = WordTokenizer.build(TRAIN, 2, ReportCleaner::cleanMimic);
        assertArrayEquals(new int[] {0, 4, 6, 1, 2, 1, 0}, t.encode("Heart normal. Effusion."));
        assertArrayEquals(new int[] {0, 4, 6, 1}, t.encode("Heart normal. Effusion.", 4));
        assertEquals("heart normal .", t.decode(new int[] {4, 6, 1, 0, 5}));
        assertEquals("", t.decode(new int[] {0, 4}));
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
        WordTokenizer t = WordTokenizer.build(TRAIN, 1, ReportCleaner::cleanMimic);
        Path f = dir.resolve("words.txt");
        t.save(f);
        WordTokenizer u = WordTokenizer.load(f, ReportCleaner::cleanMimic);
        assertEquals(t.size(), u.size());
        assertArrayEquals(t.encode("Heart normal. Effusion."), u.encode("Heart normal. Effusion."));
        assertEquals(List.of(".", "<unk>", "clear", "effusion", "heart", "lungs", "normal"), Files.readAllLines(f));
    }

    @Test
    void saveIsAtomicAndIgnoresAStaleFixedTmpName(@TempDir Path dir) throws Exception {
        WordTokenizer t = WordTokenizer.build(TRAIN, 1, ReportCleaner::cleanMimic);
        Path f = dir.resolve("words.txt");
        Files.writeString(f, "old\n");
        // the former fixed temporary name, left over (here as a folder) by an interrupted save
        Files.createDirectory(dir.resolve("words.txt.tmp"));
        t.save(f);
        assertEquals(t.toVocabText(), Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temporary file left behind");
        }
        Path folder = Files.createDirectory(dir.resolve("folder"));
        RevtafException e = assertThrows(RevtafException.class, () -> t.save(folder));
        assertTrue(e.getMessage().contains(folder + ": is a directory"), e.getMessage());
        Files.write(f, new byte[] {'.', '\n', (byte) 0xff, '\n'});
        RevtafException bad =
                assertThrows(RevtafException.class, () -> WordTokenizer.load(f, ReportCleaner::cleanMimic));
        assertTrue(bad.getMessage().contains(f + ":2: not valid UTF-8"), bad.getMessage());
    }
}
