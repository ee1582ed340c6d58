package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

/** The one reader of report files, in both modes: label (all kinds, all splits) and evaluate (one split). */
class ReportSourceTest {
    @TempDir
    Path dir;

    private static final String ANN = "{\"train\": [{\"id\": \"t\", \"report\": \"a\"}],\n"
            + " \"test\": [{\"id\": 2, \"report\": \"b\"},\n {\"id\": \"1\", \"report\": \"c\"}]}";

    @Test
    void annotationAllSplitsForLabelOneSplitForEvaluate() throws Exception {
        // an annotation.json under any name (evaluate treats every non-.jsonl file as one)
        Path ann = Files.writeString(dir.resolve("mimic_annotation.json"), ANN);
        assertEquals(
                List.of(
                        new ReportSource.Report("t", "a"),
                        new ReportSource.Report("2", "b"),
                        new ReportSource.Report("1", "c")),
                ReportSource.read(ann));
        Map<String, String> test = ReportSource.byId(ReportSource.read(ann, "test"));
        assertEquals(List.of("2", "1"), List.copyOf(test.keySet()), "file order kept");
        assertEquals("c", test.get("1"));
        RevtafException noSplit = assertThrows(RevtafException.class, () -> ReportSource.read(ann, "val"));
        assertTrue(noSplit.getMessage().contains("no split 'val' (splits present: train, test)"), noSplit.getMessage());
        assertTrue(ReportSource.isAnnotation(ann));
        assertTrue(ReportSource.isAnnotation(Path.of("ann")));
        assertTrue(!ReportSource.isAnnotation(Path.of("x.JSONL")));
    }

    @Test
    void flatListAndJsonlReadTheSameInBothModes() throws Exception {
        Path flat = Files.writeString(dir.resolve("iu.json"), "[{\"id\": 1, \"report\": \"x\"}]");
        Path jsonl = Files.writeString(dir.resolve("r.jsonl"), "{\"id\": 1, \"report\": \"x\"}\r\n\r\n");
        List<ReportSource.Report> want = List.of(new ReportSource.Report("1", "x"));
        for (Path p : List.of(flat, jsonl)) {
            assertEquals(want, ReportSource.read(p));
            assertEquals(want, ReportSource.read(p, "test"));
        }
    }

    @Test
    void keyErrorsNameFileLineAndKey() throws Exception {
        String[][] cases = {
            {"{\"id\": [1], \"report\": \"x\"}", "r.jsonl:1: key \"id\" must be text or an integer"},
            {"{\"id\": 1, \"report\": 3}", "r.jsonl:1: key \"report\" must be text"},
            {"{\"report\": \"x\"}", "r.jsonl:1: missing key \"id\""},
            {"[1]", "r.jsonl:1: expected a JSON object"},
        };
        for (String[] c : cases) {
            Path p = Files.writeString(dir.resolve("r.jsonl"), c[0] + "\n");
            RevtafException e = assertThrows(RevtafException.class, () -> ReportSource.read(p, "test"));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        Path trailing = Files.writeString(dir.resolve("a.json"), "{\"test\": []}\n{}");
        RevtafException e = assertThrows(RevtafException.class, () -> ReportSource.read(trailing));
        assertTrue(e.getMessage().contains("a.json:2: unexpected content"), e.getMessage());
    }
}
