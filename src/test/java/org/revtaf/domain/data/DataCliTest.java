package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.cli.Main;

/** revtaf synth and revtaf data check through the command line. */
class DataCliTest {
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int run(String... args) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void synthThenCheck(@TempDir Path tmp) throws Exception {
        Path ds = tmp.resolve("ds");
        Path sheet = tmp.resolve("sheet.png");
        assertEquals(
                0,
                run(
                        "synth",
                        "--out",
                        ds.toString(),
                        "--studies",
                        "20",
                        "--size",
                        "64",
                        "--seed",
                        "4",
                        "--contact-sheet",
                        sheet.toString()),
                err.toString());
        assertTrue(out.toString().contains("wrote 20 studies (train 16, val 2, test 2)"), out.toString());
        assertTrue(Files.size(sheet) > 1000);
        assertEquals(4 * 72, javax.imageio.ImageIO.read(sheet.toFile()).getWidth(), "4 columns of 64 + margins");

        assertEquals(1, run("synth", "--out", ds.toString(), "--studies", "3"), "a non-empty folder is kept");
        assertTrue(err.toString().contains("not empty"), err.toString());

        out.getBuffer().setLength(0);
        assertEquals(0, run("data", "check", "--data", ds.toString()), err.toString());
        String o = out.toString();
        assertTrue(o.matches("(?s).*train\\s+16\\s+16\\s+16\\s+0\\s+0.*"), o);
        assertTrue(o.matches("(?s).*total\\s+20\\s+20\\s+20\\s+0\\s+0.*"), o);
        assertTrue(o.contains("labels of 20 studies"), o);
        assertTrue(o.contains("Pleural Effusion") && o.contains("Lung Volume Abnormal"), o);
        assertTrue(o.contains("no problems"), o);

        // a missing and a corrupt image: everything is checked, the full table then the problems with
        // file and entry on stdout, a one-line message on stderr, exit 1
        Files.delete(ds.resolve("images/s000003/0.png"));
        Files.writeString(ds.resolve("images/s000005/0.png"), "corrupt");
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertEquals(1, run("data", "check", "--data", ds.toString()));
        o = out.toString();
        assertTrue(o.matches("(?s).*total\\s+20\\s+20\\s+19\\s+1\\s+1.*"), o);
        assertTrue(o.contains("labels of 20 studies"), o);
        assertTrue(o.contains("2 problems:"), o);
        Path ann = ds.resolve("annotation.json");
        assertTrue(o.contains("  " + ann + ": train (id s000003): image not found"), o);
        assertTrue(o.contains("  " + ann + ": train (id s000005): ") && o.contains("corrupt"), o);
        String e = err.toString();
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(e.startsWith("revtaf data check: 2 problems in " + ann) && e.contains("(id s000003)"), e);
        out.getBuffer().setLength(0);
        assertEquals(1, run("data", "check", "--data", ds.toString(), "--no-decode"));
        assertTrue(out.toString().contains("1 problem:"), out.toString());

        // a malformed entry does not stop the check either: it is counted with the image problems
        String json = Files.readString(ann);
        Files.writeString(ann, json.replaceFirst("\"report\" : \"[^\"]*\"", "\"report\" : \"\""));
        out.getBuffer().setLength(0);
        assertEquals(1, run("data", "check", "--data", ds.toString()));
        o = out.toString();
        assertTrue(o.contains("3 problems:") && o.contains(ann + ": train[0] (id s000001): empty report"), o);
        assertTrue(o.matches("(?s).*train\\s+15\\s+15\\s+14\\s+1\\s+1.*"), o);
        assertFalse(o.contains("--on-bad-sample"), o);

        // --on-bad-sample skip: the same report, the problems counted as skipped, exit 0
        out.getBuffer().setLength(0);
        assertEquals(0, run("data", "check", "--data", ds.toString(), "--on-bad-sample", "skip"));
        o = out.toString();
        assertTrue(o.contains("3 problems:") && o.contains("skipped 3 bad samples (--on-bad-sample skip)"), o);
    }

    @Test
    void synthValidatesItsOutputsBeforeGenerating(@TempDir Path tmp) throws Exception {
        Path ds = tmp.resolve("ds");
        Path folder = Files.createDirectories(tmp.resolve("sheets"));
        assertEquals(1, run("synth", "--out", ds.toString(), "--studies", "3", "--contact-sheet", folder.toString()));
        assertEquals(
                "revtaf synth: --contact-sheet " + folder + ": is a folder; give a file name such as sheet.png",
                err.toString().strip());
        assertFalse(Files.exists(ds), "nothing generated");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        err.getBuffer().setLength(0);
        assertEquals(
                1,
                run(
                        "synth",
                        "--out",
                        ds.toString(),
                        "--studies",
                        "3",
                        "--contact-sheet",
                        file.resolve("s.png").toString()));
        assertTrue(
                err.toString()
                        .contains("--contact-sheet " + file.resolve("s.png") + ": cannot create it, " + file
                                + " is a file"),
                err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, run("synth", "--out", file.resolve("d").toString(), "--studies", "3"));
        assertTrue(err.toString().contains("--out " + file.resolve("d") + ": cannot create it"), err.toString());
        assertEquals(1, run("synth", "--out", ds.toString(), "--studies", "3", "--contact-sheet", ds.toString()));
        assertTrue(err.toString().contains("is the output folder itself"), err.toString());
        assertFalse(Files.exists(ds), "nothing generated");
        try (var l = Files.list(tmp)) {
            assertEquals(
                    List.of("file", "sheets"),
                    l.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void outOfRangeOptionsAreBadUsage(@TempDir Path tmp) {
        String ds = tmp.resolve("ds").toString();
        String[][] cases = {
            {"--studies", "0", "--studies must be at least 1, got 0"},
            {"--size", "8", "--size must be between 32 and 1024, got 8"},
            {"--size", "2048", "--size must be between 32 and 1024, got 2048"},
            {"--threads", "0", "--threads must be at least 1, got 0"},
        };
        for (String[] c : cases) {
            err.getBuffer().setLength(0);
            assertEquals(2, run("synth", "--out", ds, c[0], c[1]), c[0] + " " + c[1]);
            assertTrue(err.toString().contains(c[2]), err.toString());
        }
        err.getBuffer().setLength(0);
        assertEquals(2, run("synth", "--out", ""));
        assertTrue(err.toString().contains("--out: empty path"), err.toString());
        assertEquals(2, run("data", "check", "--data", ""));
        assertTrue(err.toString().contains("--data: empty path"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("data", "check", "--data", ds, "--on-bad-sample", "maybe"));
        assertTrue(err.toString().contains("--on-bad-sample: expected fail or skip, got 'maybe'"), err.toString());
        assertFalse(Files.exists(tmp.resolve("ds")));
    }

    @Test
    void checkReadsTheOtherLayoutsAndRejectsBadUsage(@TempDir Path tmp) {
        assertEquals(
                0, run("data", "check", "--data", Fixtures.path("kaggle-iu").toString()), err.toString());
        assertTrue(out.toString().contains("labels: none"), out.toString());
        Path mimic = Fixtures.path("mimic-cxr-jpg");
        assertEquals(
                0,
                run(
                        "data",
                        "check",
                        "--data",
                        mimic.toString(),
                        "--reports",
                        mimic.resolve("reports").toString()),
                err.toString());
        assertTrue(out.toString().matches("(?s).*val\\s+1\\s+2\\s+2\\s+0.*"), out.toString());
        assertEquals(1, run("data", "check", "--data", mimic.toString()));
        assertTrue(err.toString().contains("--reports"), err.toString());
        assertEquals(1, run("data", "check", "--data", tmp.toString()));
        assertTrue(err.toString().contains("no annotation.json"), err.toString());
        assertFalse(err.toString().contains("Exception"), "no stack traces: " + err);
    }
}
