package org.revtaf.edges.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import org.revtaf.engine.backend.cpu.kernels.AttentionCpu.Kernel;
import org.revtaf.engine.backend.cpu.kernels.Parallel;

/**
 * {@link AttentionBench}'s cases as an alternating A/B in one JVM, for a loaded machine where JMH's
 * one-after-the-other iterations drift with the load: per shape and pass, rounds of about 0.25 s
 * per kernel in ABBA order, and the median over rounds of the LANES / DOT throughput ratio (each
 * round's ratio compares neighbours in time). Time is the calling thread's cpu time (so time spent
 * descheduled by other work does not count) when the kernels run on it ({@code
 * -Drevtaf.threads=1}), else wall time. Args: rounds (default 12), shapes (default all).
 *
 * <pre>
 * ./mvnw -B -o -Pbench test-compile exec:exec -Drun.main=org.revtaf.edges.bench.jmh.AttentionAB \
 *     -Djvm.flags="--add-modules jdk.incubator.vector -Drevtaf.threads=1" -Dapp.args="12"
 * </pre>
 */
public final class AttentionAB {
    private AttentionAB() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        String[] shapes =
                args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"entity", "text", "decoder"};
        System.out.printf(
                "threads=%d rounds=%d time=%s%n", Parallel.threads(), rounds, CPU_TIME ? "thread cpu" : "wall");
        for (String shape : shapes)
            for (boolean backward : new boolean[] {false, true}) {
                AttentionBench[] bench = new AttentionBench[2];
                for (int x = 0; x < 2; x++) {
                    bench[x] = new AttentionBench();
                    bench[x].shape = shape;
                    bench[x].kernel = Kernel.values()[x];
                    bench[x].setup();
                    rate(bench[x], backward, 3); // warm-up
                }
                double[][] rate = new double[2][rounds];
                double[] ratio = new double[rounds];
                for (int rd = 0; rd < rounds; rd++) {
                    int first = rd % 2; // ABBA over consecutive rounds
                    rate[first][rd] = rate(bench[first], backward, 0.25);
                    rate[1 - first][rd] = rate(bench[1 - first], backward, 0.25);
                    ratio[rd] = rate[1][rd] / rate[0][rd];
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %-16s DOT %8.1f ops/s  LANES %8.1f ops/s  LANES/DOT median %.2fx (min %.2f, max %.2f)%n",
                        shape,
                        backward ? "forward+backward" : "forward",
                        median(rate[0]),
                        median(rate[1]),
                        median(ratio),
                        Arrays.stream(ratio).min().orElse(0),
                        Arrays.stream(ratio).max().orElse(0));
            }
    }

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = Parallel.threads() == 1 && MX.isCurrentThreadCpuTimeSupported();

    private static long now() {
        return CPU_TIME ? MX.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Calls per second over about `seconds` (cpu or wall). */
    private static double rate(AttentionBench b, boolean backward, double seconds) {
        Counters c = new Counters();
        long t0 = now(), end = t0 + (long) (seconds * 1e9), t;
        int calls = 0;
        do {
            if (backward) b.forwardBackward(c);
            else b.forward(c);
            calls++;
            t = now();
        } while (t < end);
        return calls / ((t - t0) * 1e-9);
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
