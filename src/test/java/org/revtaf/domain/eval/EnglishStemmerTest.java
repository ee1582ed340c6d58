package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Snowball English (Porter2) stems of words from the algorithm's published examples. */
class EnglishStemmerTest {
    static void check(String word, String stem) {
        assertEquals(stem, EnglishStemmer.stem(word), word);
    }

    @Test
    void publishedExamples() {
        check("consign", "consign");
        check("consigned", "consign");
        check("consigning", "consign");
        check("consignment", "consign");
        check("knackeries", "knackeri");
        check("kneaded", "knead");
        check("knees", "knee");
        check("abilities", "abil");
        check("absolutely", "absolut");
        check("generously", "generous");
        check("generate", "generat");
        check("communication", "communic");
        check("arsenal", "arsenal");
    }

    @Test
    void step1Rules() {
        check("caresses", "caress");
        check("ponies", "poni");
        check("ties", "tie");
        check("cats", "cat");
        check("gas", "gas");
        check("hoping", "hope");
        check("hopping", "hop");
        check("agreed", "agre");
        check("plastered", "plaster");
        check("sayings", "say");
        check("happy", "happi");
        check("cry", "cri");
        check("by", "by");
    }

    @Test
    void laterSteps() {
        check("relational", "relat");
        check("conditional", "condit");
        check("rational", "ration");
        check("formative", "format");
        check("effusions", "effus");
        check("opacities", "opac");
        check("consolidation", "consolid");
        check("atelectasis", "atelectasi");
    }

    @Test
    void exceptions() {
        check("skies", "sky");
        check("dying", "die");
        check("news", "news");
        check("succeed", "succeed");
        check("'tis", "tis");
        check("dog's", "dog");
    }
}
