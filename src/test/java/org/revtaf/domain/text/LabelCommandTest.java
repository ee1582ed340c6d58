package org.revtaf.domain.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.cli.CliRun;

class LabelCommandTest {
    private static final String HEADER14 = "id,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,"
            + "Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,"
            + "Support Devices,No Finding";

    @Test
    void jsonlToChexbertCsv(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("r.jsonl");
        Files.writeString(
                in,
                "{\"id\":\"a\",\"report\":\"Small left pleural effusion. No pneumothorax.\"}\n"
                        + "{\"id\":\"b,2\",\"report\":\"Possible pneumonia.\"}\n");
        Path out = dir.resolve("labels.csv");
        CliRun r = CliRun.run("label", "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(HEADER14, lines.get(0));
        assertEquals("a,,,,,,,,,0.0,1.0,,,,", lines.get(1));
        assertEquals("\"b,2\",,,,,,,-1.0,,,,,,,", lines.get(2));
    }

    @Test
    void allFourInputKindsAndEighteenClasses(@TempDir Path dir) throws Exception {
        Path ann = dir.resolve("annotation.json");
        Files.writeString(
                ann,
                "{\"train\": [{\"id\": \"t1\", \"report\": \"Heart size is normal.\", \"image_path\": [\"x.png\"]}],\n"
                        + " \"val\": [], \"test\": [{\"id\": \"s1\", \"report\": \"The aorta is tortuous.\", \"labels\": [0]}]}");
        Path txt = dir.resolve("r.txt");
        Files.writeString(txt, "No effusion.\nMild cardiomegaly.\n");
        Path csvIn = dir.resolve("r.csv");
        Files.writeString(csvIn, "Report,other\n\"Pneumothorax, small.\",x\n");
        Path out = dir.resolve("o.csv");

        assertEquals(
                0,
                CliRun.run("label", "--in", ann.toString(), "--out", out.toString(), "--classes", "18")
                        .status());
        List<String> a = Files.readAllLines(out);
        assertTrue(a.get(0)
                .endsWith("No Finding,Aorta Abnormal,Bone/Spine Abnormal,Hemidiaphragm Abnormal,Lung Volume Abnormal"));
        assertEquals("t1,,0.0,,,,,,,,,,,,1.0,,,,", a.get(1));
        assertEquals("s1,,,,,,,,,,,,,,1.0,1.0,,,", a.get(2));

        assertEquals(
                0,
                CliRun.run("label", "--in", txt.toString(), "--out", out.toString())
                        .status());
        List<String> t = Files.readAllLines(out);
        assertEquals(List.of(HEADER14, "1,,,,,,,,,,0.0,,,,1.0", "2,,1.0,,,,,,,,,,,,"), t);

        assertEquals(
                0,
                CliRun.run("label", "--in", csvIn.toString(), "--out", out.toString())
                        .status());
        assertEquals("1,,,,,,,,,1.0,,,,,", Files.readAllLines(out).get(1));
    }

    @Test
    void badInputNamesFileAndLineAndKeepsOldOutput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("o.csv");
        Files.writeString(out, "previous\n");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\":\"a\",\"report\":\"ok\"}\n{\"id\":\"b\" \"report\":1}\n");
        CliRun r = CliRun.run("label", "--in", bad.toString(), "--out", out.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("bad.jsonl:2: not valid JSON"), r.err());
        assertEquals("previous\n", Files.readString(out));

        Path noReport = dir.resolve("n.jsonl");
        Files.writeString(noReport, "{\"id\":\"a\"}\n");
        CliRun r2 = CliRun.run("label", "--in", noReport.toString(), "--out", out.toString());
        assertEquals(1, r2.status());
        assertTrue(r2.err().contains("n.jsonl:1: missing key \"report\""), r2.err());

        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "text\nx\n");
        CliRun r3 = CliRun.run("label", "--in", csv.toString(), "--out", out.toString());
        assertEquals(1, r3.status());
        assertTrue(r3.err().contains("c.csv:1: no \"Report\" column"), r3.err());

        CliRun r4 = CliRun.run("label", "--in", dir.resolve("missing.txt").toString(), "--out", out.toString());
        assertTrue(r4.err().contains("missing.txt: no such file"), r4.err());
        CliRun r5 = CliRun.run("label", "--in", csv.toString(), "--out", out.toString(), "--classes", "15");
        assertTrue(r5.err().contains("--classes must be 14 or 18"), r5.err());
        assertEquals("previous\n", Files.readString(out));
    }

    @Test
    void flatAnnotationListWithNumericIds(@TempDir Path dir) throws Exception {
        Path ann = dir.resolve("iu_annotation.json");
        Files.writeString(
                ann, "[{\"id\": 7, \"report\": \"No pneumothorax.\"},\n {\"id\": 8, \"report\": \"Cardiomegaly.\"}]");
        List<ReportSource.Report> r = ReportSource.read(ann);
        assertEquals(
                List.of(
                        new ReportSource.Report("7", "No pneumothorax."),
                        new ReportSource.Report("8", "Cardiomegaly.")),
                r);
        Files.writeString(ann, "{\"train\": [{\"id\": \"a\", \"report\": \"x\"},\n {\"id\": \"b\"}]}");
        CliRun bad = CliRun.run(
                "label", "--in", ann.toString(), "--out", dir.resolve("o.csv").toString());
        assertEquals(1, bad.status());
        assertTrue(
                bad.err().contains("iu_annotation.json:2 (split train, entry 1): missing key \"report\""), bad.err());
    }

    @Test
    void outAsAFolderOrEmptyIsAClearErrorAndTheCsvGetsNormalPermissions(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("r.jsonl");
        Files.writeString(in, "{\"id\":\"a\",\"report\":\"No effusion.\"}\n");
        Path folder = Files.createDirectories(dir.resolve("existing"));
        CliRun r = CliRun.run("label", "--in", in.toString(), "--out", folder.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--out " + folder + ": is a folder"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("internal error"), r.err());
        CliRun empty = CliRun.run("label", "--in", in.toString(), "--out", "");
        assertEquals(1, empty.status());
        assertTrue(empty.err().contains("--out: an empty file name"), empty.err());
        try (var files = Files.list(folder)) {
            assertEquals(0, files.count());
        }
        // written through AtomicFile: the usual permissions (umask), not a temporary file's 0600
        Path out = dir.resolve("sub").resolve("labels.csv");
        assertEquals(
                0,
                CliRun.run("label", "--in", in.toString(), "--out", out.toString())
                        .status());
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
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
        CliRun r = CliRun.run("label", "--in", t.toString(), "--out", out.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("latin1.txt:2: not valid UTF-8"), r.err());
        Path j = dir.resolve("latin1.jsonl");
        byte[] head = "{\"id\":\"a\",\"report\":\"x\"}\n\n{\"id\":\"b\",\"report\":\"".getBytes();
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 3);
        bytes[head.length] = (byte) 0xff;
        bytes[head.length + 1] = '"';
        bytes[head.length + 2] = '}';
        Files.write(j, bytes);
        CliRun r2 = CliRun.run("label", "--in", j.toString(), "--out", out.toString());
        assertEquals(1, r2.status());
        assertTrue(r2.err().contains("latin1.jsonl:3: not valid UTF-8"), r2.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void duplicateIdsNameTheIdAndBothLines(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("o.csv");
        Files.writeString(out, "previous\n");
        Path j = dir.resolve("d.jsonl");
        Files.writeString(
                j,
                "{\"id\":\"a\",\"report\":\"x\"}\n{\"id\":\"b\",\"report\":\"y\"}\n"
                        + "{\"id\":\"a\",\"report\":\"z\"}\n");
        CliRun r = CliRun.run("label", "--in", j.toString(), "--out", out.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("d.jsonl:3: duplicate id 'a', first at line 1"), r.err());
        // across the splits of an annotation.json, and integer ids equal to text ids
        Path ann = dir.resolve("annotation.json");
        Files.writeString(
                ann, "{\"train\": [{\"id\": 7, \"report\": \"x\"}],\n \"test\": [{\"id\": \"7\", \"report\": \"y\"}]}");
        CliRun r2 = CliRun.run("label", "--in", ann.toString(), "--out", out.toString());
        assertEquals(1, r2.status());
        assertTrue(
                r2.err()
                        .contains("annotation.json:2 (split test, entry 0): duplicate id '7', first at line 1"
                                + " (split train, entry 0)"),
                r2.err());
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "id,Report\nx,\"two\nlines\"\ny,b\nx,c\n");
        CliRun r3 = CliRun.run("label", "--in", csv.toString(), "--out", out.toString());
        assertEquals(1, r3.status());
        assertTrue(r3.err().contains("d.csv:5: duplicate id 'x', first at line 2"), r3.err());
        assertEquals("previous\n", Files.readString(out));
    }

    @Test
    void anInputWithoutReportsIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("o.csv");
        Files.writeString(out, "previous\n");
        String[][] cases = {
            {"e.jsonl", ""},
            {"blank.jsonl", "\n  \n"},
            {"e.txt", "\n\n"},
            {"e.csv", "id,Report\n"},
            {"annotation.json", "{\"train\": [], \"val\": [], \"test\": []}"},
            {"flat.json", "[]"}
        };
        for (String[] c : cases) {
            Path in = Files.writeString(dir.resolve(c[0]), c[1]);
            CliRun r = CliRun.run("label", "--in", in.toString(), "--out", out.toString());
            assertEquals(1, r.status(), c[0]);
            assertTrue(r.err().contains(in + ": no reports in the file"), r.err());
            assertFalse(r.out().contains("labelled"), r.out());
        }
        assertEquals("previous\n", Files.readString(out));
    }
}
