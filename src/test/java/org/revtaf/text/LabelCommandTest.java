package org.revtaf.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.cli.Main;
import picocli.CommandLine;

class LabelCommandTest {
    private static final String HEADER14 = "id,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,"
            + "Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,"
            + "Support Devices,No Finding";

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void jsonlToChexbertCsv(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("r.jsonl");
        Files.writeString(
                in,
                "{\"id\":\"a\",\"report\":\"Small left pleural effusion. No pneumothorax.\"}\n"
                        + "{\"id\":\"b,2\",\"report\":\"Possible pneumonia.\"}\n");
        Path out = dir.resolve("labels.csv");
        Run r = run("label", "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
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
                run("label", "--in", ann.toString(), "--out", out.toString(), "--classes", "18")
                        .code());
        List<String> a = Files.readAllLines(out);
        assertTrue(a.get(0)
                .endsWith("No Finding,Aorta Abnormal,Bone/Spine Abnormal,Hemidiaphragm Abnormal,Lung Volume Abnormal"));
        assertEquals("t1,,0.0,,,,,,,,,,,,1.0,,,,", a.get(1));
        assertEquals("s1,,,,,,,,,,,,,,1.0,1.0,,,", a.get(2));

        assertEquals(
                0, run("label", "--in", txt.toString(), "--out", out.toString()).code());
        List<String> t = Files.readAllLines(out);
        assertEquals(List.of(HEADER14, "1,,,,,,,,,,0.0,,,,1.0", "2,,1.0,,,,,,,,,,,,"), t);

        assertEquals(
                0,
                run("label", "--in", csvIn.toString(), "--out", out.toString()).code());
        assertEquals("1,,,,,,,,,1.0,,,,,", Files.readAllLines(out).get(1));
    }

    @Test
    void badInputNamesFileAndLineAndKeepsOldOutput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("o.csv");
        Files.writeString(out, "previous\n");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\":\"a\",\"report\":\"ok\"}\n{\"id\":\"b\" \"report\":1}\n");
        Run r = run("label", "--in", bad.toString(), "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl line 2"), r.err());
        assertEquals("previous\n", Files.readString(out));

        Path noReport = dir.resolve("n.jsonl");
        Files.writeString(noReport, "{\"id\":\"a\"}\n");
        Run r2 = run("label", "--in", noReport.toString(), "--out", out.toString());
        assertEquals(1, r2.code());
        assertTrue(r2.err().contains("n.jsonl line 1: missing or non-text key \"report\""), r2.err());

        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "text\nx\n");
        Run r3 = run("label", "--in", csv.toString(), "--out", out.toString());
        assertEquals(1, r3.code());
        assertTrue(r3.err().contains("c.csv line 1: no \"Report\" column"), r3.err());

        Run r4 = run("label", "--in", dir.resolve("missing.txt").toString(), "--out", out.toString());
        assertTrue(r4.err().contains("missing.txt: no such file"), r4.err());
        Run r5 = run("label", "--in", csv.toString(), "--out", out.toString(), "--classes", "15");
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
        Run bad = run(
                "label", "--in", ann.toString(), "--out", dir.resolve("o.csv").toString());
        assertEquals(1, bad.code());
        assertTrue(
                bad.err()
                        .contains(
                                "iu_annotation.json line 2 (split train, entry 1): missing or non-text key \"report\""),
                bad.err());
    }
}
