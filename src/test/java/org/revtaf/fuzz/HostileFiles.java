package org.revtaf.fuzz;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.revtaf.RevtafException;

/**
 * Issue 20's rule for a reader fed a hostile file, shared by every fuzz target of {@link
 * HostileFilesTest}: the reader either reads the file or refuses it with a {@link RevtafException}
 * whose message names the file (what the CLI prints as the error, exit 1). Anything else is a
 * finding and propagates to the fuzzer: another exception type, an Error (OutOfMemoryError,
 * StackOverflowError), a refusal that does not say which file is at fault, or more than {@link
 * #MAX_ALLOCATED_BYTES} allocated on the heap for one read, or no answer within {@link
 * #TIMEOUT_MS} (a hang: the reader runs on a thread of its own, left behind if it never returns; a
 * reader's first read may take {@link #COLD_TIMEOUT_MS}, as it loads and instruments its classes).
 */
final class HostileFiles {
    private HostileFiles() {}

    /**
     * Most heap one read of a small hostile file may allocate (all its allocations added up, freed or
     * not). The largest a valid file may ask for is an image at {@code Images.MAX_PIXELS} (2^26
     * pixels: 64 MiB of 8-bit samples, 256 MiB of floats); anything beyond 1 GiB means a size read from
     * the file was trusted without a limit.
     */
    static final long MAX_ALLOCATED_BYTES = 1L << 30;

    /** Longest one read of a small file may take (they take milliseconds). */
    static final long TIMEOUT_MS = 10_000;

    /**
     * Longest the first read of each reader may take: it loads the classes of the reader and of the
     * libraries it uses, which the fuzzer instruments on loading (over 10 s for Jackson on a busy
     * machine).
     */
    static final long COLD_TIMEOUT_MS = 120_000;

    /** The readers (their classes) that answered once: the timeout of their next reads is the short one. */
    private static final Set<Class<?>> warm = new HashSet<>();

    /** The reading thread; replaced when one hangs, so that the next input gets a thread. */
    private static ExecutorService reading = newReadingThread();

    private static ExecutorService newReadingThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostile-file-reader");
            t.setDaemon(true);
            return t;
        });
    }

    /** The reader under test: reads {@code file} (and whatever else it needs beside it). */
    @FunctionalInterface
    interface Reader {
        void read(Path file) throws Exception;
    }

    /** Writes {@code input} to {@code file} and runs {@code reader} on it; throws on a finding. */
    static synchronized void check(Path file, byte[] input, Reader reader) throws Exception {
        Files.write(file, input);
        Future<Long> read = reading.submit(() -> {
            long before = allocatedBytes();
            try {
                reader.read(file);
            } catch (RevtafException refused) {
                String m = refused.getMessage();
                if (m == null || !m.contains(file.getFileName().toString()))
                    throw new AssertionError("the error does not name " + file.getFileName() + ": " + m, refused);
            }
            return allocatedBytes() - before;
        });
        long timeout = warm.contains(reader.getClass()) ? TIMEOUT_MS : COLD_TIMEOUT_MS;
        long allocated;
        try {
            allocated = read.get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            warm.add(reader.getClass());
            if (e.getCause() instanceof Error err) throw err;
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            read.cancel(true);
            reading.shutdownNow();
            reading = newReadingThread();
            throw new AssertionError("reading " + input.length + " bytes of " + file.getFileName()
                    + " gave no answer within " + timeout + " ms (a hang)");
        }
        warm.add(reader.getClass());
        if (allocated > MAX_ALLOCATED_BYTES)
            throw new AssertionError("reading " + input.length + " bytes of " + file.getFileName() + " allocated "
                    + (allocated >> 20) + " MiB (more than " + (MAX_ALLOCATED_BYTES >> 20) + " MiB)");
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
