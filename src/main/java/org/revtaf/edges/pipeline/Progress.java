package org.revtaf.edges.pipeline;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long stage with rate and ETA. On a terminal: a bar (the {@code progressbar} library)
 * on stderr. Otherwise one plain line per update, at most one every {@code intervalMs} (and always
 * the last; {@link Log#intervalMs}), so CI logs stay readable:
 *
 * <pre>pretrain entity: 120/500 steps (24%), 3.10 steps/s, ETA 2:03, loss 4.1200</pre>
 *
 * Plain lines also go to the log file of {@link Log}; with a bar, the file gets the same lines at
 * the same pace. A resumed stage starts from its position and elapsed time.
 */
public final class Progress implements AutoCloseable {
    private final Log log;
    private final String task, unit;
    private final long total, startDone;
    private final long startNanos;
    private final Duration before;
    private final long intervalMs;
    private final ProgressBar bar;
    private long done;
    private String message = "";
    private long lastLineNanos;
    private boolean closed;

    Progress(Log log, String task, long total, String unit, long done, Duration before) {
        if (total < 0) throw new IllegalArgumentException("progress total must be >= 0, got " + total);
        this.log = log;
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.done = done;
        this.startDone = done;
        this.before = before;
        this.intervalMs = log.intervalMs();
        this.startNanos = System.nanoTime();
        this.lastLineNanos = startNanos;
        bar = log.terminal()
                ? new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(total)
                        .setUnit(" " + unit, 1)
                        .showSpeed()
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err))
                        .startsFrom(done, before)
                        .build()
                : null;
    }

    /** Moves to {@code position} units done, with a short status (e.g. the loss). */
    public void update(long position, String status) {
        done = position;
        message = status == null ? "" : status;
        long now = System.nanoTime();
        boolean due = (now - lastLineNanos) / 1_000_000 >= intervalMs || done >= total;
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(message);
            if (due) log.toFile(line());
        } else if (due) {
            log.line(line());
        }
        if (due) lastLineNanos = now;
    }

    /** One unit more. */
    public void step(String status) {
        update(done + 1, status);
    }

    /** The plain line for the current state. */
    String line() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double rate = secs > 0 ? (done - startDone) / secs : 0;
        StringBuilder b = new StringBuilder();
        b.append(task)
                .append(": ")
                .append(done)
                .append('/')
                .append(total)
                .append(' ')
                .append(unit);
        if (total > 0) b.append(String.format(Locale.ROOT, " (%d%%)", Math.round(100.0 * done / total)));
        b.append(String.format(Locale.ROOT, ", %.2f %s/s", rate, unit));
        if (rate > 0 && done < total) b.append(", ETA ").append(clock((total - done) / rate));
        else if (done >= total) b.append(", took ").append(clock(secs + before.toMillis() / 1000.0));
        if (!message.isEmpty()) b.append(", ").append(message);
        return b.toString();
    }

    /** h:mm:ss or m:ss. */
    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        long h = s / 3600, m = s % 3600 / 60, r = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, r)
                : String.format(Locale.ROOT, "%d:%02d", m, r);
    }

    /** Ends the display (the bar's last state stays on screen). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (bar != null) bar.close();
    }
}
