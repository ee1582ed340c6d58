package org.revtaf.engine.backend.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.revtaf.engine.tensor.Device;

/**
 * The numbers of one profiling session and their table ({@link #format}).
 *
 * @param ops one row per op and direction, unsorted
 * @param stages one row per stage path ("validation/beam search" for a nested stage)
 * @param wallNanos the session's wall time, start to close
 */
public record ProfileReport(Device device, List<OpRow> ops, List<StageRow> stages, long wallNanos) {
    /**
     * @param backward the row counts what ran during the backward pass (backward functions and the
     *     ops they call)
     * @param calls op calls (for backward: backward functions run and ops called inside them)
     * @param nanos time in the op's own kernels (self time; on a device, up to a synchronise)
     * @param bytes bytes of the tensors allocated for the op (charged to the op whose kernel ran next)
     */
    public record OpRow(String op, boolean backward, long calls, long nanos, long bytes) {}

    /**
     * @param wallNanos wall time inside the stage (its nested stages included)
     * @param opNanos op kernel time inside it (its nested stages included)
     */
    public record StageRow(String stage, long calls, long wallNanos, long opNanos) {}

    public ProfileReport {
        ops = List.copyOf(ops);
        stages = List.copyOf(stages);
    }

    /** Op kernel time in all. */
    public long opNanos() {
        return ops.stream().mapToLong(OpRow::nanos).sum();
    }

    /** Bytes allocated in all. */
    public long bytes() {
        return ops.stream().mapToLong(OpRow::bytes).sum();
    }

    /** The share of op time in percent of a row (0 when no time was measured). */
    public double share(OpRow r) {
        long t = opNanos();
        return t == 0 ? 0 : 100.0 * r.nanos() / t;
    }

    /** Rows by time, most first (then by name). */
    public List<OpRow> sorted() {
        List<OpRow> r = new ArrayList<>(ops);
        r.sort(Comparator.comparingLong(OpRow::nanos).reversed().thenComparing(OpRow::op));
        return r;
    }

    /** The table: ops by time, the sum against the wall time, then the stages. */
    public String format() {
        StringBuilder b = new StringBuilder();
        int w = Math.max(24, ops.stream().mapToInt(r -> r.op().length()).max().orElse(0) + 2);
        String opFmt = "%-" + w + "s %-3s %9s %11s %7s %11s%n";
        b.append(String.format(Locale.ROOT, "profile (%s): ops by time%n", device));
        b.append(String.format(Locale.ROOT, opFmt, "op", "dir", "calls", "total ms", "share", "MB alloc"));
        for (OpRow r : sorted())
            b.append(String.format(
                    Locale.ROOT,
                    opFmt,
                    r.op(),
                    r.backward() ? "bwd" : "fwd",
                    r.calls(),
                    ms(r.nanos()),
                    String.format(Locale.ROOT, "%.1f%%", share(r)),
                    mb(r.bytes())));
        long calls = ops.stream().mapToLong(OpRow::calls).sum();
        b.append(String.format(
                Locale.ROOT,
                opFmt,
                "all ops",
                "",
                calls,
                ms(opNanos()),
                opNanos() == 0 ? "0.0%" : "100.0%",
                mb(bytes())));
        double covered = wallNanos == 0 ? 0 : 100.0 * opNanos() / wallNanos;
        b.append(String.format(
                Locale.ROOT,
                "op kernels %s ms of %s ms wall (%.1f%%); the rest (%.1f%%) is outside op kernels: data loading,"
                        + " host work, op checks and allocation%n",
                ms(opNanos()),
                ms(wallNanos),
                covered,
                100 - covered));
        if (!stages.isEmpty()) {
            int sw = Math.max(
                    24, stages.stream().mapToInt(r -> r.stage().length()).max().orElse(0) + 2);
            String stFmt = "%-" + sw + "s %9s %11s %7s %11s %9s%n";
            b.append(String.format(
                    Locale.ROOT, "%nprofile: stages (a nested stage, outer/inner, is also inside its outer one)%n"));
            b.append(String.format(Locale.ROOT, stFmt, "stage", "calls", "wall ms", "share", "op ms", "op share"));
            for (StageRow s : stages)
                b.append(String.format(
                        Locale.ROOT,
                        stFmt,
                        s.stage(),
                        s.calls(),
                        ms(s.wallNanos()),
                        pct(s.wallNanos(), wallNanos),
                        ms(s.opNanos()),
                        pct(s.opNanos(), s.wallNanos())));
        }
        return b.toString();
    }

    private static String pct(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.3f", bytes / 1e6);
    }
}
