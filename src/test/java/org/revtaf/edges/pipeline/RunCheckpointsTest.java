package org.revtaf.edges.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.Checkpoint;

/** Rotation of the step files and the fallback of {@code --resume} past damaged checkpoints. */
class RunCheckpointsTest {
    @TempDir
    Path run;

    private final StringWriter err = new StringWriter();
    private final Log log = new Log(new PrintWriter(err, true), false);

    private static Checkpoint at(long step) {
        return new Checkpoint(
                step,
                Map.of("w", NdArray.ofFloats(new long[] {3}, step, 2 * step, -step)),
                Map.of(),
                Map.of(),
                Map.of("k", "v" + step),
                "seed: 1\n");
    }

    /** Flips one bit in the middle of the file. */
    static void flipABit(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        b[b.length - 6] ^= 0x04;
        Files.write(f, b);
    }

    @Test
    void savingKeepsTheNewestStepFilesAndLastIsACopyOfTheNewest() throws Exception {
        RunCheckpoints c = new RunCheckpoints(run, 2);
        for (long s : new long[] {2, 4, 6}) c.save(at(s));
        assertEquals(List.of(6L, 4L), c.stepFiles());
        assertArrayEquals(Files.readAllBytes(c.stepFile(6)), Files.readAllBytes(c.last()));
        assertEquals(6, c.resumePoint(log).orElseThrow().checkpoint().step());
        assertEquals(c.last(), c.resumePoint(log).orElseThrow().file());
        assertEquals("", err.toString(), "nothing to say when last is intact");
        RunCheckpoints all = new RunCheckpoints(run, 0);
        all.save(at(8));
        all.save(at(10));
        assertEquals(List.of(10L, 8L, 6L, 4L), all.stepFiles());
    }

    @Test
    void aDamagedLastFallsBackToTheNewestIntactStepFileNamingBothAndKeepingTheDamagedOne() throws Exception {
        RunCheckpoints c = new RunCheckpoints(run, 2);
        for (long s : new long[] {2, 4, 6}) c.save(at(s));
        flipABit(c.last());
        flipABit(c.stepFile(6)); // the copy is damaged too: the previous step is used
        byte[] damagedLast = Files.readAllBytes(c.last());

        RunCheckpoints.Found f = c.resumePoint(log).orElseThrow();
        assertEquals(c.stepFile(4), f.file());
        assertEquals(4, f.checkpoint().step());
        String said = err.toString();
        assertTrue(said.contains(c.last() + " is damaged") && said.contains("CRC32C"), said);
        assertTrue(said.contains("using " + c.stepFile(4) + " (step 4) instead of the damaged " + c.last()), said);
        Path aside = run.resolve("last.safetensors.damaged");
        assertArrayEquals(damagedLast, Files.readAllBytes(aside), "the damaged file is kept, unchanged");
        assertTrue(Files.exists(run.resolve("checkpoints/step-6.safetensors.damaged")));
        assertFalse(Files.exists(c.last()));
        assertEquals(List.of(4L), c.stepFiles(), "damaged step files no longer count (step 2 was pruned)");

        // the next save writes last again; a second damage is kept beside the first
        c.save(at(6));
        flipABit(c.last());
        assertEquals(6, c.resumePoint(log).orElseThrow().checkpoint().step());
        assertTrue(Files.exists(run.resolve("last.safetensors.damaged-2")));
        assertArrayEquals(damagedLast, Files.readAllBytes(aside));
    }

    @Test
    void aTruncatedLastFallsBackToo() throws Exception {
        RunCheckpoints c = new RunCheckpoints(run, 2);
        c.save(at(3));
        byte[] b = Files.readAllBytes(c.last());
        Files.write(c.last(), java.util.Arrays.copyOf(b, b.length / 2));
        assertEquals(c.stepFile(3), c.resumePoint(log).orElseThrow().file());
        assertTrue(err.toString().contains("truncated"), err.toString());
    }

    @Test
    void noCheckpointIsEmptyAndOnlyDamagedOnesAreAnErrorNamingEach() throws Exception {
        RunCheckpoints c = new RunCheckpoints(run, 2);
        assertTrue(c.resumePoint(log).isEmpty());
        c.save(at(1));
        flipABit(c.last());
        flipABit(c.stepFile(1));
        RevtafException e = assertThrows(RevtafException.class, () -> c.resumePoint(log));
        assertTrue(e.getMessage().contains("every checkpoint of the run is damaged"), e.getMessage());
        assertTrue(e.getMessage().contains(c.last().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(c.stepFile(1).toString()), e.getMessage());
    }
}
