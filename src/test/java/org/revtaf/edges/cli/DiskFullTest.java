package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.AtomicFile;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.edges.pipeline.cache.FeatureCache;
import org.revtaf.learning.nn.Checkpoint;

/**
 * Issue 20, disk full: the disk filling up while {@code train} writes a checkpoint or {@code
 * precompute} writes the cache (simulated by {@link AtomicFile#setQuota}, the one write path of the
 * project) is an error (exit 1, a message naming the file, no stack trace) that leaves no partial
 * file: the checkpoints written before stay loadable and {@code --resume} then finishes the run with
 * the rows of an uninterrupted one; a cache is never half written.
 */
class DiskFullTest {
    @RegisterExtension
    static final MicroTrainRun MICRO = new MicroTrainRun();

    @AfterEach
    void unlimited() {
        AtomicFile.setQuota(-1);
    }

    @Test
    void aFullDiskWhileCheckpointingKeepsTheEarlierCheckpointsAndResumeFinishesTheRun() throws Exception {
        Path full = MICRO.dir().resolve("full"), run = MICRO.dir().resolve("run");
        CliRun r = CliRun.run(MICRO.train(full));
        assertEquals(0, r.status(), r.err());
        long checkpoint = Files.size(full.resolve("last.safetensors"));

        AtomicFile.setQuota(3 * checkpoint); // room for the small files and a few checkpoints, not the run
        r = CliRun.run(MICRO.train(run));
        AtomicFile.setQuota(-1);
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("No space left on device") && r.err().contains(run.toString()), r.err());
        assertFalse(r.err().contains("\tat org."), "no stack trace: " + r.err());
        assertEquals(List.of(), temporaryFiles(run), "no partial file left");
        List<Path> written;
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            written = s.toList();
        }
        assertFalse(written.isEmpty(), "the disk filled up after the first checkpoint");
        for (Path p : written) Checkpoint.load(p); // intact

        r = CliRun.run(MICRO.train(run, "--resume"));
        assertEquals(0, r.status(), r.err());
        assertEquals(TrainCommandTest.rowsWithoutWall(full), TrainCommandTest.rowsWithoutWall(run));
    }

    @Test
    void aFullDiskWhilePrecomputingLeavesNoCache() throws IOException {
        Path out = MICRO.dir().resolve("cache-full");
        AtomicFile.setQuota(20_000);
        CliRun r = CliRun.run(StageFixtures.oracleCacheArgs(MICRO.config(), MICRO.data(), out));
        AtomicFile.setQuota(-1);
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("No space left on device"), r.err());
        assertFalse(r.err().contains("\tat org."), "no stack trace: " + r.err());
        if (Files.exists(out)) assertEquals(List.of(), temporaryFiles(out), "no partial file left");
        RevtafException e = assertThrows(RevtafException.class, () -> FeatureCache.open(out));
        assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
    }

    /** Files under {@code root} left by an interrupted write (AtomicFile's ".NAME.tmp-..."). */
    static List<Path> temporaryFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().contains(".tmp-")).toList();
        }
    }
}
