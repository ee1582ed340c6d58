package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.revtaf.edges.io.FileTrees;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.nn.Checkpoint;

/**
 * Issue 20, crash and resume through the command line: {@code train} and {@code pretrain} run as
 * child processes, are killed with SIGKILL at a random step (possibly in the middle of writing a
 * checkpoint or metrics.csv), and {@code --resume} then writes a {@code metrics.csv} equal to an
 * uninterrupted run's bit for bit ({@code wall_s} aside) and the same weights. The uninterrupted run
 * and the resumed half run in this JVM, the killed half in a fresh one: the kernels must give the
 * same bits whatever the JIT has compiled. The kill point is random; the seed is in every message.
 */
class CrashResumeTest {
    @RegisterExtension
    static final MicroTrainRun MICRO = new MicroTrainRun();

    static final long SEED = System.nanoTime();
    static final SplittableRandom RANDOM = new SplittableRandom(SEED);

    @Test
    void trainKilledAtARandomStepAndResumedWritesTheRowsAndWeightsOfAnUninterruptedRun() throws Exception {
        String[] common = {"--set", "train.checkpoint_every=1", "--set", "train.epochs=3"};
        Path full = MICRO.dir().resolve("train-full"), crash = MICRO.dir().resolve("train-crash");
        CliRun r = CliRun.run(MICRO.train(full, common));
        assertEquals(0, r.status(), r.err());

        int killAfter = 1 + RANDOM.nextInt(11); // of 12 steps: kill while step killAfter + 1 runs
        String why = killAt(MICRO.train(crash, common), crash, killAfter);
        r = CliRun.run(MICRO.train(crash, concat(common, "--resume")));
        assertEquals(0, r.status(), why + "\n" + r.err());
        assertEquals(TrainCommandTest.rowsWithoutWall(full), TrainCommandTest.rowsWithoutWall(crash), why);
        assertSameTensors(full.resolve("last.safetensors"), crash.resolve("last.safetensors"), why);
        assertSameTensors(full.resolve("best.safetensors"), crash.resolve("best.safetensors"), why);
    }

    @Test
    void pretrainKilledAtARandomStepAndResumedWritesTheRowsAndWeightsOfAnUninterruptedRun() throws Exception {
        String[] common = {
            "--config",
            StageFixtures.microConfig().toString(),
            "--data",
            MICRO.data().toString(),
            "--set",
            "foundation.mlm.epochs=2",
            "--set",
            "foundation.train.epochs=2",
            "--out"
        };
        Path full = MICRO.dir().resolve("pretrain-full"), crash = MICRO.dir().resolve("pretrain-crash");
        CliRun r = CliRun.run(concat(concat("pretrain", common), full.toString()));
        assertEquals(0, r.status(), r.err());

        // checkpoints after each epoch (4 steps): kill before the first, or in the epoch after one
        int epochs = RANDOM.nextInt(4);
        String why = killAt(concat(concat("pretrain", common), crash.toString()), crash, 4 * epochs);
        r = CliRun.run(concat(concat("pretrain", common), crash.toString(), "--resume"));
        assertEquals(0, r.status(), why + "\n" + r.err());
        assertEquals(TrainCommandTest.rowsWithoutWall(full), TrainCommandTest.rowsWithoutWall(crash), why);
        assertSameTensors(full.resolve("foundation.safetensors"), crash.resolve("foundation.safetensors"), why);
    }

    /**
     * Runs the CLI in a child JVM and kills it with SIGKILL a random moment after its checkpoint of
     * step {@code step} appeared (0: after the run folder appeared); returns a description of the kill.
     * A child that finished before the kill (its last steps can take less than the random delay) has
     * tested nothing: its run folder is removed and the same kill point is tried again with no delay.
     */
    static String killAt(String[] args, Path run, int step) throws Exception {
        String outrun = "";
        for (int attempt = 0; attempt < 3; attempt++) {
            int delayMs = attempt > 0 ? 0 : RANDOM.nextInt(step == 0 ? 1500 : 400);
            Path log = Files.createTempFile(MICRO.dir(), "child-", ".log");
            Process p = new ProcessBuilder(childJava(args))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Path marker =
                    step == 0 ? run.resolve("run.json") : run.resolve("checkpoints/step-" + step + ".safetensors");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (!Files.exists(marker) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(2);
            Thread.sleep(delayMs);
            boolean alive = p.isAlive();
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String why = "seed " + SEED + ": killed " + delayMs + " ms after " + marker.getFileName()
                    + " appeared (exit " + p.exitValue() + ")" + outrun + "; child log:\n" + Files.readString(log);
            if (alive && p.exitValue() == 137) return why;
            assertEquals(0, p.exitValue(), "the child failed before it was killed: " + why);
            outrun += "; an earlier child finished " + delayMs + " ms after the marker, before its kill";
            FileTrees.delete(run);
        }
        throw new AssertionError("seed " + SEED + ": the child finished before every kill at step " + step + outrun);
    }

    /** java with this JVM's module, native-access and system-property flags, running Main. */
    static List<String> childJava(String[] args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("--add-modules")
                    || a.startsWith("--enable-native-access")
                    || a.startsWith("-D")
                    || a.startsWith("-Xss")) cmd.add(a);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static void assertSameTensors(Path a, Path b, String why) {
        Checkpoint x = Checkpoint.load(a), y = Checkpoint.load(b);
        assertEquals(x.model().keySet(), y.model().keySet(), why);
        for (Map.Entry<String, NdArray> e : x.model().entrySet())
            assertArrayEquals(e.getValue().toFloats(), y.model().get(e.getKey()).toFloats(), e.getKey() + ": " + why);
        for (Map.Entry<String, NdArray> e : x.optimizer().entrySet())
            assertArrayEquals(
                    e.getValue().toFloats(), y.optimizer().get(e.getKey()).toFloats(), e.getKey() + ": " + why);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String[] concat(String a, String[] b) {
        return concat(new String[] {a}, b);
    }
}
