package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code revtaf demo --quick} end to end as CI runs it (about a minute on 2 idle cores): every stage
 * runs, the metrics table and the paths are printed, report.html is one self-contained file with
 * the images inlined, the plots exist; a second run continues from the finished stages; bad
 * {@code --out} targets are refused and left as they were.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void quickDemoRunsEveryStageWritesTheReportAndContinuesWhenRunAgain() throws Exception {
        Path out = dir.resolve("demo");
        CliRun r = CliRun.run("demo", "--quick", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> stages = List.of("synth", "pretrain", "precompute", "train", "generate", "evaluate", "report");
        for (int i = 0; i < stages.size(); i++) {
            String banner = "[" + (i + 1) + "/7] " + stages.get(i);
            assertTrue(r.err().contains(banner), "stage banner " + banner + " in\n" + r.err());
        }
        assertTrue(r.out().contains("ran demo --quick: 240 synthetic studies"), r.out());
        for (String metric : List.of("BLEU_4", "METEOR", "ROUGE_L", "CIDEr", "CE_F1"))
            assertTrue(
                    Pattern.compile("(?m)^" + metric + " +\\d\\.\\d{4} +\\d\\.\\d{4}$")
                            .matcher(r.out())
                            .find(),
                    metric + " row (model and baseline) in\n" + r.out());
        Path html = out.resolve("report.html");
        assertTrue(r.out().contains("report: " + html.toAbsolutePath()), r.out());
        for (String png : List.of("loss.png", "lr.png", "validation.png"))
            assertTrue(Files.size(out.resolve("plots").resolve(png)) > 1000, png);

        String page = Files.readString(html);
        // self-contained: images inlined, nothing to fetch
        assertFalse(
                Pattern.compile("(src|href)=\"(https?:|//|file:)").matcher(page).find(), "external reference");
        assertTrue(page.contains("default-src 'none'"), "the page forbids network requests");
        long images = count(page, "src=\"data:image/png;base64,");
        // 4 studies: the image, 4 LRP overlays and one GRP overlay per retrieved sentence (1 to 4: the
        // retrieved report decides, and which report is nearest can change with a kernel's rounding);
        // and the 3 charts
        assertEquals(4, count(page, "<figure class=\"xray\"><img"), "one x-ray per study");
        assertEquals(4, count(page, "GRP branch"), "GRP overlays for every study");
        assertEquals(4, count(page, "LRP branch"), "LRP overlays for every study");
        assertTrue(images >= 4 * (1 + 1 + 4) + 3, images + " inlined images");
        assertTrue(page.contains("s000010"), "the first test study is shown");
        assertTrue(page.contains("Poincar"), "the retrieved report with its distance");

        // the run folder: resolved config with the plan, log with every stage, metrics CSVs
        assertTrue(Files.readString(out.resolve("config.yaml")).startsWith("# demo --quick: 240 synthetic studies"));
        String log = Files.readString(out.resolve("log.txt"));
        assertTrue(log.contains("[4/7] train") && log.contains("train: 192 training"), log);
        assertTrue(Files.isRegularFile(out.resolve("train/metrics.csv")));
        assertTrue(Files.list(out.resolve("eval")).findAny().isPresent(), "eval CSVs");

        // again: the finished stages are reused, nothing is trained twice
        FileTime foundation = Files.getLastModifiedTime(out.resolve("foundation/foundation.safetensors"));
        FileTime best = Files.getLastModifiedTime(out.resolve("train/best.safetensors"));
        CliRun again = CliRun.run("demo", "--quick", "--out", out.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.err().contains("continuing the demo"), again.err());
        assertEquals(foundation, Files.getLastModifiedTime(out.resolve("foundation/foundation.safetensors")));
        assertEquals(best, Files.getLastModifiedTime(out.resolve("train/best.safetensors")));
        assertEquals(table(r.out()), table(again.out()), "the same metrics");
    }

    private static String table(String out) {
        return out.substring(out.indexOf("metric "), out.indexOf("report: "));
    }

    @Test
    void outThatIsAFileIsRefusedAndKept() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        CliRun r = CliRun.run("demo", "--quick", "--out", file.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--out " + file + ": exists and is not a folder"), r.err());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void outThatHoldsSomethingElseIsRefusedAndKept() throws Exception {
        Path other = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(other.resolve("a.txt"), "keep");
        assertRefusedAndKept(other, "is not empty and is not a revtaf run", other.resolve("a.txt"));

        Path train = Files.createDirectories(dir.resolve("run"));
        Files.writeString(train.resolve("run.json"), "{\"format\": \"revtaf-run\", \"kind\": \"train\"}\n");
        assertRefusedAndKept(train, "holds a train run, not a demo", train.resolve("run.json"));
    }

    /** {@code demo --out folder} exits 1 with {@code message} and leaves {@code folder} holding only {@code kept}. */
    private static void assertRefusedAndKept(Path folder, String message, Path kept) throws Exception {
        CliRun r = CliRun.run("demo", "--out", folder.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains(message), r.err());
        try (var listing = Files.list(folder)) {
            assertEquals(List.of(kept), listing.toList());
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, CliRun.run("demo", "--device", "tpu").status());
        assertEquals(2, CliRun.run("demo", "--threads", "0").status());
        assertEquals(2, CliRun.run("demo", "--out", "").status());
    }

    private static long count(String page, String what) {
        return Pattern.compile(Pattern.quote(what)).matcher(page).results().count();
    }
}
