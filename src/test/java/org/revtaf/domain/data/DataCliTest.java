package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.edges.cli.CliRun;

/** revtaf synth and revtaf data check through the command line. */
class DataCliTest {
    /** {@code revtaf synth --out OUT ARGS}. */
    private static CliRun synth(Path out, String... args) {
        return CliRun.run(List.of("synth", "--out", out.toString()), args);
    }

    /** {@code revtaf data check --data DATA ARGS}. */
    private static CliRun check(Path data, String... args) {
        return CliRun.run(List.of("data", "check", "--data", data.toString()), args);
    }

    @Test
    void synthThenCheck(@TempDir Path tmp) throws Exception {
        Path ds = tmp.resolve("ds");
        Path sheet = tmp.resolve("sheet.png");
        CliRun r = synth(ds, "--studies", "20", "--size", "64", "--seed", "4", "--contact-sheet", sheet.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("wrote 20 studies (train 16, val 2, test 2)"), r.out());
        assertTrue(Files.size(sheet) > 1000);
        assertEquals(4 * 72, javax.imageio.ImageIO.read(sheet.toFile()).getWidth(), "4 columns of 64 + margins");

        synth(ds, "--studies", "3").assertFails(1, "not empty"); // a non-empty folder is kept

        r = check(ds);
        assertEquals(0, r.status(), r.err());
        String o = r.out();
        assertTrue(o.matches("(?s).*train\\s+16\\s+16\\s+16\\s+0\\s+0.*"), o);
        assertTrue(o.matches("(?s).*total\\s+20\\s+20\\s+20\\s+0\\s+0.*"), o);
        assertTrue(o.contains("labels of 20 studies"), o);
        assertTrue(o.contains("Pleural Effusion") && o.contains("Lung Volume Abnormal"), o);
        assertTrue(o.contains("no problems"), o);

        // a missing and a corrupt image: everything is checked, the full table then the problems with
        // file and entry on stdout, a one-line message on stderr, exit 1
        Files.delete(ds.resolve("images/s000003/0.png"));
        Files.writeString(ds.resolve("images/s000005/0.png"), "corrupt");
        r = check(ds);
        assertEquals(1, r.status());
        o = r.out();
        assertTrue(o.matches("(?s).*total\\s+20\\s+20\\s+19\\s+1\\s+1.*"), o);
        assertTrue(o.contains("labels of 20 studies"), o);
        assertTrue(o.contains("2 problems:"), o);
        Path ann = ds.resolve("annotation.json");
        assertTrue(o.contains("  " + ann + ": train (id s000003): image not found"), o);
        assertTrue(o.contains("  " + ann + ": train (id s000005): ") && o.contains("corrupt"), o);
        String e = r.err();
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(e.startsWith("revtaf data check: 2 problems in " + ann) && e.contains("(id s000003)"), e);
        r = check(ds, "--no-decode");
        assertEquals(1, r.status());
        assertTrue(r.out().contains("1 problem:"), r.out());

        // a malformed entry does not stop the check either: it is counted with the image problems
        String json = Files.readString(ann);
        Files.writeString(ann, json.replaceFirst("\"report\" : \"[^\"]*\"", "\"report\" : \"\""));
        r = check(ds);
        assertEquals(1, r.status());
        o = r.out();
        assertTrue(o.contains("3 problems:") && o.contains(ann + ": train[0] (id s000001): empty report"), o);
        assertTrue(o.matches("(?s).*train\\s+15\\s+15\\s+14\\s+1\\s+1.*"), o);
        assertFalse(o.contains("--on-bad-sample"), o);

        // --on-bad-sample skip: the same report, the problems counted as skipped, exit 0
        r = check(ds, "--on-bad-sample", "skip");
        assertEquals(0, r.status());
        o = r.out();
        assertTrue(o.contains("3 problems:") && o.contains("skipped 3 bad samples (--on-bad-sample skip)"), o);
    }

    @Test
    void synthValidatesItsOutputsBeforeGenerating(@TempDir Path tmp) throws Exception {
        Path ds = tmp.resolve("ds");
        Path folder = Files.createDirectories(tmp.resolve("sheets"));
        CliRun r = synth(ds, "--studies", "3", "--contact-sheet", folder.toString());
        assertEquals(1, r.status());
        assertEquals(
                "revtaf synth: --contact-sheet " + folder + ": is a folder; give a file name such as sheet.png",
                r.err().strip());
        assertFalse(Files.exists(ds), "nothing generated");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        synth(ds, "--studies", "3", "--contact-sheet", file.resolve("s.png").toString())
                .assertFails(
                        1, "--contact-sheet " + file.resolve("s.png") + ": cannot create it, " + file + " is a file");
        synth(file.resolve("d"), "--studies", "3").assertFails(1, "--out " + file.resolve("d") + ": cannot create it");
        synth(ds, "--studies", "3", "--contact-sheet", ds.toString()).assertFails(1, "is the output folder itself");
        assertFalse(Files.exists(ds), "nothing generated");
        try (var l = Files.list(tmp)) {
            assertEquals(
                    List.of("file", "sheets"),
                    l.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void outOfRangeOptionsAreBadUsage(@TempDir Path tmp) {
        Path ds = tmp.resolve("ds");
        String[][] cases = {
            {"--studies", "0", "--studies must be at least 1, got 0"},
            {"--size", "8", "--size must be between 32 and 1024, got 8"},
            {"--size", "2048", "--size must be between 32 and 1024, got 2048"},
            {"--threads", "0", "--threads must be at least 1, got 0"},
        };
        for (String[] c : cases) synth(ds, c[0], c[1]).assertFails(2, c[2]);
        synth(Path.of("")).assertFails(2, "--out: empty path");
        check(Path.of("")).assertFails(2, "--data: empty path");
        check(ds, "--on-bad-sample", "maybe").assertFails(2, "--on-bad-sample: expected fail or skip, got 'maybe'");
        assertFalse(Files.exists(ds));
    }

    @Test
    void checkReadsTheOtherLayoutsAndRejectsBadUsage(@TempDir Path tmp) {
        CliRun r = check(Fixtures.path("kaggle-iu"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("labels: none"), r.out());
        Path mimic = Fixtures.path("mimic-cxr-jpg");
        r = check(mimic, "--reports", mimic.resolve("reports").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("(?s).*val\\s+1\\s+2\\s+2\\s+0.*"), r.out());
        r = check(mimic).assertFails(1, "--reports");
        assertFalse(r.err().contains("Exception"), "no stack traces: " + r.err());
        r = check(tmp).assertFails(1, "no annotation.json");
        assertFalse(r.err().contains("Exception"), "no stack traces: " + r.err());
    }
}
