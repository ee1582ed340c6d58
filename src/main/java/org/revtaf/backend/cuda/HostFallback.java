package org.revtaf.backend.cuda;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;
import org.revtaf.backend.Backend;
import org.revtaf.backend.Backends;
import org.revtaf.tensor.DType;
import org.revtaf.tensor.Device;
import org.revtaf.tensor.DeviceStorage;
import org.revtaf.tensor.HeapStorage;
import org.revtaf.tensor.Tensor;

/**
 * The kernel families that have no CUDA kernels yet (elementwise, reduce, matmul, conv, norm,
 * index) for device tensors: every device tensor argument is copied to the host (views of one
 * storage share one copy), the host kernel runs (the dispatcher's choice for the cpu device and the
 * dtype of the first floating-point tensor argument), and the device storages are written back.
 * Correct and synchronous, not fast: it keeps whole models runnable on cuda/cuda-emu while only the
 * REVTAF fused ops run as CUDA kernels. {@link CudaFused} also sends attention with a head dim the
 * CUDA kernels are not built for (not 32, 64 or 128), and attention with dropout, through it.
 */
final class HostFallback {
    private HostFallback() {}

    @SuppressWarnings("unchecked")
    static <T> T of(Class<T> family, Function<Backend, T> kernels) {
        return (T) Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, (proxy, m, args) -> {
            T host = kernels.apply(Backends.of(Device.CPU, computeType(args)));
            if (m.getDeclaringClass() == Object.class) {
                return m.invoke(host, args);
            }
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
