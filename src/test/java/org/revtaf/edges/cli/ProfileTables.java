package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the table that {@code --profile} prints and checks what every such table must hold. */
public final class ProfileTables {
    private ProfileTables() {}

    public static final String TITLE = "ops by time";

    /** One op row of the table: op, dir, calls, total ms, share %, MB allocated. */
    public record Row(String op, String dir, long calls, double ms, double share, double mb) {}

    /**
     * The op rows of the table in {@code text}, after checking: rows sorted by time, every share
     * and time non-negative, shares summing to 100% (to the rounding of the printed figures), the
     * "all ops" line the sum of the rows, and the line comparing op time with the wall time.
     */
    public static List<Row> check(String text) {
        assertTrue(text.contains(TITLE), "no profile table in:\n" + text);
        List<String> lines = text.lines().toList();
        int head = -1;
        for (int i = 0; i < lines.size() && head < 0; i++) if (lines.get(i).matches("op\\s+dir\\s+calls.*")) head = i;
        assertTrue(head >= 0, text);
        List<Row> rows = new ArrayList<>();
        int i = head + 1;
        for (; !lines.get(i).startsWith("all ops"); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            int n = f.length;
            String op = String.join(" ", java.util.Arrays.copyOfRange(f, 0, n - 5));
            rows.add(new Row(
                    op,
                    f[n - 5],
                    Long.parseLong(f[n - 4]),
                    Double.parseDouble(f[n - 3]),
                    Double.parseDouble(f[n - 2].replace("%", "")),
                    Double.parseDouble(f[n - 1])));
        }
        assertFalse(rows.isEmpty(), text);
        String[] all = lines.get(i).trim().split("\\s+");
        double sumMs = rows.stream().mapToDouble(Row::ms).sum();
        assertEquals(Double.parseDouble(all[all.length - 3]), sumMs, 1e-3 * rows.size() + 1e-9, text);
        assertEquals(
                Long.parseLong(all[all.length - 4]),
                rows.stream().mapToLong(Row::calls).sum(),
                text);
        assertEquals(100.0, rows.stream().mapToDouble(Row::share).sum(), 0.05 * rows.size() + 1e-9, text);
        for (int k = 1; k < rows.size(); k++)
            assertTrue(rows.get(k - 1).ms() >= rows.get(k).ms(), "sorted by time: " + rows);
        assertTrue(
                lines.get(i + 1).startsWith("op kernels ") && lines.get(i + 1).contains("ms wall"), text);
        return rows;
    }

    /** The stage rows: stage path -> calls. */
    public static Map<String, Long> stages(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        int head = -1;
        for (int i = 0; i < lines.size() && head < 0; i++) if (lines.get(i).matches("stage\\s+calls.*")) head = i;
        if (head < 0) return out;
        for (int i = head + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String[] f = lines.get(i).trim().split("\\s{2,}");
            out.put(f[0].trim(), Long.parseLong(f[1].trim()));
        }
        return out;
    }
}
