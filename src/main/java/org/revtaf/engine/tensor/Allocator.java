package org.revtaf.engine.tensor;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where tensor memory comes from. Host devices: a pooled heap allocator; arrays released by a
 * {@link Scope} go back to a free list keyed by dtype and size class, so a training step that
 * repeats the same shapes allocates nothing new after the first step. The pool holds arrays
 * strongly up to a cap ({@code -Drevtaf.pool.maxBytes}, default a quarter of the heap limit, at
 * least 2 GiB); beyond the cap it holds them through {@link SoftReference}s, which the GC clears
 * before it would run out of memory, so a step whose working set exceeds the cap is still served
 * from the pool and the heap limit stays the only bound.
 * Other devices: the allocator their backend registered ({@link #register}); a device nobody
 * registered yet is opened through {@link TensorOps#open} first.
 */
public final class Allocator {
    /** Memory on one non-host device (a backend's {@code allocate}). */
    @FunctionalInterface
    public interface DeviceAllocator {
        Storage allocate(DType dtype, int n, boolean zero);
    }

    /** Hears the size in bytes of every storage allocated (the profiler's hook). */
    @FunctionalInterface
    public interface Listener {
        void allocated(long bytes);
    }

    private static volatile Listener listener;

    private static final Map<Device, DeviceAllocator> DEVICES = new EnumMap<>(Device.class);

    /**
     * Strong pool cap: a quarter of the heap limit, at least 2 GiB. Arrays released beyond it are
     * pooled softly: were they left to the GC, a step whose working set exceeds the cap (ResNet-50
     * at batch 8 needs about 3 GiB, the 12 x 768 decoder step at batch 8 about 4.5 GiB) would
     * allocate the excess afresh every step, and the young collections would copy the step's live
     * activations: seconds of GC per step (decoder, -Xmx8g: 14.0 -> 8.7 s of process CPU per step).
     */
    private static long maxPoolBytes = Long.getLong(
            "revtaf.pool.maxBytes", Math.max(2L << 30, Runtime.getRuntime().maxMemory() / 4));

    /** Free lists by {@link #key}: arrays (strongly pooled) and {@link SoftEntry}s (pooled beyond the cap). */
    private static final Map<Long, ArrayDeque<Object>> FREE = new HashMap<>();
    /** Soft entries the GC cleared, to be dropped from their free lists. */
    private static final ReferenceQueue<Object> CLEARED = new ReferenceQueue<>();

    private static long pooledBytes;
    private static long softBytes;
    private static final AtomicLong REUSED = new AtomicLong();
    private static final AtomicLong FRESH = new AtomicLong();

    private Allocator() {}

    /** Registers (or replaces) the allocator of a non-host device; the backend layer calls this. */
    public static synchronized void register(Device device, DeviceAllocator allocator) {
        DEVICES.put(device, allocator);
    }

    /** Forgets the allocator of a device (its backend was replaced or removed). */
    public static synchronized void unregister(Device device) {
        DEVICES.remove(device);
    }

    /** Sets the one allocation listener, or removes it with null (off: one volatile read per allocation). */
    public static void listen(Listener l) {
        listener = l;
    }

    private static void heard(DType dtype, int n) {
        Listener l = listener;
        if (l != null) l.allocated((long) n * dtype.byteSize());
    }

    private static synchronized DeviceAllocator registered(Device device) {
        return DEVICES.get(device);
    }

    /** n elements on a device, zero-filled when asked, registered with the current {@link Scope}. */
    public static Storage allocate(Device device, DType dtype, int n, boolean zero) {
        if (device.isHost()) return allocate(dtype, n, zero);
        DeviceAllocator a = registered(device);
        if (a == null) {
            TensorOps.get().open(device); // its backend registers the allocator, or says why it cannot
            a = registered(device);
            if (a == null)
                throw new IllegalStateException("device " + device + ": its backend registered no allocator");
        }
        Storage s = a.allocate(dtype, n, zero);
        heard(dtype, n);
        Scope.register(s);
        return s;
    }

    /** A host storage of n elements; zero-filled when {@code zero}, else contents are unspecified. */
    public static HeapStorage allocate(DType dtype, int n, boolean zero) {
        int cap = sizeClass(n);
        Object a = take(dtype, cap);
        if (a == null) {
            FRESH.incrementAndGet();
            a = newArray(dtype, cap);
        } else {
            REUSED.incrementAndGet();
            if (zero) clear(a);
        }
        HeapStorage s = new HeapStorage(dtype, n, a);
        heard(dtype, n);
        Scope.register(s);
        return s;
    }

    /**
     * Array length for n elements: exact up to 64, else n rounded up to a multiple of an eighth of
     * its power of two (at most 12.5% slack), so steps whose shapes vary a little (sequence
     * lengths) share pooled arrays instead of filling the pool with one size each.
     */
    static int sizeClass(int n) {
        if (n <= 64) return n;
        int step = Integer.highestOneBit(n) >>> 3;
        long r = ((long) n + step - 1) / step * step;
        return (int) Math.min(r, Integer.MAX_VALUE - 8);
    }

    /** A pooled array beyond the strong cap, held softly; remembers its free list to leave it when cleared. */
    private static final class SoftEntry extends SoftReference<Object> {
        final long key, bytes;

        SoftEntry(Object array, long key, long bytes) {
            super(array, CLEARED);
            this.key = key;
            this.bytes = bytes;
        }
    }

    private static synchronized Object take(DType dtype, int n) {
        dropCleared();
        ArrayDeque<Object> q = FREE.get(key(dtype, n));
        if (q == null) return null;
        long bytes = (long) n * dtype.byteSize();
        for (Object e; (e = q.pollLast()) != null; ) {
            if (!(e instanceof SoftEntry soft)) {
                pooledBytes -= bytes;
                return e;
            }
            softBytes -= bytes;
            Object a = soft.get();
            soft.clear(); // taken: not to be dropped again when the queue reports it
            if (a != null) return a;
        }
        return null;
    }

    static synchronized void recycle(DType dtype, Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        if (n == 0) return;
        dropCleared();
        long bytes = (long) n * dtype.byteSize(), key = key(dtype, n);
        ArrayDeque<Object> q = FREE.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (pooledBytes + bytes <= maxPoolBytes) {
            q.addLast(array);
            pooledBytes += bytes;
        } else {
            q.addLast(new SoftEntry(array, key, bytes));
            softBytes += bytes;
        }
    }

    /** Drops the soft entries the GC cleared from their free lists. */
    private static void dropCleared() {
        for (Reference<?> r; (r = CLEARED.poll()) != null; ) {
            SoftEntry e = (SoftEntry) r;
            ArrayDeque<Object> q = FREE.get(e.key);
            if (q != null && q.removeIf(x -> x == e)) softBytes -= e.bytes;
        }
    }

    /** Sets the strong pool cap (tests); returns the previous one. */
    static synchronized long setMaxPoolBytes(long bytes) {
        long old = maxPoolBytes;
        maxPoolBytes = bytes;
        return old;
    }

    /** Bytes currently held strongly in free lists (at most the cap). */
    public static synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Bytes pooled beyond the cap through soft references, the GC's clearing not yet noticed. */
    public static synchronized long softPooledBytes() {
        dropCleared();
        return softBytes;
    }

    /** Arrays allocated fresh (not from the pool) since start. */
    public static long freshAllocations() {
        return FRESH.get();
    }

    /** Arrays served from the pool since start. */
    public static long reusedAllocations() {
        return REUSED.get();
    }

    /** Drops every pooled array (for tests and after a phase with different shapes). */
    public static synchronized void trim() {
        FREE.clear();
        pooledBytes = 0;
        softBytes = 0;
    }

    private static long key(DType dtype, int n) {
        return ((long) dtype.ordinal() << 32) | n;
    }

    private static Object newArray(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case BFLOAT16, FLOAT16 -> new short[n];
            case UINT8, BOOL -> throw new IllegalArgumentException("tensors of " + dtype + " are not supported");
        };
    }

    private static void clear(Object a) {
        switch (a) {
            case float[] f -> java.util.Arrays.fill(f, 0f);
            case double[] d -> java.util.Arrays.fill(d, 0d);
            case int[] i -> java.util.Arrays.fill(i, 0);
            case long[] l -> java.util.Arrays.fill(l, 0L);
            case short[] s -> java.util.Arrays.fill(s, (short) 0);
            default -> throw new IllegalStateException();
        }
    }
}
