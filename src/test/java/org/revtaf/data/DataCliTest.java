package org.revtaf.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.cli.Main;

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

        // a missing image: fail names the file and the entry; skip counts and lists it; both exit 1
        Files.delete(ds.resolve("images/s000003/0.png"));
        Files.writeString(ds.resolve("images/s000005/0.png"), "corrupt");
        err.getBuffer().setLength(0);
        assertEquals(1, run("data", "check", "--data", ds.toString()));
        assertTrue(
                err.toString().contains("(id s000003)") && err.toString().contains("image not found"), err.toString());
        out.getBuffer().setLength(0);
        assertEquals(1, run("data", "check", "--data", ds.toString(), "--on-bad-sample", "skip"));
        o = out.toString();
        assertTrue(o.matches("(?s).*total\\s+20\\s+20\\s+19\\s+1\\s+1.*"), o);
        assertTrue(o.contains("skipped 2 bad samples"), o);
        assertTrue(o.contains("2 problems"), o);
        out.getBuffer().setLength(0);
        assertEquals(1, run("data", "check", "--data", ds.toString(), "--on-bad-sample", "skip", "--no-decode"));
        assertTrue(out.toString().contains("1 problem"), out.toString());
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
        assertEquals(
                1, run("data", "check", "--data", Fixtures.path("iu-r2gen").toString(), "--on-bad-sample", "ignore"));
        assertTrue(err.toString().contains("--on-bad-sample"), err.toString());
        assertFalse(err.toString().contains("Exception"), "no stack traces: " + err);
    }
}
