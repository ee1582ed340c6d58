package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tables of labeler cases (test resources beside this class): one case a line, {@code
 * STATUS<TAB>CLASS<TAB>text} with STATUS one of BLA, POS, NEG, UNC; {@code ## name} lines name the
 * group of the cases below them (what they show), other {@code #} lines are comments.
 */
record LabelCases(String group, String text, LabelClass cls, int expected) {
    private static final Map<String, Integer> STATUS = Map.of("BLA", 0, "POS", 1, "NEG", 2, "UNC", 3);

    /** The {@code count} cases of the table {@code resource}, in file order (fewer or more fail the test). */
    static List<LabelCases> read(String resource, int count) throws IOException {
        List<LabelCases> out = new ArrayList<>();
        try (InputStream in = LabelCases.class.getResourceAsStream(resource)) {
            assertNotNull(in, "test resource " + resource + " missing");
            String group = "";
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.startsWith("## ")) group = line.substring(3);
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t", 3);
                Integer status = STATUS.get(f[0]);
                assertNotNull(status, resource + " line " + (i + 1) + ": unknown status " + f[0]);
                out.add(new LabelCases(group, f[2], LabelClass.valueOf(f[1]), status));
            }
        }
        assertEquals(count, out.size(), resource + ": cases");
        return out;
    }

    /** The labeler gives this case's status for its class on {@code text}. */
    void check(ReportLabeler labeler, String text) {
        int got = labeler.label(text)[cls.ordinal()];
        assertEquals(LabelStatus.ofCode(expected), LabelStatus.ofCode(got), cls.csvName() + " of \"" + text + "\"");
    }

    @Override
    public String toString() {
        return group + ": " + cls.csvName() + " of \"" + text + "\"";
    }
}
