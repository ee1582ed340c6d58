package org.revtaf.engine.backend.cuda;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
                for (int i = 0; i < hostArgs.length; i++) {
                    if (hostArgs[i] instanceof Tensor t) {
                        hostArgs[i] = toHost(t, staged);
                    } else if (hostArgs[i] instanceof Tensor[] ts) {
                        Tensor[] hs = new Tensor[ts.length];
                        for (int j = 0; j < ts.length; j++) {
                            hs[j] = ts[j] == null ? null : toHost(ts[j], staged);
                        }
                        hostArgs[i] = hs;
                    }
                }
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
            for (Object a : args) if (a instanceof Tensor t && t.dtype().isFloating()) return t.dtype();
        return null;
    }

    private static Tensor toHost(Tensor t, Map<DeviceStorage, HeapStorage> staged) {
        if (!(t.storage() instanceof DeviceStorage ds)) {
            return t;
        }
        HeapStorage h = staged.computeIfAbsent(ds, DeviceStorage::toHost);
        return new Tensor(h, Device.CPU, t.dtype(), t.shape(), t.strides(), t.offset());
    }
}
