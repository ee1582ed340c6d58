package org.revtaf.domain.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.revtaf.RevtafException;

/**
 * Applies a {@link BadSamplePolicy}: under FAIL a problem becomes a {@link RevtafException} at once;
 * under SKIP and COLLECT it is counted (thread-safe) and the first few messages are kept (SKIP also
 * writes them to the log).
 */
public final class BadSamples {
    /** How many messages are kept. */
    public static final int KEEP = 10;

    private final BadSamplePolicy policy;
    private final List<String> first = new ArrayList<>();
    private int count;

    public BadSamples(BadSamplePolicy policy) {
        this.policy = policy;
    }

    public BadSamplePolicy policy() {
        return policy;
    }

    /** Reports a bad sample; throws under FAIL, records it under SKIP. */
    public void report(String message) {
        if (policy == BadSamplePolicy.FAIL) throw new RevtafException(message);
        synchronized (this) {
            count++;
            if (first.size() < KEEP) first.add(message);
        }
    }

    public synchronized int count() {
        return count;
    }

    public synchronized List<String> firstMessages() {
        return Collections.unmodifiableList(new ArrayList<>(first));
    }

    /** Writes "skipped N bad samples" and the first messages to the log when anything was skipped. */
    public void log(String what, Consumer<String> log) {
        int n = count();
        if (n == 0 || policy == BadSamplePolicy.COLLECT) return;
        log.accept(what + ": skipped " + n + " bad sample" + (n == 1 ? "" : "s") + " (--on-bad-sample skip)");
        for (String m : firstMessages()) log.accept("  " + m);
        if (n > KEEP) log.accept("  ... and " + (n - KEEP) + " more");
    }
}
