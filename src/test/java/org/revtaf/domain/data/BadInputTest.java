package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

/** Bad input is an error naming the file and the entry, or under SKIP a counted omission. */
class BadInputTest {
    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void images() throws IOException {
        Files.createDirectories(dir.resolve("images/a"));
        Files.copy(Fixtures.path("images/gray8.png"), dir.resolve("images/a/0.png"));
        Files.writeString(dir.resolve("secret.png"), "outside the image root");
    }

    private String entry(String id, String report, String path) {
        return "{\"id\": \"" + id + "\", \"report\": \"" + report + "\", \"image_path\": [\"" + path
                + "\"], \"split\": \"train\"}";
    }

    private RevtafException fail(String json) throws IOException {
        Files.writeString(dir.resolve("annotation.json"), json);
        return assertThrows(
                RevtafException.class, () -> AnnotationJson.readDir(dir, AnnotationJson.Options.STRICT, log::add));
    }

    private static void assertMentions(RevtafException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        assertMentions(fail("{\"train\": [\n{\"id\": \"x\",,}]}"), "annotation.json", "malformed JSON", "line 2");
        assertMentions(fail(""), "annotation.json", "empty");
    }

    @Test
    void messagesNameTheFileWithItsFolder() throws IOException {
        // the path as given, not just "annotation.json": several datasets may be open at once
        assertMentions(fail("[7]"), dir.resolve("annotation.json") + ": [0]: an entry must be an object");
    }

    @Test
    void annotationWriteIsAtomicAndRefusesAFolder() throws IOException {
        Path target = dir.resolve("out.json");
        Files.createDirectories(target);
        RevtafException e = assertThrows(RevtafException.class, () -> AnnotationJson.write(target, java.util.Map.of()));
        assertMentions(e, target.toString(), "is a directory");
        Path ok = dir.resolve("ok.json");
        AnnotationJson.write(ok, java.util.Map.of());
        assertEquals("{\n  \"train\" : [ ],\n  \"val\" : [ ],\n  \"test\" : [ ]\n}\n", Files.readString(ok));
        try (var l = Files.list(dir)) {
            assertEquals(
                    0,
                    l.filter(p -> p.getFileName().toString().contains(".tmp-")).count(),
                    "no temporary left");
        }
    }

    @Test
    void wrongShapesNameTheEntry() throws IOException {
        assertMentions(fail("42"), "annotation.json", "expected an object");
        assertMentions(fail("{\"train\": {}}"), "'train' must be a list");
        assertMentions(fail("{\"training\": []}"), "unknown split 'training'");
        assertMentions(fail("{\"train\": [7]}"), "train[0]", "must be an object");
        assertMentions(fail("{\"train\": [{\"report\": \"r\", \"image_path\": [\"a/0.png\"]}]}"), "train[0]", "'id'");
        assertMentions(
                fail("{\"train\": [{\"id\": \"x\", \"report\": \"r\", \"image_path\": \"a/0.png\"}]}"),
                "train[0] (id x)",
                "'image_path' must be a non-empty list");
        assertMentions(
                fail(
                        "{\"train\": [{\"id\": \"x\", \"report\": \"r\", \"image_path\": [\"a/0.png\"], \"labels\": [1, 2]}]}"),
                "(id x)",
                "14 or 18");
        assertMentions(fail("{\"val\": [" + entry("v", "ok", "a/0.png") + "]}"), "val[0] (id v)", "listed under 'val'");
    }

    @Test
    void emptyReportMissingImageAndEscapingPath() throws IOException {
        assertMentions(
                fail("{\"train\": [" + entry("a", "ok", "a/0.png") + ", " + entry("b", "  ", "a/0.png") + "]}"),
                "annotation.json: train[1] (id b)",
                "empty report");
        assertMentions(
                fail("{\"train\": [" + entry("m", "ok", "a/1.png") + "]}"), "train[0] (id m)", "image not found");
        assertMentions(
                fail("{\"train\": [" + entry("e", "ok", "../secret.png") + "]}"), "(id e)", "escapes the dataset root");
        assertMentions(
                fail("{\"train\": [" + entry("e", "ok", "a/../../secret.png") + "]}"), "escapes the dataset root");
        assertMentions(
                fail("{\"train\": ["
                        + entry("abs", "ok", dir.resolve("secret.png").toString()) + "]}"),
                "absolute");
    }

    @Test
    void skipLeavesBadEntriesOutAndCountsThem() throws IOException {
        Files.writeString(
                dir.resolve("annotation.json"),
                "{\"train\": [" + entry("good", "ok", "a/0.png") + ", "
                        + entry("empty", "", "a/0.png") + ", " + entry("gone", "ok", "a/9.png") + ", "
                        + entry("escape", "ok", "../secret.png") + "], \"test\": ["
                        + entry("t", "fine", "a/0.png").replace("train", "test") + "]}");
        Dataset ds = AnnotationJson.readDir(dir, new AnnotationJson.Options(BadSamplePolicy.SKIP, true), log::add);
        assertEquals(
                List.of("good"), ds.split(Split.TRAIN).stream().map(Study::id).toList());
        assertEquals(1, ds.split(Split.TEST).size());
        assertEquals(3, ds.skipped());
        assertTrue(log.get(0).contains("skipped 3 bad samples"), log.toString());
        assertTrue(log.get(1).contains("(id empty)"), log.toString());
    }

    @Test
    void missingFileAndCsvProblems() throws IOException {
        assertMentions(
                assertThrows(
                        RevtafException.class,
                        () -> AnnotationJson.read(
                                dir.resolve("nope.json"), dir, AnnotationJson.Options.STRICT, log::add)),
                "nope.json",
                "no such file");
        Files.writeString(dir.resolve("indiana_reports.csv"), "uid,findings\n1,x\n");
        Files.writeString(dir.resolve("indiana_projections.csv"), "uid,filename,projection\n");
        assertMentions(
                assertThrows(RevtafException.class, () -> KaggleIu.load(dir, BadSamplePolicy.FAIL, log::add)),
                "indiana_reports.csv",
                "missing column",
                "impression");
        Files.writeString(dir.resolve("indiana_reports.csv"), "uid,findings,impression\n7,Clear lungs.,Normal.\n");
        assertMentions(
                assertThrows(RevtafException.class, () -> KaggleIu.load(dir, BadSamplePolicy.FAIL, log::add)),
                dir.resolve("indiana_reports.csv") + ": line 2 (uid 7): no image in "
                        + dir.resolve("indiana_projections.csv"));
    }

    @Test
    void corruptAndTruncatedImages() throws IOException {
        Path notImage = dir.resolve("images/a/text.png");
        Files.writeString(notImage, "this is not a png");
        assertMentions(
                assertThrows(RevtafException.class, () -> Images.read(notImage)), "text.png", "not a PNG or JPEG");
        byte[] png = Files.readAllBytes(Fixtures.path("real-cxr/nih-00000001_000-cardiomegaly.png"));
        Path cut = dir.resolve("images/a/cut.png");
        Files.write(cut, java.util.Arrays.copyOf(png, png.length / 2));
        assertMentions(assertThrows(RevtafException.class, () -> Images.read(cut)), "cut.png");
        byte[] jpg = Files.readAllBytes(Fixtures.path("images/rgb8.jpg"));
        Path cutJpg = dir.resolve("images/a/cut.jpg");
        Files.write(cutJpg, java.util.Arrays.copyOf(jpg, jpg.length * 2 / 3));
        assertMentions(assertThrows(RevtafException.class, () -> Images.read(cutJpg)), "cut.jpg");
        assertMentions(
                assertThrows(RevtafException.class, () -> Images.read(dir.resolve("images/none.png"))),
                "none.png",
                "not found");
    }
}
