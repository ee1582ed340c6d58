package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

/** Label CSVs in CheXbert's layout. */
class LabelCsvTest {
    @TempDir
    Path dir;

    static final String CLASSES = "Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,"
            + "Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,"
            + "Support Devices,No Finding";

    Path write(String text) throws Exception {
        Path p = dir.resolve("labels.csv");
        Files.writeString(p, text);
        return p;
    }

    static boolean[] pos(int... classes) {
        boolean[] b = new boolean[14];
        for (int c : classes) b[c] = true;
        return b;
    }

    @Test
    void byIdOnlyPositivesCount() throws Exception {
        // b: cardiomegaly 1.0 (positive), edema -1.0 (uncertain), effusion 0.0 (negative)
        Path p = write("id," + CLASSES + "\nb,,1.0,,,-1.0,,,,,0.0,,,,\na,,,,,,,,,,,,,,1.0\n");
        boolean[][] l = LabelCsv.readPositives(p, List.of("a", "b"));
        assertArrayEquals(pos(13), l[0]);
        assertArrayEquals(pos(1), l[1]);
    }

    @Test
    void withoutIdColumnRowsFollowTheReports() throws Exception {
        // CheXbert's own output: a Report column, rows in report order
        Path p = write("Report," + CLASSES + "\n\"x, y\",,,,,,,,,,1.0,,,,\nz,,,,,,,,,,,,,,\n");
        boolean[][] l = LabelCsv.readPositives(p, List.of("r1", "r2"));
        assertArrayEquals(pos(9), l[0]);
        assertArrayEquals(pos(), l[1]);
        RevtafException e = assertThrows(RevtafException.class, () -> LabelCsv.readPositives(p, List.of("r1")));
        assertTrue(e.getMessage().contains("2 label rows for 1 reports"), e.getMessage());
    }

    @Test
    void defectsNameTheFileAndPlace() throws Exception {
        Path noCol = write("id,Cardiomegaly\na,1.0\n");
        RevtafException e1 = assertThrows(RevtafException.class, () -> LabelCsv.readPositives(noCol, List.of("a")));
        assertTrue(e1.getMessage().contains("no column 'Enlarged Cardiomediastinum'"), e1.getMessage());
        Path badCell = write("id," + CLASSES + "\na,,yes,,,,,,,,,,,,\n");
        RevtafException e2 = assertThrows(RevtafException.class, () -> LabelCsv.readPositives(badCell, List.of("a")));
        assertTrue(e2.getMessage().contains("labels.csv:2: column 'Cardiomegaly': 'yes'"), e2.getMessage());
        Path missing = write("id," + CLASSES + "\na,,,,,,,,,,,,,,\n");
        RevtafException e3 =
                assertThrows(RevtafException.class, () -> LabelCsv.readPositives(missing, List.of("a", "b")));
        assertTrue(e3.getMessage().contains("no labels for id 'b'"), e3.getMessage());
        Path unclosed = write("id," + CLASSES + "\na,\"1.0\n");
        RevtafException e4 = assertThrows(RevtafException.class, () -> LabelCsv.readPositives(unclosed, List.of("a")));
        assertTrue(e4.getMessage().startsWith(unclosed + ": malformed CSV: "), e4.getMessage());
        assertTrue(!e4.getMessage().contains("Exception"), e4.getMessage());
    }
}
