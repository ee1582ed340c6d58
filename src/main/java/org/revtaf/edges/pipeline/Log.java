package org.revtaf.edges.pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.revtaf.RevtafException;

/**
 * Where a long stage's progress and log lines go (../shared/CLI.md: progress and logs to stderr,
 * results to stdout): stderr, and a copy of every line in {@code RUN/log.txt} once a run folder is
 * attached. On a terminal, {@link Progress} draws a bar; otherwise it prints one plain line per update.
 */
public final class Log {
    private final PrintWriter err;
    private final boolean terminal;
    private Path copy, always;
    private long intervalMs = 5000;

    /**
     * @param err the stderr writer
     * @param terminal whether stderr is an interactive terminal (progress bars instead of lines)
     */
    public Log(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A log on {@code err}, with bars when the process runs on a terminal. */
    public static Log stderr(PrintWriter err) {
        java.io.Console c = System.console();
        return new Log(err, c != null && c.isTerminal());
    }

    /** Copies every later line to {@code file} (appended; created when absent). */
    public void copyTo(Path file) {
        this.copy = file;
    }

    /**
     * Copies every later line to {@code file} as well, whatever {@link #copyTo} names later (the
     * demo's {@code DIR/log.txt} while each stage's run folder gets its own).
     */
    public void alsoCopyTo(Path file) {
        this.always = file;
    }

    /** Plain progress lines come at most this often (default 5000 ms; 0: every update). */
    public Log intervalMs(long ms) {
        if (ms < 0) throw new IllegalArgumentException("interval must be >= 0, got " + ms);
        intervalMs = ms;
        return this;
    }

    public long intervalMs() {
        return intervalMs;
    }

    public boolean terminal() {
        return terminal;
    }

    /** One line to stderr and to the log file. */
    public void line(String text) {
        err.println(text);
        err.flush();
        toFile(text);
    }

    /** One line to the log file only (what a terminal progress bar showed). */
    void toFile(String text) {
        append(copy, text);
        if (always != null && !always.equals(copy)) append(always, text);
    }

    private static void append(Path file, String text) {
        if (file == null) return;
        try {
            Files.writeString(
                    file,
                    text + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot append to the log (" + e + ")", e);
        }
    }

    /** A progress display for {@code total} units of work (see {@link Progress}). */
    public Progress progress(String task, long total, String unit) {
        return progress(task, total, unit, 0, java.time.Duration.ZERO);
    }

    /** A progress display resumed at {@code done} units after {@code elapsed} (a resumed run). */
    public Progress progress(String task, long total, String unit, long done, java.time.Duration elapsed) {
        return new Progress(this, task, total, unit, done, elapsed);
    }
}
