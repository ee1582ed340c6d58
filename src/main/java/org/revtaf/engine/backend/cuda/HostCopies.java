package org.revtaf.engine.backend.cuda;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of the copies between host and device memory that the cuda backends make (device to
 * host: reads; host to device: writes), each by the code that asked for it: the first stack frame
 * outside the backend and the tensor layer ({@code Losses.crossEntropy:35}). Each copy is a host
 * synchronisation point today, so a training step should make only its explicit ones (loading the
 * batch, reading a loss for logging); {@code bench train-step} reports them beside the host
 * fallbacks and tests bound them.
 */
final class HostCopies {
    private static final AtomicLong READS = new AtomicLong(), WRITES = new AtomicLong();
    private static final Map<String, AtomicLong> SITES = new ConcurrentHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance();

    private HostCopies() {}

    /** A device-to-host copy (a read of device memory by the host). */
    static void read() {
        READS.incrementAndGet();
        site("read");
    }

    /** A host-to-device copy. */
    static void write() {
        WRITES.incrementAndGet();
        site("write");
    }

    static long reads() {
        return READS.get();
    }

    static long writes() {
        return WRITES.get();
    }

    /** Copies so far by kind and caller ({@code "read Losses.crossEntropy:35"}), a snapshot. */
    static Map<String, Long> sites() {
        Map<String, Long> out = new TreeMap<>();
        SITES.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static void site(String kind) {
        String where = WALKER.walk(frames -> frames.filter(f -> !internal(f.getClassName()))
                .findFirst()
                .map(f -> simple(f.getClassName()) + "." + f.getMethodName() + ":" + f.getLineNumber())
                .orElse("?"));
        SITES.computeIfAbsent(kind + " " + where, k -> new AtomicLong()).incrementAndGet();
    }

    /** Frames of the copy machinery itself: the backends, the tensor layer, the bindings. */
    private static boolean internal(String cls) {
        return (cls.startsWith("org.revtaf.engine.backend.") && !cls.endsWith("Test"))
                || cls.startsWith("org.revtaf.engine.tensor.")
                || cls.startsWith("org.revtaf.engine.bindings.")
                || cls.startsWith("java.")
                || cls.contains("$Proxy");
    }

    private static String simple(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }
}
