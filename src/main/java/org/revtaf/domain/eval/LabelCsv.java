package org.revtaf.domain.eval;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.edges.io.TextFiles;

/**
 * Reads labels in CheXbert's CSV layout (as {@code revtaf label} writes it): a header naming the 14
 * CheXpert classes ({@link LabelClass#csvName()}), cells {@code 1.0} positive, {@code 0.0} negative,
 * {@code -1.0} uncertain, empty blank. With an {@code id} column rows are matched to reports by id;
 * without one (CheXbert's own output, with a {@code Report} column) row i belongs to report i.
 */
public final class LabelCsv {
    private LabelCsv() {}

    /** Positive flags per report, in the order of {@code ids}. */
    public static boolean[][] readPositives(Path file, List<String> ids) {
        String text = TextFiles.readUtf8(file, "label CSV");
        try (CSVParser p = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(new StringReader(text))) {
            Map<String, Integer> header = p.getHeaderMap();
            int[] col = new int[ClinicalEfficacy.CLASSES];
            for (int c = 0; c < col.length; c++) {
                String name = LabelClass.CHEXPERT.get(c).csvName();
                Integer k = header.get(name);
                if (k == null) throw new RevtafException(file + ": no column '" + name + "' in the header");
                col[c] = k;
            }
            Integer idCol = header.get("id");
            List<CSVRecord> rows = p.getRecords();
            Map<String, boolean[]> byId = new HashMap<>();
            List<boolean[]> byRow = new ArrayList<>();
            for (CSVRecord rec : rows) {
                long line = rec.getRecordNumber() + 1;
                boolean[] pos = new boolean[ClinicalEfficacy.CLASSES];
                for (int c = 0; c < pos.length; c++) {
                    String cell = col[c] < rec.size() ? rec.get(col[c]).strip() : "";
                    pos[c] = switch (cell) {
                        case "1.0", "1" -> true;
                        case "", "0.0", "0", "-1.0", "-1" -> false;
                        default ->
                            throw new RevtafException(file + ":" + line + ": column '"
                                    + LabelClass.CHEXPERT.get(c).csvName() + "': '" + cell
                                    + "' is not a label (1.0, 0.0, -1.0 or empty)");
                    };
                }
                if (idCol != null) {
                    String id = rec.get(idCol);
                    if (byId.put(id, pos) != null)
                        throw new RevtafException(file + ":" + line + ": duplicate id '" + id + "'");
                } else {
                    byRow.add(pos);
                }
            }
            boolean[][] out = new boolean[ids.size()][];
            if (idCol == null) {
                if (byRow.size() != ids.size()) {
                    throw new RevtafException(file + ": " + byRow.size() + " label rows for " + ids.size()
                            + " reports (without an 'id' column rows must follow the reports' order)");
                }
                return byRow.toArray(out);
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = byId.remove(ids.get(i));
                if (out[i] == null) throw new RevtafException(file + ": no labels for id '" + ids.get(i) + "'");
            }
            if (!byId.isEmpty()) {
                throw new RevtafException(file + ": labels for id '"
                        + byId.keySet().iterator().next() + "' which is not among the reports");
            }
            return out;
        } catch (java.io.UncheckedIOException e) {
            // commons-csv reports a malformed record (e.g. an unclosed quote) while iterating
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new RevtafException(file + ": malformed CSV: " + c.getMessage());
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new RevtafException(file + ": not a readable label CSV (" + e.getMessage() + ")");
        }
    }
}
