package org.revtaf.learning.nn;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.revtaf.RevtafException;
import org.revtaf.edges.io.Safetensors;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.learning.optim.LrSchedule;

/**
 * A training checkpoint in one safetensors file: everything a resumed run needs to continue
 * exactly where it stopped. Saving is atomic (temp file, fsync, rename; {@link Safetensors#write}).
 *
 * <p>Layout: tensors {@code model.NAME} (parameters and buffers), {@code optim.NAME} (optimizer
 * slots, e.g. {@code optim.m.NAME}, {@code optim.v.NAME} for AdamW) and {@code rng.NAME} (int64
 * [6] generator states, {@link Rng#state()}); {@code __metadata__} holds {@code revtaf.format =
 * checkpoint}, {@code revtaf.version}, {@code step}, {@code config} (the resolved YAML) and
 * scalar states as {@code state.KEY} (scheduler position, optimizer step count, ...).
 *
 * @param step optimizer steps taken so far
 * @param model parameters and buffers by module name
 * @param optimizer optimizer tensors by slot-qualified name
 * @param rng generator states by purpose
 * @param state scalar states (strings) by key
 * @param config the resolved configuration as YAML text (may be empty)
 */
public record Checkpoint(
        long step,
        Map<String, NdArray> model,
        Map<String, NdArray> optimizer,
        Map<String, long[]> rng,
        Map<String, String> state,
        String config) {
    public static final String FORMAT = "checkpoint";
    public static final String VERSION = "1";
    private static final String MODEL = "model.", OPTIM = "optim.", RNG = "rng.", STATE = "state.";
    private static final String SCHED_EPOCH = "scheduler.epoch", SCHED_STEP = "scheduler.step_in_epoch";

    public Checkpoint {
        if (step < 0) throw new RevtafException("checkpoint: negative step " + step);
        model = Collections.unmodifiableMap(new LinkedHashMap<>(model));
        optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
        Map<String, long[]> r = new LinkedHashMap<>();
        rng.forEach((k, v) -> r.put(k, v.clone()));
        rng = Collections.unmodifiableMap(r);
        state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
        config = config == null ? "" : config;
    }

    /** A copy with the scheduler position stored in {@link #state()}. */
    public Checkpoint withScheduler(LrSchedule.State s) {
        Map<String, String> st = new LinkedHashMap<>(state);
        st.put(SCHED_EPOCH, Integer.toString(s.epoch()));
        st.put(SCHED_STEP, Long.toString(s.stepInEpoch()));
        return new Checkpoint(step, model, optimizer, rng, st, config);
    }

    /** The stored scheduler position; an error if the checkpoint has none. */
    public LrSchedule.State scheduler() {
        return new LrSchedule.State(Math.toIntExact(stateLong(SCHED_EPOCH)), stateLong(SCHED_STEP));
    }

    /** A scalar state as a long; the error names the key. */
    public long stateLong(String key) {
        return parse(key, "an integer", Long::parseLong);
    }

    /** A scalar state as a double; the error names the key. */
    public double stateDouble(String key) {
        return parse(key, "a number", Double::parseDouble);
    }

    private <T> T parse(String key, String what, java.util.function.Function<String, T> parser) {
        String v = state.get(key);
        if (v == null) throw new RevtafException("checkpoint: no state '" + key + "' (has " + state.keySet() + ")");
        try {
            return parser.apply(v);
        } catch (NumberFormatException e) {
            throw new RevtafException("checkpoint: state '" + key + "' is not " + what + ": '" + v + "'");
        }
    }

    /** A generator restored from the stored state of {@code name}. */
    public Rng rng(String name) {
        long[] s = rng.get(name);
        if (s == null) throw new RevtafException("checkpoint: no rng state '" + name + "' (has " + rng.keySet() + ")");
        return Rng.fromState(s);
    }

    /** Writes the checkpoint atomically; an existing file is replaced only once the new one is complete. */
    public void save(Path file) {
        Map<String, NdArray> tensors = new LinkedHashMap<>();
        model.forEach((k, v) -> tensors.put(MODEL + k, v));
        optimizer.forEach((k, v) -> tensors.put(OPTIM + k, v));
        rng.forEach((k, v) -> tensors.put(RNG + k, NdArray.ofLongs(new long[] {v.length}, v)));
        Map<String, String> meta = new TreeMap<>();
        meta.put("revtaf.format", FORMAT);
        meta.put("revtaf.version", VERSION);
        meta.put("step", Long.toString(step));
        meta.put("config", config);
        state.forEach((k, v) -> meta.put(STATE + k, v));
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Reads a checkpoint written by {@link #save}; tensors are copied out of the file. A truncated
     * file, a flipped bit (the safetensors checksum) or a missing checksum is an error naming the
     * file and saying it is damaged.
     */
    public static Checkpoint load(Path file) {
        try (Safetensors st = Safetensors.open(file)) {
            Map<String, String> meta = st.metadata();
            String fmt = meta.get("revtaf.format");
            if (!FORMAT.equals(fmt))
                throw new RevtafException(file + ": not a revtaf checkpoint (metadata revtaf.format is "
                        + (fmt == null ? "missing" : "'" + fmt + "'")
                        + "); for plain weights use weight import");
            if (!st.checksummed())
                throw new RevtafException(file + ": damaged: the checkpoint has no checksum ("
                        + Safetensors.CHECKSUM_KEY + "), so its contents cannot be trusted");
            if (!VERSION.equals(meta.get("revtaf.version")))
                throw new RevtafException(file + ": checkpoint version '" + meta.get("revtaf.version")
                        + "' is not supported (this build reads version " + VERSION + ")");
            long step;
            try {
                step = Long.parseLong(meta.getOrDefault("step", ""));
            } catch (NumberFormatException e) {
                throw new RevtafException(file + ": checkpoint metadata 'step' is missing or not an integer");
            }
            Map<String, NdArray> model = new LinkedHashMap<>(), optim = new LinkedHashMap<>();
            Map<String, long[]> rng = new LinkedHashMap<>();
            for (String n : st.names()) {
                if (n.startsWith(MODEL)) model.put(n.substring(MODEL.length()), st.copy(n));
                else if (n.startsWith(OPTIM)) optim.put(n.substring(OPTIM.length()), st.copy(n));
                else if (n.startsWith(RNG)) {
                    NdArray a = st.get(n);
                    if (a.dtype() != DType.INT64 || a.rank() != 1 || a.numel() != Rng.STATE_LONGS)
                        throw new RevtafException(
                                file + ": rng state '" + n + "' must be int64 [" + Rng.STATE_LONGS + "], got " + a);
                    rng.put(n.substring(RNG.length()), a.toLongs());
                } else
                    throw new RevtafException(file + ": unexpected tensor '" + n
                            + "' in a checkpoint (names start with model., optim. or rng.)");
            }
            Map<String, String> state = new LinkedHashMap<>();
            meta.forEach((k, v) -> {
                if (k.startsWith(STATE)) state.put(k.substring(STATE.length()), v);
            });
            return new Checkpoint(step, model, optim, rng, state, meta.getOrDefault("config", ""));
        }
    }
}
