package org.revtaf.edges.bench;

import java.util.Arrays;

/**
 * Times a repeated operation: warm-up, then timed calls whose sorted samples are kept; the median
 * is the figure a workload reports.
 */
public final class Timer {
    /** Sorted per-call times in seconds. */
    public record Samples(double[] sorted) {
        public double median() {
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        }

        public double min() {
            return sorted[0];
        }

        public double max() {
            return sorted[sorted.length - 1];
        }
    }

    private Timer() {}

    /**
     * Warms up for about {@code warmupSeconds} (at least 2 calls; none at all when it is 0), then
     * times enough calls for about {@code seconds} (at least 3, at most 1000). Without a warm-up the
     * first timed call sets the number of repetitions.
     */
    public static Samples time(Runnable op, double warmupSeconds, double seconds) {
        if (!(warmupSeconds >= 0)) throw new IllegalArgumentException("warm-up seconds < 0: " + warmupSeconds);
        long t0 = System.nanoTime(), last = t0;
        int w = 0;
        double lastCall = 0;
        while (warmupSeconds > 0 && (w < 2 || (last - t0) * 1e-9 < warmupSeconds)) {
            op.run();
            long now = System.nanoTime();
            lastCall = (now - last) * 1e-9;
            last = now;
            w++;
        }
        double first = w == 0 ? timeOnce(op) : Double.NaN;
        int reps = repsFor(seconds, w == 0 ? first : lastCall);
        double[] s = new double[reps];
        int r = 0;
        if (w == 0) s[r++] = first;
        for (; r < reps; r++) s[r] = timeOnce(op);
        Arrays.sort(s);
        return new Samples(s);
    }

    private static double timeOnce(Runnable op) {
        long a = System.nanoTime();
        op.run();
        return (System.nanoTime() - a) * 1e-9;
    }

    /** Repetitions so that the timed part takes about {@code seconds}, given one call's time, in [3, 1000]. */
    public static int repsFor(double seconds, double perCall) {
        return (int) Math.max(3, Math.min(1000, Math.round(seconds / Math.max(perCall, 1e-9))));
    }
}
