package org.revtaf.learning.nn;

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
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.optim.LrSchedule;

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

    /** Every damage to a saved checkpoint is detected on load, with the file named. */
    @Test
    void aTruncatedOrBitFlippedCheckpointIsDetectedOnLoad() throws Exception {
        Path good = dir.resolve("good.safetensors");
        sample(1234).save(good);
        byte[] b = Files.readAllBytes(good);
        long headerEnd = 8
                + java.nio.ByteBuffer.wrap(b, 0, 8)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getLong();

        byte[] truncated = java.util.Arrays.copyOf(b, b.length - 5);
        assertDamaged(Files.write(dir.resolve("truncated.safetensors"), truncated), "truncated");

        // one bit in each byte of the data area in turn (a sample of positions), and in a header value
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int k = 0; k < 20; k++) {
            byte[] flipped = b.clone();
            int at = (int) (headerEnd + r.nextLong(b.length - headerEnd));
            flipped[at] ^= (byte) (1 << r.nextInt(8));
            assertDamaged(Files.write(dir.resolve("flip-" + k + ".safetensors"), flipped), "damaged: the CRC32C");
        }
        String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        int step = text.indexOf("\"step\":\"1234\"");
        assertTrue(step > 0, "the step is in the header");
        byte[] otherStep = b.clone();
        otherStep[step + "\"step\":\"123".length()] = '5';
        assertDamaged(Files.write(dir.resolve("step.safetensors"), otherStep), "damaged: the CRC32C");

        // a checkpoint without a checksum (another writer) is refused, not trusted
        String noSum = text.replaceFirst("\"revtaf\\.crc32c\":\"[0-9a-f]{8}\"", "\"revtaf.xxxxxx\":\"00000000\"");
        assertEquals(text.length(), noSum.length());
        assertDamaged(
                Files.write(
                        dir.resolve("nosum.safetensors"), noSum.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                "has no checksum");
        assertEquals(1234, Checkpoint.load(good).step(), "the original still loads");
    }

    private static void assertDamaged(Path f, String what) {
        RevtafException e = assertThrows(RevtafException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }
}
