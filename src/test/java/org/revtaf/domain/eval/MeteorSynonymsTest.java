package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** METEOR's WordNet look-up: own synsets, irregular forms, WordNet's detachment rules. */
class MeteorSynonymsTest {
    /** A small dictionary in METEOR's two formats. */
    static MeteorSynonyms tiny() throws IOException {
        String synsets = "opacity\n3 1\nlung\n7\nmouse\n5 6\nbox\n9\nchurch\n11\nbe\n20 21\nfluffy\n30\n";
        String exceptions = "mouse\nmice\nbe\nam are been is was were\n";
        return MeteorSynonyms.read(new StringReader(synsets), new StringReader(exceptions));
    }

    @Test
    void ownSynsetsAreSortedAndWordsOutsideWordNetHaveNone() throws IOException {
        MeteorSynonyms d = tiny();
        assertArrayEquals(new int[] {1, 3}, d.synsets("opacity"));
        assertEquals(0, d.synsets("pneumothoraxes").length);
        assertEquals(0, d.synsets(".").length);
    }

    @Test
    void irregularFormsTakeTheirBaseFormsSynsets() throws IOException {
        MeteorSynonyms d = tiny();
        assertArrayEquals(new int[] {5, 6}, d.synsets("mice"));
        assertArrayEquals(new int[] {20, 21}, d.synsets("is"));
        assertArrayEquals(d.synsets("be"), d.synsets("were"));
    }

    @Test
    void regularFormsFollowWordNetsDetachmentRules() throws IOException {
        MeteorSynonyms d = tiny();
        assertEquals("opacity", d.morph("opacities")); // -ies -> -y
        assertEquals("lung", d.morph("lungs")); // -s
        assertEquals("box", d.morph("boxes")); // -xes -> -x
        assertEquals("church", d.morph("churches")); // -ches -> -ch
        // no rule applies: no base form (the word's own synsets still count); -ss and short words stay
        assertNull(d.morph("fluffy"));
        assertArrayEquals(new int[] {30}, d.synsets("fluffy"));
        assertEquals("glass", d.morph("glass"));
        assertEquals("is", d.morph("is"));
        assertNull(d.morph("effusions")); // no rule gives a WordNet word
        assertArrayEquals(new int[] {1, 3}, d.synsets("opacities"));
    }

    @Test
    void theShippedDictionaryKnowsRadiologyWords() {
        MeteorSynonyms en = MeteorSynonyms.english();
        // opaqueness and opacity share WordNet synsets; big and large too; "effusions" reaches effusion
        assertTrue(shareAny(en.synsets("opaqueness"), en.synsets("opacity")));
        assertTrue(shareAny(en.synsets("big"), en.synsets("large")));
        assertArrayEquals(en.synsets("effusion"), en.synsets("effusions"));
        assertTrue(!shareAny(en.synsets("heart"), en.synsets("lung")));
    }

    @Test
    void aMalformedSynsetFileNamesTheLine() {
        IOException e = assertThrows(
                IOException.class, () -> MeteorSynonyms.read(new StringReader("a\n1\nb\nx2\n"), new StringReader("")));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    }

    private static boolean shareAny(int[] a, int[] b) {
        return Arrays.stream(a).anyMatch(x -> Arrays.stream(b).anyMatch(y -> y == x));
    }
}
