package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LabelStatusTest {
    @Test
    void codesArePromptMrgsAndRoundTrip() {
        assertEquals(
                List.of(0, 1, 2, 3),
                Stream.of(LabelStatus.BLANK, LabelStatus.POSITIVE, LabelStatus.NEGATIVE, LabelStatus.UNCERTAIN)
                        .map(LabelStatus::code)
                        .toList());
        for (LabelStatus s : LabelStatus.values()) assertEquals(s, LabelStatus.ofCode(s.code()));
        assertThrows(IllegalArgumentException.class, () -> LabelStatus.ofCode(4));
        assertThrows(IllegalArgumentException.class, () -> LabelStatus.ofCode(-1));
    }
}
