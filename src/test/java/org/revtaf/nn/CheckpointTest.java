package org.revtaf.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.io.Safetensors;
import org.revtaf.optim.LrSchedule;
import org.revtaf.tensor.NdArray;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Checkpoint sample(long step) {
        Map<String, NdArray> model = new LinkedHashMap<>();
        model.put("linear.weight", NdArray.ofFloats(new long[] {2, 3}, 1, -2, 3.5f, Float.MIN_VALUE, -0f, 6));
        model.put("bn.running_mean", NdArray.ofFloats(new long[] {2}, 0.25f, 0.5f));
        Map<String, NdArray> optim = Map.of(
                "m.linear.weight", NdArray.ofFloats(new long[] {2, 3}, 1e-8f, 2, 3, 4, 5, 6),
                "v.linear.weight", NdArray.ofFloats(new long[] {2, 3}, 1e-9f, 2, 3, 4, 5, 6));
        Rng r = new Rng(9);
        r.nextGaussian();
        return new Checkpoint(
                        step,
                        model,
                        optim,
                        Map.of("dropout", r.state()),
                        Map.of("optim.lr", "5.0E-5"),
                        "model:\n  width: 8\n")
                .withScheduler(new LrSchedule.State(2, 17));
    }

    @Test
    void roundTripIsBitExact() {
        Checkpoint c = sample(1234);
        Path f = dir.resolve("ck.safetensors");
        c.save(f);
        Checkpoint d = Checkpoint.load(f);
        assertEquals(1234, d.step());
        assertEquals(c.model(), d.model());
        assertEquals(c.optimizer(), d.optimizer());
        assertArrayEquals(c.rng().get("dropout"), d.rng().get("dropout"));
        assertEquals(new LrSchedule.State(2, 17), d.scheduler());
        assertEquals(5e-5, d.stateDouble("optim.lr"), 0.0);
        assertEquals("model:\n  width: 8\n", d.config());
        assertEquals(c.rng("dropout").nextGaussian(), d.rng("dropout").nextGaussian(), 0.0);
    }

    @Test
    void overwritingLeavesNoTempFilesAndReplacesAtomically() throws Exception {
        Path f = dir.resolve("ck.safetensors");
        sample(1).save(f);
        sample(2).save(f);
        assertEquals(2, Checkpoint.load(f).step());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the checkpoint itself remains");
        }
    }

    @Test
    void failedSaveIsAnErrorAndKeepsWhatWasThere() throws Exception {
        Path f = dir.resolve("ck.safetensors");
        sample(1).save(f);
        Path folder = Files.createDirectories(dir.resolve("sub"));
        RevtafException e = assertThrows(RevtafException.class, () -> sample(3).save(folder));
        assertTrue(e.getMessage().contains("sub"), e.getMessage());
        assertEquals(1, Checkpoint.load(f).step());
        assertTrue(Files.isDirectory(folder));
    }

    @Test
    void plainWeightFilesAreNotCheckpoints() {
        Path f = dir.resolve("w.safetensors");
        Safetensors.write(f, Map.of("fc.weight", NdArray.ofFloats(new long[] {1}, 1)));
        RevtafException e = assertThrows(RevtafException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().contains("not a revtaf checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void missingStateIsNamed() {
        Checkpoint c = new Checkpoint(0, Map.of(), Map.of(), Map.of(), Map.of(), null);
        RevtafException e = assertThrows(RevtafException.class, c::scheduler);
        assertTrue(e.getMessage().contains("scheduler.epoch"), e.getMessage());
        assertThrows(RevtafException.class, () -> c.rng("data"));
    }
}
