package org.revtaf.engine.backend.profile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.Allocator;
import org.revtaf.engine.tensor.Device;

/**
 * One profiling run ({@link Profiler#start}): the counters per op and direction and per stage,
 * confined to the thread that started it. {@link #close} stops it; {@link #report} is the table
 * (also after close).
 */
public final class ProfileSession implements AutoCloseable {
    /** Row of ops run outside any kernel (allocations that no kernel followed). */
    static final String UNCHARGED = "(allocations before no kernel)";

    /** Counters of one op in one direction. */
    static final class OpStat {
        long calls, kernels, nanos, bytes;
    }

    /** Counters of one stage path. */
    static final class StageStat {
        long calls, wallNanos, opNanos;
    }

    private final Thread owner;
    private final Device device;
    private final RangeSink sink;
    private final Runnable sync;
    private final Map<String, OpStat[]> ops = new LinkedHashMap<>();
    private final Map<String, StageStat> stages = new LinkedHashMap<>();
    private final ArrayDeque<String> stagePath = new ArrayDeque<>();
    private final Map<Backend, Map<String, ProfiledBackend>> wrappers = new IdentityHashMap<>();
    private String currentOp = "(no op)";
    private int backwardDepth;
    private int kernelDepth;
    private long pendingBytes;
    private long startNanos, endNanos;
    private boolean closed;

    ProfileSession(Thread owner, Device device, RangeSink sink) {
        this.owner = owner;
        this.device = device;
        this.sink = sink;
        this.sync = syncOf(device);
    }

    /** The device-wide synchronise of a non-host device (its kernel library), null on the host. */
    private static Runnable syncOf(Device device) {
        if (device.isHost()) return null;
        RevtafKernels k = RevtafKernels.forDevice(device.cliName());
        return k::synchronize;
    }

    void begin() {
        startNanos = System.nanoTime();
        Allocator.listen(this::allocated);
    }

    /** Stops counting (idempotent); the report stays readable. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        endNanos = System.nanoTime();
        Allocator.listen(null);
        Profiler.stop(this);
        while (!stagePath.isEmpty()) { // a stage left open by an exception
            stagePath.pop();
            sink.pop();
        }
    }

    private boolean counting() {
        return !closed && Thread.currentThread() == owner;
    }

    private void allocated(long bytes) {
        if (counting()) pendingBytes += bytes;
    }

    private OpStat stat(String op, boolean backward) {
        OpStat[] s = ops.computeIfAbsent(op, k -> new OpStat[2]);
        int d = backward ? 1 : 0;
        if (s[d] == null) s[d] = new OpStat();
        return s[d];
    }

    Backend op(String name, Backend be) {
        if (!counting()) return be;
        stat(name, backwardDepth > 0).calls++;
        currentOp = name;
        return wrap(name, be);
    }

    Backend current(Backend be) {
        return counting() ? wrap(currentOp, be) : be;
    }

    private Backend wrap(String name, Backend be) {
        if (be instanceof ProfiledBackend p) be = p.delegate();
        Backend raw = be;
        return wrappers.computeIfAbsent(raw, k -> new HashMap<>())
                .computeIfAbsent(name, n -> new ProfiledBackend(this, n, raw));
    }

    Profiler.Region backward(String op) {
        if (!counting()) return Profiler.Region.NONE;
        if (op != null) {
            stat(op, true).calls++;
            currentOp = op;
        }
        backwardDepth++;
        return () -> backwardDepth--;
    }

    Profiler.Region stage(String name) {
        if (!counting()) return Profiler.Region.NONE;
        String path = stagePath.isEmpty() ? name : stagePath.peek() + "/" + name;
        StageStat s = stages.computeIfAbsent(path, k -> new StageStat()); // rows in the order first opened
        stagePath.push(path);
        sink.push(name);
        long t0 = System.nanoTime();
        return () -> {
            if (stagePath.isEmpty() || !stagePath.peek().equals(path)) return; // closed by close()
            stagePath.pop();
            sink.pop();
            s.calls++;
            s.wallNanos += System.nanoTime() - t0;
        };
    }

    /** True when a kernel call of {@code name} should be timed (not nested in another timed call). */
    boolean enterKernel(ProfiledBackend be, java.lang.reflect.Method kernel) {
        if (!counting() || kernelDepth > 0) return false;
        kernelDepth++;
        if (sink != RangeSink.NONE) sink.push(be.label(kernel, backwardDepth > 0));
        return true;
    }

    /** Ends a timed kernel call: waits for the device, charges the time and pending allocations. */
    void exitKernel(String name, long t0) {
        try {
            if (sync != null) sync.run();
        } finally {
            long dt = System.nanoTime() - t0;
            kernelDepth--;
            if (sink != RangeSink.NONE) sink.pop();
            OpStat s = stat(name, backwardDepth > 0);
            s.kernels++;
            s.nanos += dt;
            s.bytes += pendingBytes;
            pendingBytes = 0;
            for (String path : stagePath) stages.computeIfAbsent(path, k -> new StageStat()).opNanos += dt;
        }
    }

    public Device device() {
        return device;
    }

    /** The table so far (or of the finished session). */
    public ProfileReport report() {
        List<ProfileReport.OpRow> rows = new ArrayList<>();
        ops.forEach((op, s) -> {
            for (int d = 0; d < 2; d++)
                if (s[d] != null) rows.add(new ProfileReport.OpRow(op, d == 1, s[d].calls, s[d].nanos, s[d].bytes));
        });
        if (pendingBytes > 0) rows.add(new ProfileReport.OpRow(UNCHARGED, false, 0, 0, pendingBytes));
        List<ProfileReport.StageRow> st = new ArrayList<>();
        stages.forEach((p, s) -> st.add(new ProfileReport.StageRow(p, s.calls, s.wallNanos, s.opNanos)));
        long wall = (closed ? endNanos : System.nanoTime()) - startNanos;
        return new ProfileReport(device, rows, st, wall);
    }
}
