package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.cli.CliRun;

class LabelCommandTest {
    /** {@code revtaf label --in IN --out OUT ARGS}. */
    private static CliRun label(Path in, Path out, String... args) {
        return CliRun.run(List.of("label", "--in", in.toString(), "--out", out.toString()), args);
    }

    /** Writes {@code text} to {@code dir/name}: the input files of these cases. */
    private static Path file(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** JSON lines {@code {"id":ID,"report":REPORT}} from id, report pairs (plain text: nothing to escape). */
    private static String jsonl(String... idThenReport) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < idThenReport.length; i += 2) {
            b.append("{\"id\":\"").append(idThenReport[i]).append("\",\"report\":\"");
            b.append(idThenReport[i + 1]).append("\"}\n");
        }
        return b.toString();
    }

    private static final String HEADER14 = "id,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,"
            + "Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,"
            + "Support Devices,No Finding";

    @Test
    void jsonlToChexbertCsv(@TempDir Path dir) throws Exception {
        Path in = file(
                dir,
                "r.jsonl",
                jsonl("a", "Small left pleural effusion. No pneumothorax.", "b,2", "Possible pneumonia."));
        Path out = dir.resolve("labels.csv");
        CliRun r = label(in, out);
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(HEADER14, lines.get(0));
        assertEquals("a,,,,,,,,,0.0,1.0,,,,", lines.get(1));
        assertEquals("\"b,2\",,,,,,,-1.0,,,,,,,", lines.get(2));
    }

    @Test
    void allFourInputKindsAndEighteenClasses(@TempDir Path dir) throws Exception {
        Path ann = file(
                dir,
                "annotation.json",
                "{\"train\": [{\"id\": \"t1\", \"report\": \"Heart size is normal.\", \"image_path\": [\"x.png\"]}],\n"
                        + " \"val\": [], \"test\": [{\"id\": \"s1\", \"report\": \"The aorta is tortuous.\", \"labels\": [0]}]}");
        Path txt = file(dir, "r.txt", "No effusion.\nMild cardiomegaly.\n");
        Path csvIn = file(dir, "r.csv", "Report,other\n\"Pneumothorax, small.\",x\n");
        Path out = dir.resolve("o.csv");

        assertEquals(0, label(ann, out, "--classes", "18").status());
        List<String> a = Files.readAllLines(out);
        assertTrue(a.get(0)
                .endsWith("No Finding,Aorta Abnormal,Bone/Spine Abnormal,Hemidiaphragm Abnormal,Lung Volume Abnormal"));
        assertEquals("t1,,0.0,,,,,,,,,,,,1.0,,,,", a.get(1));
        assertEquals("s1,,,,,,,,,,,,,,1.0,1.0,,,", a.get(2));

        assertEquals(0, label(txt, out).status());
        List<String> t = Files.readAllLines(out);
        assertEquals(List.of(HEADER14, "1,,,,,,,,,,0.0,,,,1.0", "2,,1.0,,,,,,,,,,,,"), t);

        assertEquals(0, label(csvIn, out).status());
        assertEquals("1,,,,,,,,,1.0,,,,,", Files.readAllLines(out).get(1));
    }

    @Test
    void badInputNamesFileAndLineAndKeepsOldOutput(@TempDir Path dir) throws Exception {
        Path out = file(dir, "o.csv", "previous\n");
        Path bad = file(dir, "bad.jsonl", jsonl("a", "ok") + "{\"id\":\"b\" \"report\":1}\n");
        label(bad, out).assertFails(1, "bad.jsonl:2: not valid JSON");
        assertEquals("previous\n", Files.readString(out));

        Path noReport = file(dir, "n.jsonl", "{\"id\":\"a\"}\n");
        label(noReport, out).assertFails(1, "n.jsonl:1: missing key \"report\"");

        Path csv = file(dir, "c.csv", "text\nx\n");
        label(csv, out).assertFails(1, "c.csv:1: no \"Report\" column");

        label(dir.resolve("missing.txt"), out).assertFails(1, "missing.txt: no such file");
        label(csv, out, "--classes", "15").assertFails(1, "--classes must be 14 or 18");
        assertEquals("previous\n", Files.readString(out));
    }

    @Test
    void flatAnnotationListWithNumericIds(@TempDir Path dir) throws Exception {
        Path ann = file(
                dir,
                "iu_annotation.json",
                "[{\"id\": 7, \"report\": \"No pneumothorax.\"},\n {\"id\": 8, \"report\": \"Cardiomegaly.\"}]");
        List<ReportSource.Report> r = ReportSource.read(ann);
        assertEquals(
                List.of(
                        new ReportSource.Report("7", "No pneumothorax."),
                        new ReportSource.Report("8", "Cardiomegaly.")),
                r);
        Files.writeString(ann, "{\"train\": [{\"id\": \"a\", \"report\": \"x\"},\n {\"id\": \"b\"}]}");
        label(ann, dir.resolve("o.csv"))
                .assertFails(1, "iu_annotation.json:2 (split train, entry 1): missing key \"report\"");
    }

    @Test
    void outAsAFolderOrEmptyIsAClearErrorAndTheCsvGetsNormalPermissions(@TempDir Path dir) throws Exception {
        Path in = file(dir, "r.jsonl", jsonl("a", "No effusion."));
        Path folder = Files.createDirectories(dir.resolve("existing"));
        CliRun r = label(in, folder).assertFails(1, "--out " + folder + ": is a folder");
        assertFalse(r.err().contains("Exception") || r.err().contains("internal error"), r.err());
        label(in, Path.of("")).assertFails(1, "--out: an empty file name");
        try (var files = Files.list(folder)) {
            assertEquals(0, files.count());
        }
        // written through AtomicFile: the usual permissions (umask), not a temporary file's 0600
        Path out = dir.resolve("sub").resolve("labels.csv");
        assertEquals(0, label(in, out).status());
        Path plain = file(dir, "plain.txt", "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void nonUtf8InputNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("o.csv");
        byte[] txt = {'o', 'k', '\n', 'b', (byte) 0xe9, 'd', '\n'};
        Path t = dir.resolve("latin1.txt");
        Files.write(t, txt);
        label(t, out).assertFails(1, "latin1.txt:2: not valid UTF-8");
        Path j = dir.resolve("latin1.jsonl");
        byte[] head = "{\"id\":\"a\",\"report\":\"x\"}\n\n{\"id\":\"b\",\"report\":\"".getBytes();
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 3);
        bytes[head.length] = (byte) 0xff;
        bytes[head.length + 1] = '"';
        bytes[head.length + 2] = '}';
        Files.write(j, bytes);
        label(j, out).assertFails(1, "latin1.jsonl:3: not valid UTF-8");
        assertFalse(Files.exists(out));
    }

    @Test
    void duplicateIdsNameTheIdAndBothLines(@TempDir Path dir) throws Exception {
        Path out = file(dir, "o.csv", "previous\n");
        Path j = file(dir, "d.jsonl", jsonl("a", "x", "b", "y", "a", "z"));
        label(j, out).assertFails(1, "d.jsonl:3: duplicate id 'a', first at line 1");
        // across the splits of an annotation.json, and integer ids equal to text ids
        Path ann = file(
                dir,
                "annotation.json",
                "{\"train\": [{\"id\": 7, \"report\": \"x\"}],\n \"test\": [{\"id\": \"7\", \"report\": \"y\"}]}");
        label(ann, out)
                .assertFails(
                        1,
                        "annotation.json:2 (split test, entry 0): duplicate id '7', first at line 1"
                                + " (split train, entry 0)");
        Path csv = file(dir, "d.csv", "id,Report\nx,\"two\nlines\"\ny,b\nx,c\n");
        label(csv, out).assertFails(1, "d.csv:5: duplicate id 'x', first at line 2");
        assertEquals("previous\n", Files.readString(out));
    }

    @Test
    void anInputWithoutReportsIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path out = file(dir, "o.csv", "previous\n");
        String[][] cases = {
            {"e.jsonl", ""},
            {"blank.jsonl", "\n  \n"},
            {"e.txt", "\n\n"},
            {"e.csv", "id,Report\n"},
            {"annotation.json", "{\"train\": [], \"val\": [], \"test\": []}"},
            {"flat.json", "[]"}
        };
        for (String[] c : cases) {
            Path in = file(dir, c[0], c[1]);
            CliRun r = label(in, out);
            assertEquals(1, r.status(), c[0]);
            assertTrue(r.err().contains(in + ": no reports in the file"), r.err());
            assertFalse(r.out().contains("labelled"), r.out());
        }
        assertEquals("previous\n", Files.readString(out));
    }
}
