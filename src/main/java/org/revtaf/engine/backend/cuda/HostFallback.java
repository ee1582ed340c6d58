package org.revtaf.engine.backend.cuda;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.revtaf.engine.backend.Backend;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.DeviceStorage;
import org.revtaf.engine.tensor.HeapStorage;
import org.revtaf.engine.tensor.Tensor;

/**
 * The explicit, counted host path of the cuda backend: every device tensor argument is copied to
 * the host (views of one storage share one copy), the host kernel runs (the dispatcher's choice for
 * the cpu device and the dtype of the first floating-point tensor argument), and the device storages
 * are written back. Correct and synchronous, not fast. The device adapters send here only what their
 * kernels do not cover (dtypes other than float32, ranks above 8, attention head dims without a
 * kernel, ...); every call is counted per kernel method ({@link #calls}) and the first one of each
 * is logged, so a training step can report {@code host_fallbacks} and tests can require zero.
 */
final class HostFallback {
    private static final System.Logger LOG = System.getLogger(HostFallback.class.getName());
    private static final Map<String, AtomicLong> CALLS = new ConcurrentHashMap<>();

    private HostFallback() {}

    /** Host-path calls so far per kernel method ({@code family.method}), a snapshot. */
    static Map<String, Long> calls() {
        Map<String, Long> out = new TreeMap<>();
        CALLS.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The total number of host-path calls so far. */
    static long total() {
        long n = 0;
        for (AtomicLong v : CALLS.values()) n += v.get();
        return n;
    }

    private static void count(String name) {
        if (CALLS.computeIfAbsent(name, k -> new AtomicLong()).getAndIncrement() == 0)
            LOG.log(
                    System.Logger.Level.INFO,
                    "cuda backend: " + name + " runs on the host (copies to and from the device)");
    }

    @SuppressWarnings("unchecked")
    static <T> T of(Class<T> family, Function<Backend, T> kernels) {
        return (T) Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, (proxy, m, args) -> {
            T host = kernels.apply(Backends.of(Device.CPU, computeType(args)));
            if (m.getDeclaringClass() == Object.class) {
                return m.invoke(host, args);
            }
            count(family.getSimpleName().replace("Kernels", "").toLowerCase(java.util.Locale.ROOT) + "." + m.getName());
            Map<DeviceStorage, HeapStorage> staged = new IdentityHashMap<>();
            Object[] hostArgs = args == null ? null : args.clone();
            if (hostArgs != null) {
                for (int i = 0; i < hostArgs.length; i++) hostArgs[i] = toHost(hostArgs[i], staged);
            }
            Object result;
            try {
                result = m.invoke(host, hostArgs);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            for (var e : staged.entrySet()) {
                e.getKey().copyFromHost(e.getValue()); // outputs (and unchanged inputs) go back
            }
            return result;
        });
    }

    /** The dtype of the first floating-point tensor argument (null when there is none). */
    private static DType computeType(Object[] args) {
        if (args != null)
            for (Object a : args) {
                DType t = a instanceof Record r ? computeType(components(r)) : a instanceof Tensor x ? x.dtype() : null;
                if (t != null && t.isFloating()) return t;
            }
        return null;
    }

    /**
     * An argument with its device tensors staged on the host: a tensor, the tensors of an array, the
     * tensor components of an argument record ({@code LayerNormArgs}, ...); anything else as it is.
     */
    private static Object toHost(Object a, Map<DeviceStorage, HeapStorage> staged) {
        if (a instanceof Tensor t) return toHost(t, staged);
        if (a instanceof Tensor[] ts) {
            Tensor[] hs = new Tensor[ts.length];
            for (int j = 0; j < ts.length; j++) hs[j] = ts[j] == null ? null : toHost(ts[j], staged);
            return hs;
        }
        if (a instanceof Record r && hasTensor(r)) {
            Object[] c = components(r);
            for (int i = 0; i < c.length; i++) c[i] = toHost(c[i], staged);
            try {
                Class<?>[] types = Arrays.stream(r.getClass().getRecordComponents())
                        .map(RecordComponent::getType)
                        .toArray(Class<?>[]::new);
                return r.getClass().getDeclaredConstructor(types).newInstance(c);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot stage " + r.getClass().getSimpleName() + " on the host", e);
            }
        }
        return a;
    }

    private static boolean hasTensor(Record r) {
        for (Object c : components(r)) if (c instanceof Tensor) return true;
        return false;
    }

    /** The component values of a record, in order. */
    private static Object[] components(Record r) {
        RecordComponent[] rc = r.getClass().getRecordComponents();
        Object[] v = new Object[rc.length];
        try {
            for (int i = 0; i < rc.length; i++) v[i] = rc[i].getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + r.getClass().getSimpleName(), e);
        }
        return v;
    }

    private static Tensor toHost(Tensor t, Map<DeviceStorage, HeapStorage> staged) {
        if (!(t.storage() instanceof DeviceStorage ds)) {
            return t;
        }
        HeapStorage h = staged.computeIfAbsent(ds, DeviceStorage::toHost);
        return new Tensor(h, Device.CPU, t.dtype(), t.shape(), t.strides(), t.offset());
    }
}
