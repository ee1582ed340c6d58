package org.revtaf.edges.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;

class RunDirTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final Log log = new Log(new PrintWriter(err), false);

    private RevtafException refused(Path run, String kind, boolean resume, String yaml) {
        return assertThrows(RevtafException.class, () -> RunDir.open(run, "--out", kind, resume, yaml, log));
    }

    @Test
    void aNewRunWritesItsMarkerConfigAndLog() throws Exception {
        Path run = dir.resolve("run");
        RunDir r = RunDir.open(run, "--out", "pretrain", false, "seed: 1\n", log);
        assertFalse(r.resumed());
        assertEquals("pretrain", RunDir.kindOf(run));
        assertEquals("seed: 1\n", Files.readString(run.resolve("config.yaml")));
        log.line("hello");
        assertEquals("hello\n", Files.readString(run.resolve("log.txt")));
        assertTrue(err.toString().contains("hello"));
    }

    @Test
    void nonEmptyFoldersAreRefusedUnlessResumingARunOfTheSameKindWithItsConfig() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        RevtafException e = refused(other, "pretrain", false, "seed: 1\n");
        assertTrue(e.getMessage().contains("not a revtaf run"), e.getMessage());
        assertEquals("mine", Files.readString(other.resolve("notes.txt")), "nothing touched");
        assertTrue(refused(other, "pretrain", true, "seed: 1\n").getMessage().contains("not a revtaf run"));

        Path run = dir.resolve("run");
        RunDir.open(run, "--out", "pretrain", false, "seed: 1\nx: 2\n", log);
        assertTrue(
                refused(run, "pretrain", false, "seed: 1\nx: 2\n").getMessage().contains("--resume"));
        assertTrue(refused(run, "train", true, "seed: 1\nx: 2\n").getMessage().contains("holds a pretrain run"));
        e = refused(run, "pretrain", true, "seed: 1\nx: 3\n");
        assertTrue(e.getMessage().contains("config.yaml:2") && e.getMessage().contains("'x: 3'"), e.getMessage());
        assertTrue(RunDir.open(run, "--out", "pretrain", true, "seed: 1\nx: 2\n", log)
                .resumed());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(refused(empty, "pretrain", true, "seed: 1\n").getMessage().contains("nothing to resume"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertTrue(refused(file, "pretrain", false, "").getMessage().contains("not a folder"));
    }
}
