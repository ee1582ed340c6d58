package org.revtaf.domain.text;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The labeler on text as written and after R2Gen/PromptMRG cleaning (commas and semicolons gone):
 * clause starts without punctuation ({@link ClauseStart}), and the phrasing fixes that came with
 * them. The cases are the table {@code cleaned-clauses.tsv} (see {@link LabelCases}); every case is
 * checked on the raw sentence and on {@link ReportCleaner#cleanMimic} of it.
 */
class CleanedClauseTest {
    private static final ReportLabeler L = Labelers.standard();

    static List<LabelCases> cases() throws IOException {
        return LabelCases.read("cleaned-clauses.tsv", 81);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void labelsTheRawAndTheCleanedSentence(LabelCases k) {
        for (String text : List.of(k.text(), ReportCleaner.cleanMimic(k.text()))) k.check(L, text);
    }
}
