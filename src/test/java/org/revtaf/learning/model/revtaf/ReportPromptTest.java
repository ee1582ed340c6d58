package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

class ReportPromptTest {
    private static WordPieceTokenizer tokenizer() {
        List<String> v = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "lungs", "clear", "."));
        return WordPieceTokenizer.of(v).withSpecialTokens();
    }

    @Test
    void promptIdsComeFromTheTokenizersSpecialTokens() {
        WordPieceTokenizer tok = tokenizer();
        ReportPrompt p = ReportPrompt.of(tok);
        assertEquals(tok.idOf("[DEC]"), p.dec());
        assertEquals(tok.idOf("[SEP]"), p.sep());
        assertEquals(0, p.pad());
        long[] st = new long[2 * 18];
        for (int i = 0; i < st.length; i++) st[i] = i % 4;
        long[] ids = p.ids(Tensor.ofLongs(Device.CPU, st, 2, 18)).toLongs();
        assertEquals(2 * 19, ids.length);
        assertEquals(tok.idOf("[DEC]"), ids[0]);
        String[] names = {"[BLA]", "[POS]", "[NEG]", "[UNC]"};
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 18; c++) assertEquals(tok.idOf(names[(int) st[b * 18 + c]]), ids[b * 19 + 1 + c]);
        RevtafException e = assertThrows(
                RevtafException.class,
                () -> ReportPrompt.of(WordPieceTokenizer.of(List.of("[PAD]", "[UNK]", "[SEP]"))));
        assertTrue(e.getMessage().contains("[DEC]"), e.getMessage());
        assertThrows(RevtafException.class, () -> p.ids(Tensor.ofLongs(Device.CPU, new long[] {4}, 1, 1)));
        long[] bad = new long[18];
        bad[5] = 4; // not a status code
        assertThrows(RevtafException.class, () -> p.ids(Tensor.ofLongs(Device.CPU, bad, 1, 18)));
    }

    @Test
    void teacherForcingAppendsTheReportAndSepAndMasksThePromptAndPadding() {
        ReportPrompt p = new ReportPrompt(2, 1, 0, new int[] {3, 4, 5, 6});
        Tensor labels = Tensor.ofLongs(Device.CPU, new long[2 * 18], 2, 18);
        ReportPrompt.Text t = p.teacherForcing(labels, List.of(new int[] {10, 11, 12}, new int[] {20}), 100);
        assertArrayEquals(new int[] {2, 19 + 3 + 1}, t.ids().shape());
        long[] ids = t.ids().toLongs();
        double[] keep = t.keep().toDoubles();
        assertEquals(10, ids[19]);
        assertEquals(12, ids[21]);
        assertEquals(1, ids[22], "[SEP] ends the report");
        assertEquals(20, ids[23 + 19]);
        assertEquals(1, ids[23 + 20]);
        assertEquals(0, ids[23 + 21], "padding");
        assertEquals(1.0, keep[23 + 20]);
        assertEquals(0.0, keep[23 + 21]);
        long[] target = ReportPrompt.targets(t.ids(), t.keep()).toLongs();
        for (int j = 0; j < 19; j++) assertEquals(-100, target[j], "prompt position " + j);
        assertEquals(10, target[19]);
        assertEquals(1, target[22]);
        assertEquals(1, target[23 + 20]);
        assertEquals(-100, target[23 + 21]);
        assertEquals(-100, target[23 + 22]);
        // truncation keeps [SEP] inside max tokens
        ReportPrompt.Text cut = p.teacherForcing(labels, List.of(new int[] {10, 11, 12}, new int[] {20}), 21);
        assertArrayEquals(new int[] {2, 21}, cut.ids().shape());
        assertEquals(1, cut.ids().toLongs()[20]);
        assertThrows(RevtafException.class, () -> p.teacherForcing(labels, List.of(new int[0]), 100));
        assertThrows(RevtafException.class, () -> p.teacherForcing(labels, List.of(new int[0], new int[0]), 19));
    }
}
