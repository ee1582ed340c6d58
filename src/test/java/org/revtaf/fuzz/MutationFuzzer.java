package org.revtaf.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.revtaf.RevtafException;

/**
 * A seeded mutation fuzzer over one reader (issue 20's hostile files): it starts from valid files
 * (the seeds, written by the project's own writers), mutates them (bit flips, interesting bytes and
 * integers, cut and repeated spans, truncation, appended garbage, and for text formats the format's
 * tokens), writes each mutant to a file and runs the reader on it. The reader may accept the file or
 * refuse it with a {@link RevtafException} (the one error the CLI prints as a message); anything
 * else - another exception, an error such as OutOfMemoryError or StackOverflowError, or no answer
 * within {@link #TIMEOUT_MS} - is a finding: the input is saved under {@code target/fuzz-findings/}
 * and the run stops with a message naming it. Every finding, once fixed, goes into {@code
 * src/test/resources/org/revtaf/fuzz/TARGET/} where {@link #regressions} replays it on every run.
 *
 * <p>Not coverage-guided (a plain seeded mutator: the same seed gives the same inputs); it runs
 * {@code revtaf.fuzz.iterations} inputs per target (default {@link #DEFAULT_ITERATIONS}), or until
 * {@code revtaf.fuzz.seconds} pass, from seed {@code revtaf.fuzz.seed}. A longer run: {@code
 * ./mvnw -B -o test -Dtest=HostileFilesTest -Drevtaf.fuzz.iterations=100000 -Drevtaf.fuzz.seconds=600}.
 */
final class MutationFuzzer {
    static final int DEFAULT_ITERATIONS = 300;
    static final long TIMEOUT_MS = 10_000;

    /** The reader under test: reads the file (and whatever else it needs from its folder). */
    @FunctionalInterface
    interface Target {
        void read(Path file) throws Exception;
    }

    private final String name;
    private final Target target;
    private final List<byte[]> seeds;
    private final byte[][] tokens;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-target");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param name the target's name (folder of its regression inputs)
     * @param seeds valid inputs
     * @param tokens format tokens spliced into text formats (empty for binary ones)
     */
    MutationFuzzer(String name, Target target, List<byte[]> seeds, String... tokens) {
        this.name = name;
        this.target = target;
        this.seeds = List.copyOf(seeds);
        this.tokens = Arrays.stream(tokens)
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
    }

    /** Runs the seeds, the regression inputs and the mutants in file {@code file}; throws on a finding. */
    void run(Path file) {
        try {
            for (byte[] s : seeds) check(file, s, "seed");
            for (Path r : regressions(name)) check(file, Files.readAllBytes(r), "regression input " + r.getFileName());
            long seed = Long.getLong("revtaf.fuzz.seed", 20L);
            int iterations = Integer.getInteger("revtaf.fuzz.iterations", DEFAULT_ITERATIONS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("revtaf.fuzz.seconds", 3));
            SplittableRandom rnd = new SplittableRandom(seed ^ name.hashCode());
            for (int i = 0; i < iterations && System.nanoTime() < deadline; i++) {
                byte[] in = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
                check(file, in, "mutant " + i + " of seed " + seed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            runner.shutdownNow();
        }
    }

    private void check(Path file, byte[] input, String what) throws IOException {
        Files.write(file, input);
        Future<?> f = runner.submit(() -> {
            target.read(file);
            return null;
        });
        String finding;
        try {
            f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RevtafException) return;
            finding = c.toString();
            StackTraceElement[] st = c.getStackTrace();
            if (st.length > 0) finding += " at " + st[0];
        } catch (TimeoutException e) {
            f.cancel(true);
            finding = "no answer within " + TIMEOUT_MS + " ms (a hang)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Path saved = Path.of("target", "fuzz-findings", name, Integer.toHexString(Arrays.hashCode(input)));
        Files.createDirectories(saved.getParent());
        Files.write(saved, input);
        throw new AssertionError(name + ": " + what + " (saved to " + saved.toAbsolutePath() + ", first bytes "
                + HexFormat.of().formatHex(input, 0, Math.min(32, input.length)) + "): " + finding);
    }

    /** The regression inputs of a target: src/test/resources/org/revtaf/fuzz/NAME/*. */
    static List<Path> regressions(String name) throws IOException {
        URL dir = MutationFuzzer.class.getResource(name);
        if (dir == null) return List.of();
        try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
            return s.sorted().toList();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final long[] INTERESTING = {
        0,
        1,
        -1,
        0x7F,
        0x80,
        0xFF,
        0x7FFF,
        0x8000,
        0xFFFF,
        0x7FFFFFFFL,
        0x80000000L,
        0xFFFFFFFFL,
        Long.MAX_VALUE,
        Long.MIN_VALUE
    };

    /** One to four stacked mutations of {@code in}. */
    byte[] mutate(byte[] in, SplittableRandom r) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) b = mutateOnce(b, r);
        return b;
    }

    private byte[] mutateOnce(byte[] b, SplittableRandom r) {
        int kinds = tokens.length > 0 ? 9 : 8;
        if (b.length == 0) return new byte[] {(byte) r.nextInt(256)};
        int at = r.nextInt(b.length);
        switch (r.nextInt(kinds)) {
            case 0 -> b[at] ^= (byte) (1 << r.nextInt(8)); // bit flip
            case 1 -> b[at] = (byte) INTERESTING[r.nextInt(6)]; // interesting byte
            case 2 -> { // interesting little- or big-endian integer of 2, 4 or 8 bytes
                int w = 1 << (1 + r.nextInt(3));
                long v = INTERESTING[r.nextInt(INTERESTING.length)];
                boolean little = r.nextBoolean();
                for (int k = 0; k < w && at + k < b.length; k++)
                    b[at + k] = (byte) (v >>> (8 * (little ? k : w - 1 - k)));
            }
            case 3 -> b = Arrays.copyOf(b, at); // truncate
            case 4 -> { // delete a span
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                byte[] o = new byte[b.length - len];
                System.arraycopy(b, 0, o, 0, at);
                System.arraycopy(b, at + len, o, at, b.length - at - len);
                b = o;
            }
            case 5 -> { // repeat a span
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                b = splice(b, at, Arrays.copyOfRange(b, at, at + len));
            }
            case 6 -> { // append random bytes
                byte[] g = new byte[1 + r.nextInt(32)];
                r.nextBytes(g);
                b = splice(b, b.length, g);
            }
            case 7 -> { // ASCII digit run (a huge number where a small one was)
                byte[] d = new byte[1 + r.nextInt(24)];
                for (int k = 0; k < d.length; k++) d[k] = (byte) ('0' + r.nextInt(10));
                b = splice(b, at, d);
            }
            default -> b = splice(b, at, tokens[r.nextInt(tokens.length)]); // a format token
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, byte[] ins) {
        byte[] o = new byte[b.length + ins.length];
        System.arraycopy(b, 0, o, 0, at);
        System.arraycopy(ins, 0, o, at, ins.length);
        System.arraycopy(b, at, o, at + ins.length, b.length - at);
        return o;
    }

    /** Seeds from a list of byte arrays (convenience for the targets). */
    static List<byte[]> seeds(byte[]... s) {
        return new ArrayList<>(List.of(s));
    }
}
