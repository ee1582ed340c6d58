package org.revtaf.engine.backend.profile;

import java.util.function.Consumer;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.bindings.RevtafKernels;
import org.revtaf.engine.tensor.Device;

/**
 * The op profiler of {@code --profile}: per op name and direction (forward, or run during the
 * backward pass), calls, time in the op's kernels and bytes allocated, plus wall time per stage.
 * Off by default; off, every hook is one volatile read that returns its argument or {@link
 * Region#NONE} and allocates nothing.
 *
 * <p>Where the hooks sit: every op asks the dispatcher for its backend through {@code
 * ops.Ops.backend(op, ...)}, which calls {@link #op}; while a session runs, that returns the
 * backend behind a {@link ProfiledBackend} named after the op, so every kernel the op calls
 * (forward, and in the backward function that captured it) is timed and charged to the op. The
 * autograd engine opens {@link #backward} around each node's backward function, which counts the
 * call and marks the direction. Kernels are leaves, so a nested op is never counted twice: the
 * table shows self time (the op's own kernels). Pipelines open {@link #stage} regions (data
 * loading, forward, backward, optimizer step, validation, beam search) for the time per stage.
 *
 * <p>A session records the thread that started it (the training or generation thread); ops on
 * other threads (data loading workers) are not counted. On a device that is not the host, each
 * kernel call is followed by a device synchronise while profiling, so its time is the GPU's time
 * plus launch overhead, not the time to enqueue it (profiling serialises host and device; the run
 * is slower than an unprofiled one). With an NVTX sink (cuda), each stage and each kernel call is
 * an NVTX range named after the stage or the op and kernel, for Nsight Systems.
 */
public final class Profiler {
    private static volatile ProfileSession active;

    private Profiler() {}

    /** A timed span: close it to end it (try-with-resources). */
    public interface Region extends AutoCloseable {
        /** The region of a disabled profiler: does nothing. */
        Region NONE = () -> {};

        @Override
        void close();
    }

    /**
     * Starts profiling on the calling thread with the NVTX sink of the device ({@link
     * RangeSink#forDevice}; {@code warn} hears once when NVTX is unavailable). Close the session
     * to stop; one session at a time.
     */
    public static ProfileSession start(Device device, Consumer<String> warn) {
        if (!device.isHost()) RevtafKernels.forDevice(device.cliName()); // a device without a GPU: its own error
        return start(device, RangeSink.forDevice(device, warn));
    }

    /** Starts profiling on the calling thread with an explicit range sink (tests use a fake). */
    public static synchronized ProfileSession start(Device device, RangeSink sink) {
        if (active != null) throw new IllegalStateException("a profiling session is already running");
        ProfileSession s = new ProfileSession(Thread.currentThread(), device, sink);
        s.begin();
        active = s;
        return s;
    }

    static synchronized void stop(ProfileSession s) {
        if (active == s) active = null;
    }

    /** True while a session runs. */
    public static boolean enabled() {
        return active != null;
    }

    /**
     * One call of op {@code name} dispatched to {@code be}: off, {@code be} itself; on, {@code be}
     * behind a wrapper that times its kernels as {@code name}.
     */
    public static Backend op(String name, Backend be) {
        ProfileSession s = active;
        return s == null ? be : s.op(name, be);
    }

    /**
     * Kernels of the op running now (a helper inside an op, not a call of its own): off, {@code
     * be} itself; on, {@code be} timed under the current op's name.
     */
    public static Backend current(Backend be) {
        ProfileSession s = active;
        return s == null ? be : s.current(be);
    }

    /**
     * The backward function of a recorded op ({@code op} its name) or, with null, the whole
     * backward pass: kernels run inside it count as backward.
     */
    public static Region backward(String op) {
        ProfileSession s = active;
        return s == null ? Region.NONE : s.backward(op);
    }

    /** A stage of a pipeline ("forward", "data loading", ...), nested stages as "outer/inner". */
    public static Region stage(String name) {
        ProfileSession s = active;
        return s == null ? Region.NONE : s.stage(name);
    }
}
